"""The FilterSets of this app's lists (browser and API share each one)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Team, User
from apps.core.choices import Role
from apps.core.filters import FilterSet, IdChoiceFilter, OwnedFilterSet, visible_people
from apps.core.scoping import sees_everything
from apps.development.choices import CaseKind, LearningKind, RaterRole, Skill
from apps.development.models import CollaborationRating, LearningEntry, SalesCase
from apps.development.selectors import rating_candidates


class LearningFilter(OwnedFilterSet):
    owner_field = "rep"
    date_field = "on"

    owner = IdChoiceFilter(label=_("Person"), queryset=visible_people, method="filter_owner")
    kind = django_filters.ChoiceFilter(label=_("What"), choices=LearningKind.choices)
    skill = django_filters.ChoiceFilter(label=_("Skill"), choices=Skill.choices)

    class Meta:
        model = LearningEntry
        fields = ["owner", "team", "kind", "skill", "date_after", "date_before"]


def rated_people(request):
    """The reps whose ratings the user may filter by: HR and admins all, a seller the people
    they rate (a rep's teammates, a manager's team)."""
    if request is None:
        return User.objects.none()
    if sees_everything(request.user):
        return User.objects.filter(role=Role.REP).order_by("last_name", "first_name", "username")
    return rating_candidates(request.user)


class RatingFilter(FilterSet):
    period_key = django_filters.CharFilter(label=_("Quarter"))
    #: Any person: the ratings are already scoped, and a rep filters the ones they gave by the
    #: teammate rated (whom ``visible_people`` would not list).
    rated = IdChoiceFilter(label=_("Rated person"), queryset=rated_people)
    rater_role = django_filters.ChoiceFilter(label=_("Rated as"), choices=RaterRole.choices)

    class Meta:
        model = CollaborationRating
        fields = ["period_key", "rated", "rater_role"]


def all_teams(request):
    return Team.objects.order_by("name")


class CaseFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CaseKind.choices)
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")
    team = IdChoiceFilter(label=_("Team"), queryset=all_teams)

    class Meta:
        model = SalesCase
        fields = ["q", "kind", "tag", "team"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(lessons__icontains=value)
            | Q(tags__icontains=value.lower())
        )

    def filter_tag(self, queryset, name, value):
        tag = " ".join(value.split()).lower()
        if not tag:
            return queryset
        # Tags are stored "a,b,c": match a whole tag, not part of one.
        return queryset.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag},")
            | Q(tags__endswith=f",{tag}")
            | Q(tags__contains=f",{tag},")
        )
