"""REST routes of this app, registered on the one /api/v1/ router."""

from apps.opportunities.api.views import (
    OpportunityViewSet,
    PipelineSettingsViewSet,
    ProposalViewSet,
    RiskViewSet,
    SpinNoteViewSet,
)


def register(router):
    router.register("opportunities", OpportunityViewSet, basename="opportunity")
    router.register("spin-notes", SpinNoteViewSet, basename="spin-note")
    router.register("proposals", ProposalViewSet, basename="proposal")
    router.register("risks", RiskViewSet, basename="risk")
    router.register("pipeline-settings", PipelineSettingsViewSet, basename="pipeline-settings")
