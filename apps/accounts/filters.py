import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Team, User
from apps.core.choices import Role
from apps.core.filters import FilterSet


def visible_teams(request):
    if request is None:
        return Team.objects.none()
    return Team.objects.visible_to(request.user)


class UserFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=visible_teams)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "team", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )


class TeamFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Team
        fields = ["q"]
