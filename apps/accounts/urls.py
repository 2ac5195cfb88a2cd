from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("people/", views.UserListView.as_view(), name="user-list"),
    path("people/new/", views.UserCreateView.as_view(), name="user-create"),
    path("people/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("people/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user-update"),
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team-create"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("teams/<int:pk>/edit/", views.TeamUpdateView.as_view(), name="team-update"),
]
