from django.urls import path

from apps.opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="opportunity-list"),
    path("new/", views.OpportunityCreateView.as_view(), name="opportunity-create"),
    path("settings/", views.PipelineSettingsView.as_view(), name="pipeline-settings"),
    path("<int:pk>/", views.OpportunityDetailView.as_view(), name="opportunity-detail"),
    path("<int:pk>/edit/", views.OpportunityUpdateView.as_view(), name="opportunity-update"),
    path("<int:pk>/move/", views.OpportunityMoveView.as_view(), name="opportunity-move"),
    path("<int:pk>/credits/", views.OpportunityCreditsView.as_view(), name="opportunity-credits"),
    path(
        "<int:pk>/needs-confirmed/",
        views.NeedsConfirmedView.as_view(),
        name="opportunity-needs-confirmed",
    ),
    path("<int:pk>/spin/new/", views.SpinNoteCreateView.as_view(), name="spin-create"),
    path("<int:pk>/proposals/new/", views.ProposalCreateView.as_view(), name="proposal-create"),
    path("<int:pk>/risks/new/", views.RiskCreateView.as_view(), name="risk-create"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path(
        "proposals/<int:pk>/attachment/",
        views.ProposalAttachmentView.as_view(),
        name="proposal-attachment",
    ),
    path("proposals/<int:pk>/submit/", views.ProposalSubmitView.as_view(), name="proposal-submit"),
    path("proposals/<int:pk>/review/", views.ProposalReviewView.as_view(), name="proposal-review"),
    path("risks/<int:pk>/edit/", views.RiskUpdateView.as_view(), name="risk-update"),
]
