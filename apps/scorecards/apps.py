from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "apps.scorecards"
    label = "scorecards"
    verbose_name = _("Scorecards")

    def ready(self):
        from apps.core.kpi_facts import facts_changed, periods_changed
        from apps.scorecards.receivers import (
            mark_stale_on_facts_changed,
            mark_stale_on_periods_changed,
        )

        facts_changed.connect(mark_stale_on_facts_changed, dispatch_uid="scorecards-mark-stale")
        periods_changed.connect(
            mark_stale_on_periods_changed, dispatch_uid="scorecards-mark-periods-stale"
        )
