"""The pure arithmetic of the dashboards (no database)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from apps.dashboards import calculations as calc

NOW = datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.UTC)


def test_rate_is_a_percentage_with_two_decimals_and_none_without_a_base():
    assert calc.rate(1, 3) == Decimal("33.33")
    assert calc.rate(Decimal("2"), Decimal("2")) == Decimal("100.00")
    assert calc.rate(5, 0) is None
    assert calc.rate(None, 4) is None
    assert calc.rate(1, None) is None


def test_gap_to_target_is_what_is_still_missing_and_zero_once_reached():
    assert calc.gap_to_target(Decimal("1000.00"), Decimal("2500.00")) == Decimal("1500.00")
    assert calc.gap_to_target(Decimal("3000"), Decimal("2500")) == Decimal("0.00")
    assert calc.gap_to_target(None, Decimal("10")) == Decimal("10.00")
    assert calc.gap_to_target(Decimal("10"), None) is None


def test_total_and_average_skip_unknown_values():
    assert calc.total([Decimal("1.50"), None, "2.25"]) == Decimal("3.75")
    assert calc.total([None, None]) is None
    assert calc.average([Decimal("70"), None, Decimal("81")]) == Decimal("75.50")
    assert calc.average([]) is None


def test_conversions_add_up_rows_by_grade_and_keep_every_listed_grade():
    rows = [
        {"grade": "A", "source": "web", "leads": 4, "converted": 3},
        {"grade": "B", "source": "web", "leads": 10, "converted": 1},
        {"grade": "A", "source": "fair", "leads": 4, "converted": 1},
    ]
    by_grade = calc.conversions(rows, "grade", ["A", "B", "C"])
    assert [(c.key, c.leads, c.converted) for c in by_grade] == [
        ("A", 8, 4),
        ("B", 10, 1),
        ("C", 0, 0),
    ]
    assert [c.rate for c in by_grade] == [Decimal("50.00"), Decimal("10.00"), None]
    by_source = calc.conversions(rows, "source", ["web"])
    assert [(c.key, c.leads) for c in by_source] == [("web", 14), ("fair", 4)]


def test_ranked_shares_ranks_on_ties_and_puts_unknown_values_last_unranked():
    items = [("a", Decimal("70")), ("b", None), ("c", Decimal("90")), ("d", Decimal("70"))]
    result = calc.ranked(items, key=lambda item: item[1])
    assert [(rank, item[0]) for rank, item in result] == [
        (1, "c"),
        (2, "a"),
        (2, "d"),
        (None, "b"),
    ]


def test_data_flags_name_every_reason():
    recent = NOW - datetime.timedelta(days=2)
    old = NOW - datetime.timedelta(days=15)
    ok = calc.data_flags(has_scorecard=True, stale=False, last_activity=recent, now=NOW)
    assert ok == []
    assert calc.data_flags(has_scorecard=True, stale=True, last_activity=recent, now=NOW) == [
        calc.STALE
    ]
    assert calc.data_flags(has_scorecard=False, stale=False, last_activity=None, now=NOW) == [
        calc.NO_SCORECARD,
        calc.NO_ACTIVITY,
    ]
    assert calc.data_flags(has_scorecard=True, stale=False, last_activity=old, now=NOW) == [
        calc.NO_ACTIVITY
    ]
    exactly = NOW - datetime.timedelta(days=calc.INACTIVE_DAYS)
    assert calc.data_flags(has_scorecard=True, stale=False, last_activity=exactly, now=NOW) == []


def test_totals_compare_sales_with_targets_and_collected_with_due():
    cards = [
        SimpleNamespace(
            sales=Decimal("1000"),
            sales_target=Decimal("2000"),
            collected=Decimal("300"),
            receivable_due=Decimal("400"),
        ),
        SimpleNamespace(
            sales=Decimal("500"), sales_target=None, collected=None, receivable_due=Decimal("100")
        ),
    ]
    totals = calc.totals(cards)
    assert (totals.sales, totals.sales_target, totals.people) == (
        Decimal("1500"),
        Decimal("2000"),
        2,
    )
    assert totals.achievement == Decimal("75.00")
    assert totals.collection == Decimal("60.00")
    assert totals.sales_gap == Decimal("500.00")
    assert calc.totals([]).achievement is None


def test_kpi_figures_follow_the_given_order_and_read_decimal_strings():
    stored = {
        "collection_rate": {"value": "75.00", "target": "90", "score": "83.33", "weight": "30"},
        "sales_achievement_rate": {"value": None, "target": "100", "score": None, "weight": "70"},
    }
    figures = calc.kpi_figures(stored, ["sales_achievement_rate", "collection_rate"])
    assert [f.kpi for f in figures] == ["sales_achievement_rate", "collection_rate"]
    assert figures[0].value is None and figures[0].weight == Decimal("70")
    assert figures[1].score == Decimal("83.33")
    assert calc.kpi_score(stored, "collection_rate") == Decimal("83.33")
    assert calc.kpi_score(stored, "retention_rate") is None
    assert calc.kpi_score(None, "collection_rate") is None
