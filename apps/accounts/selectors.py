from django.db.models import Count, Prefetch

from apps.accounts.models import Team, User
from apps.core.choices import Role


def user_list(*, user):
    return User.objects.visible_to(user).select_related("team", "profile")


def team_list(*, user):
    return (
        Team.objects.visible_to(user)
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "managers", queryset=User.objects.only("pk", "username", "first_name", "last_name")
            )
        )
    )


def team_members(*, team, user):
    return user_list(user=user).filter(team=team)


def managers_for_choice():
    return User.objects.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True)
