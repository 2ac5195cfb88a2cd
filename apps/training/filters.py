"""One FilterSet for the training proposal list, shared by the browser list and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import FilterSet, IdChoiceFilter, visible_teams
from apps.development.choices import Skill
from apps.training.choices import ProposalKind, ProposalStatus
from apps.training.models import TrainingProposal


class TrainingProposalFilter(FilterSet):
    """Proposals by status, kind, skill and team (a workshop's team or the person's)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProposalStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProposalKind.choices)
    skill = django_filters.ChoiceFilter(label=_("Skill"), choices=Skill.choices)
    team = IdChoiceFilter(label=_("Team"), queryset=visible_teams, method="filter_team")

    class Meta:
        model = TrainingProposal
        fields = ["status", "kind", "skill", "team"]

    def filter_team(self, queryset, name, value):
        return queryset.filter(Q(team=value) | Q(person__team=value))
