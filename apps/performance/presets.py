"""The two weight-scheme presets of SPEC §2.4: *market expansion* and *mature market*.

Defaults *(product defaults; HR changes them by creating a new scheme version)*, as
``KPI weight (target, cap)``; the weights of each scheme sum to 100 and every cap is 120 %:

Monthly (quantitative only, SPEC §2.5)
    market expansion: sales achievement 40 (100), new customers 40 (3), collection 20 (95)
    mature market:    sales achievement 40 (100), new customers 20 (3), collection 40 (95)

Quarterly (360°)
    market expansion: growth 30 (15), retention 20 (90), satisfaction 30 (90), collaboration 20 (80)
    mature market:    growth 20 (15), retention 40 (90), satisfaction 25 (90), collaboration 15 (80)

Annual (all eight KPIs)
    market expansion: sales 20 (100), growth 15 (15), new customers 20 (30), retention 10 (90),
                      collection 5 (95), satisfaction 10 (90), collaboration 10 (80),
                      capability 10 (100)
    mature market:    sales 20 (100), growth 10 (15), new customers 5 (30), retention 25 (90),
                      collection 10 (95), satisfaction 15 (90), collaboration 5 (80),
                      capability 10 (100)

Targets: sales achievement is already a % of the rep's own sales target, so 100 means "on
target"; growth 15 % = industry 10 % + challenge margin 5 (a period setting overrides it);
new customers is the grade-weighted count (a rep's own target overrides it); collection 95 %;
satisfaction 90 (industry average 85); collaboration 80 = 4 of 5 on the ×20 scale; capability
growth 100 = the annual goal reached.
"""

from decimal import Decimal

from apps.performance.choices import Cycle, Kpi, SchemePreset

D = Decimal
CAP = D("120")

TARGETS = {
    Kpi.SALES_ACHIEVEMENT_RATE: D("100"),
    Kpi.SALES_GROWTH_RATE: D("15"),
    Kpi.NEW_CUSTOMERS: D("3"),
    Kpi.RETENTION_RATE: D("90"),
    Kpi.COLLECTION_RATE: D("95"),
    Kpi.CUSTOMER_SATISFACTION: D("90"),
    Kpi.TEAM_COLLABORATION: D("80"),
    Kpi.CAPABILITY_GROWTH: D("100"),
}
#: The annual new-customer target is a year's worth of the monthly one (rounded down).
ANNUAL_TARGETS = {**TARGETS, Kpi.NEW_CUSTOMERS: D("30")}

_WEIGHTS: dict[tuple[str, str], dict[str, int]] = {
    (SchemePreset.MARKET_EXPANSION, Cycle.MONTHLY): {
        Kpi.SALES_ACHIEVEMENT_RATE: 40,
        Kpi.NEW_CUSTOMERS: 40,
        Kpi.COLLECTION_RATE: 20,
    },
    (SchemePreset.MATURE_MARKET, Cycle.MONTHLY): {
        Kpi.SALES_ACHIEVEMENT_RATE: 40,
        Kpi.NEW_CUSTOMERS: 20,
        Kpi.COLLECTION_RATE: 40,
    },
    (SchemePreset.MARKET_EXPANSION, Cycle.QUARTERLY): {
        Kpi.SALES_GROWTH_RATE: 30,
        Kpi.RETENTION_RATE: 20,
        Kpi.CUSTOMER_SATISFACTION: 30,
        Kpi.TEAM_COLLABORATION: 20,
    },
    (SchemePreset.MATURE_MARKET, Cycle.QUARTERLY): {
        Kpi.SALES_GROWTH_RATE: 20,
        Kpi.RETENTION_RATE: 40,
        Kpi.CUSTOMER_SATISFACTION: 25,
        Kpi.TEAM_COLLABORATION: 15,
    },
    (SchemePreset.MARKET_EXPANSION, Cycle.ANNUAL): {
        Kpi.SALES_ACHIEVEMENT_RATE: 20,
        Kpi.SALES_GROWTH_RATE: 15,
        Kpi.NEW_CUSTOMERS: 20,
        Kpi.RETENTION_RATE: 10,
        Kpi.COLLECTION_RATE: 5,
        Kpi.CUSTOMER_SATISFACTION: 10,
        Kpi.TEAM_COLLABORATION: 10,
        Kpi.CAPABILITY_GROWTH: 10,
    },
    (SchemePreset.MATURE_MARKET, Cycle.ANNUAL): {
        Kpi.SALES_ACHIEVEMENT_RATE: 20,
        Kpi.SALES_GROWTH_RATE: 10,
        Kpi.NEW_CUSTOMERS: 5,
        Kpi.RETENTION_RATE: 25,
        Kpi.COLLECTION_RATE: 10,
        Kpi.CUSTOMER_SATISFACTION: 15,
        Kpi.TEAM_COLLABORATION: 5,
        Kpi.CAPABILITY_GROWTH: 10,
    },
}


def _items(preset: str, cycle: str) -> list[dict]:
    targets = ANNUAL_TARGETS if cycle == Cycle.ANNUAL else TARGETS
    return [
        {"kpi": str(kpi), "weight": D(weight), "target": targets[kpi], "cap": CAP}
        for kpi, weight in _WEIGHTS[(preset, cycle)].items()
    ]


PRESETS: dict[tuple[str, str], list[dict]] = {key: _items(*key) for key in _WEIGHTS}


def preset_items(preset: str, cycle: str) -> list[dict]:
    """Fresh copies of the default items of ``preset`` for ``cycle``."""
    return [dict(item) for item in PRESETS[(preset, cycle)]]
