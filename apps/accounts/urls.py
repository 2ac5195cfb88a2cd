from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("people/", views.UserListView.as_view(), name="user-list"),
    path("people/new/", views.UserCreateView.as_view(), name="user-create"),
    path("people/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("people/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user-update"),
    path("people/<int:pk>/unlock/", views.UserUnlockView.as_view(), name="user-unlock"),
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team-create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("teams/<int:pk>/edit/", views.TeamUpdateView.as_view(), name="team-update"),
]
