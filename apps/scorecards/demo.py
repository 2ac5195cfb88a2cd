"""Demo scorecards, computed from the demo data after the performance demo, for every rep and
every period of the demo history: 25 months, 9 quarters and the 3 (fiscal) years they touch
(the periods the performance demo sets targets for), so the dashboards show a trend."""

from django.utils import timezone

from apps.performance import demo as performance_demo
from apps.performance import periods
from apps.scorecards.services import scorecards_recompute


def demo_periods(today) -> list[periods.Period]:
    return performance_demo.demo_periods(today)


def build(rng, context: dict) -> list[str]:
    keys = [period.key for period in demo_periods(timezone.localdate())]
    written = sum(scorecards_recompute(period_key=key) for key in keys)
    return [f"Scorecards: {written} computed for {len(keys)} periods ({keys[0]} … {keys[-1]})."]
