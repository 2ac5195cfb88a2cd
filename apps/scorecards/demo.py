"""Demo scorecards, computed from the demo data after the performance demo: the last 13
months, the last 5 quarters and the current and last (fiscal) year, for every rep."""

from django.utils import timezone

from apps.performance import periods
from apps.scorecards.services import scorecards_recompute


def demo_periods(today) -> list[periods.Period]:
    return [
        *periods.recent_periods(periods.MONTH, today, 13),
        *periods.recent_periods(periods.QUARTER, today, 5),
        *periods.recent_periods(periods.YEAR, today, 2),
    ]


def build(rng, context: dict) -> list[str]:
    keys = [period.key for period in demo_periods(timezone.localdate())]
    written = sum(scorecards_recompute(period_key=key) for key in keys)
    return [f"Scorecards: {written} computed for {len(keys)} periods ({keys[0]} … {keys[-1]})."]
