"""Factories of the performance app (exported through tests/factories/__init__.py).

They write rows directly (no validation, no audit). ``TargetFactory(period_key="2026-Q4")`` and
``PeriodSettingFactory`` derive ``period_kind``/``period_start`` from the key.
``WeightSchemeFactory(items=[(kpi, weight, target), ...])`` adds items (default: the monthly
market-expansion preset); use ``services.weight_scheme_create`` to test validation.
"""

import datetime
from decimal import Decimal

import factory

from apps.performance.choices import Cycle
from apps.performance.models import (
    PdcaNote,
    PeriodSetting,
    Target,
    WeightScheme,
    WeightSchemeItem,
)
from apps.performance.periods import parse_period
from apps.performance.presets import preset_items
from tests.factories.accounts import RepFactory

__all__ = [
    "PdcaNoteFactory",
    "PeriodSettingFactory",
    "TargetFactory",
    "WeightSchemeFactory",
    "WeightSchemeItemFactory",
]


class _PeriodKeyed(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    period_key = "2026-10"
    period_kind = factory.LazyAttribute(lambda o: parse_period(o.period_key).kind)
    period_start = factory.LazyAttribute(lambda o: parse_period(o.period_key).start)


class TargetFactory(_PeriodKeyed):
    class Meta:
        model = Target

    rep = factory.SubFactory(RepFactory)
    sales_target = Decimal("100000.00")
    new_customers_target = Decimal("3")
    collection_rate_target = Decimal("95")


class PeriodSettingFactory(_PeriodKeyed):
    class Meta:
        model = PeriodSetting

    period_key = "2026-Q4"
    industry_growth_rate = Decimal("10")
    challenge_margin = Decimal("5")


class PdcaNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PdcaNote

    rep = factory.SubFactory(RepFactory)
    period_key = "2026-Q4"
    period_start = factory.LazyAttribute(lambda o: parse_period(o.period_key).start)
    plan = "Visit ten A leads."
    do = "Visited eight."
    check_notes = "Two postponed by the customer."
    act = "Book visits earlier in the month."


class WeightSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeightScheme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Scheme {n}")
    cycle = Cycle.MONTHLY
    version = factory.Sequence(lambda n: n + 1)
    effective_from = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(n))

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            rows = [
                (item["kpi"], item["weight"], item["target"])
                for item in preset_items("market_expansion", self.cycle)
            ]
        else:
            rows = extracted
        WeightSchemeItem.objects.bulk_create(
            WeightSchemeItem(scheme=self, kpi=kpi, weight=Decimal(weight), target=Decimal(target))
            for kpi, weight, target in rows
        )


class WeightSchemeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeightSchemeItem

    scheme = factory.SubFactory(WeightSchemeFactory, items=[])
    kpi = "sales_achievement_rate"
    weight = Decimal("100")
    target = Decimal("100")
