"""Every number explained: the records behind each KPI of a scorecard add up to its figures
(browser page ``scorecards:scorecard-sources`` and ``/api/v1/scorecards/{id}/sources/``)."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.performance.calculations import money, quantize
from apps.performance.choices import Kpi
from apps.scorecards import selectors
from apps.scorecards.models import Scorecard
from apps.scorecards.services import scorecards_recompute
from tests.factories import CustomerFactory, OpportunityFactory, ScorecardFactory
from tests.scorecards.helpers import card, local_dt, order, payment, receivable
from tests.scorecards.test_randomized import build

D = Decimal
pytestmark = pytest.mark.django_db
OCTOBER = "2026-10"


def all_rows(scorecard, section):
    window = selectors.scorecard_window(scorecard)
    return [
        selectors.source_row(section, record)
        for record in selectors.source_rows(section, window, scorecard.rep_id)
    ]


def sums_of_rows(scorecard) -> dict:
    """Each figure of the scorecard added up from the rows, in Python."""
    out = {}
    for section in ("orders", "orders_last_year", "receivables", "payments"):
        (field,) = selectors.SECTION_FIELDS[section]
        out[field] = money(sum((row["counted"] for row in all_rows(scorecard, section)), D(0)))
    developed = all_rows(scorecard, "developed")
    out["new_customers"] = len(developed)
    out["new_customers_weighted"] = quantize(sum((row["weight"] for row in developed), D(0)))
    out["customers_at_start"] = len(all_rows(scorecard, "at_start"))
    out["customers_lost"] = len(all_rows(scorecard, "lost"))
    return out


def stored(scorecard) -> dict:
    return {
        name: getattr(scorecard, name)
        for fields in selectors.SECTION_FIELDS.values()
        for name in fields
    }


@pytest.fixture
def october(cast):
    """rep_a's October 2026 with every kind of record behind a figure."""
    rep, partner = cast.rep_a, cast.rep_a2
    grade_a = CustomerFactory(owner=rep, lead_grade="A", name="Alpha Grade Co.")
    grade_b = CustomerFactory(owner=rep, lead_grade="B")
    grade_c = CustomerFactory(owner=rep, lead_grade="C")
    no_grade = CustomerFactory(owner=rep, lead_grade="")
    old = CustomerFactory(owner=rep)
    lost = CustomerFactory(owner=rep)
    lost_before = CustomerFactory(owner=rep)
    negotiated = CustomerFactory(owner=rep, lead_grade="B")
    # Last year and before the period: customers at the start.
    order(rep, old, "800.00", "2025-10-15")
    order(rep, lost, "300.00", "2026-05-01")
    order(rep, lost_before, "300.00", "2026-04-01")
    # The period: split credits, an order without credit rows, a partner's own order.
    split = order(
        rep, grade_a, "1000.01", "2026-10-02", credits=[(rep, "33.33"), (partner, "66.67")]
    )
    bare = order(rep, grade_b, "250.00", "2026-10-20", credits=[])
    order(partner, grade_c, "400.00", "2026-10-05", credits=[(partner, "50"), (rep, "50")])
    order(rep, no_grade, "99.99", "2026-10-31")
    order(rep, old, "120.00", "2026-10-10")
    order(partner, CustomerFactory(owner=partner), "5000.00", "2026-10-10")  # not rep_a's
    # Receivables due in the period and payments (one late, not counted).
    due_split = receivable(split, "1000.01", "2026-10-25")
    payment(due_split, "500.00", "2026-10-26")
    payment(due_split, "500.01", "2026-11-03")  # after the period: not counted
    due_bare = receivable(bare, "250.00", "2026-10-30")
    payment(due_bare, "250.00", "2026-09-30")  # early: counted
    receivable(bare, "10.00", "2026-11-15")  # due after the period
    # Lost in the period, lost before it.
    for customer, day in ((lost, "2026-10-12"), (lost_before, "2026-09-01")):
        customer.status, customer.lost_on, customer.lost_reason = "lost", day, "Moved away"
        customer.save(update_fields=["status", "lost_on", "lost_reason"])
    OpportunityFactory(
        owner=rep,
        customer=negotiated,
        needs_confirmed=True,
        negotiation_reached_at=local_dt("2026-10-08 10:00"),
    )
    return card(rep, OCTOBER)


def test_each_kpis_rows_add_up_to_the_recomputed_figures(october):
    assert october.sales > 0 and october.collected > 0 and october.customers_lost == 1
    assert sums_of_rows(october) == stored(october)
    assert october.new_customers == 5  # A, B, C, no grade, and the negotiated B


@pytest.mark.parametrize("kpi", list(selectors.KPI_SECTIONS))
def test_the_selectors_totals_equal_the_scorecard_for_every_kpi(october, kpi):
    sources = selectors.scorecard_sources(october, kpi)
    assert sources.totals == sources.figures
    assert set(sources.totals) == {
        name for section in sources.sections for name in selectors.SECTION_FIELDS[section]
    }


def test_order_rows_carry_the_reps_credit_share(october):
    rows = {row["number"]: row for row in all_rows(october, "orders")}
    split = next(row for row in rows.values() if row["amount"] == D("1000.01"))
    assert split["credit_percent"] == D("33.33")
    assert split["counted"] == D("333.303333")  # exact: 1000.01 × 33.33 %
    bare = next(row for row in rows.values() if row["amount"] == D("250.00"))
    assert (bare["credit_percent"], bare["counted"]) == (D(100), D(250))
    partners = next(row for row in rows.values() if row["amount"] == D("400.00"))
    assert partners["counted"] == D(200)
    assert D(5000) not in {row["amount"] for row in rows.values()}


def test_last_years_orders_explain_the_growth_rate(october):
    (row,) = all_rows(october, "orders_last_year")
    assert (row["amount"], row["date"].isoformat()) == (D("800.00"), "2025-10-15")
    assert october.sales_last_year == D("800.00")


def test_developed_customers_show_their_grade_weight(october):
    weights = sorted((row["lead_grade"], row["weight"]) for row in all_rows(october, "developed"))
    assert weights == [("", D(1)), ("A", D(2)), ("B", D("1.5")), ("B", D("1.5")), ("C", D(1))]


def test_retention_lists_customers_at_start_and_the_one_lost_with_date_and_reason(october):
    at_start = all_rows(october, "at_start")
    assert len(at_start) == 2
    (lost,) = all_rows(october, "lost")
    assert (lost["date"].isoformat(), lost["lost_reason"]) == ("2026-10-12", "Moved away")


def test_rows_add_up_on_randomized_data_for_several_reps():
    rng = random.Random(20261012)
    reps, *_ = build(rng)
    for key in ("2025-06", "2025-Q3", "2026-02", "2026", "2025"):
        scorecards_recompute(period_key=key)
        for rep in reps:
            scorecard = Scorecard.objects.get(rep=rep, period_key=key)
            assert sums_of_rows(scorecard) == stored(scorecard), (rep, key)
            for kpi in selectors.KPI_SECTIONS:
                sources = selectors.scorecard_sources(scorecard, kpi)
                assert sources.totals == sources.figures, (rep, key, kpi)


# --- API --------------------------------------------------------------------------------------


def api_url(scorecard):
    return f"/api/v1/scorecards/{scorecard.pk}/sources/"


def test_api_answers_rows_totals_figure_and_stale(api_as, cast, october):
    response = api_as(cast.rep_a).get(api_url(october), {"kpi": "collection_rate"})
    assert response.status_code == 200
    body = response.json()
    assert body["kpi"] == "collection_rate"
    assert body["section"] == "receivables"
    assert body["sections"] == ["receivables", "payments"]
    assert body["totals"] == body["figure"]
    assert body["figure"]["receivable_due"] == str(october.receivable_due)
    assert body["value"] == str(october.collection_rate)
    assert body["stale"] is False
    assert body["count"] == 2
    assert {row["record"] for row in body["results"]} == {"receivables"}
    payments = api_as(cast.rep_a).get(
        api_url(october), {"kpi": "collection_rate", "section": "payments"}
    )
    counted = sum(D(row["counted"]) for row in payments.json()["results"])
    assert money(counted) == october.collected


def test_api_flags_a_stale_scorecard(api_as, cast, october):
    Scorecard.objects.filter(pk=october.pk).update(stale=True, sales=D("1.00"))
    body = api_as(cast.rep_a).get(api_url(october), {"kpi": "sales_achievement_rate"}).json()
    assert body["stale"] is True
    assert body["figure"]["sales"] == "1.00"
    assert body["totals"]["sales"] != "1.00"


@pytest.mark.parametrize("kpi", ["", "bogus", "customer_satisfaction"])
def test_api_refuses_an_unknown_kpi_naming_the_parameter(api_as, cast, october, kpi):
    response = api_as(cast.rep_a).get(api_url(october), {"kpi": kpi})
    assert response.status_code == 400
    (message,) = response.json()["kpi"]
    assert "sales_achievement_rate" in message


def test_api_refuses_a_section_of_another_kpi(api_as, cast, october):
    response = api_as(cast.rep_a).get(api_url(october), {"kpi": "retention_rate", "section": "x"})
    assert response.status_code == 400
    assert "at_start" in response.json()["section"][0]


def test_api_paginates_the_rows(api_as, cast):
    rep = cast.rep_a
    for index in range(7):
        order(rep, CustomerFactory(owner=rep), f"{index + 1}00.00", "2026-10-03")
    scorecard = card(rep, OCTOBER)
    client = api_as(rep)
    first = client.get(api_url(scorecard), {"kpi": "sales_achievement_rate", "page_size": 5})
    second = client.get(
        api_url(scorecard), {"kpi": "sales_achievement_rate", "page_size": 5, "page": 2}
    )
    assert first.json()["count"] == 7
    assert len(first.json()["results"]) == 5 and len(second.json()["results"]) == 2
    ids = [r["id"] for r in first.json()["results"] + second.json()["results"]]
    assert len(set(ids)) == 7
    assert first.json()["totals"]["sales"] == "2800.00" == str(scorecard.sales)


@pytest.mark.parametrize(
    ("role", "owner", "status"),
    [
        ("rep_a", "rep_a", 200),
        ("rep_a", "rep_a2", 404),
        ("rep_a", "rep_b", 404),
        ("manager_a", "rep_a2", 200),
        ("manager_a", "rep_b", 404),
        ("hr", "rep_b", 200),
        ("admin", "rep_b", 200),
    ],
)
def test_sources_are_scoped_like_the_scorecard(client_as, api_as, cast, role, owner, status):
    scorecard = ScorecardFactory(rep=getattr(cast, owner))
    user = getattr(cast, role)
    api = api_as(user).get(api_url(scorecard), {"kpi": "retention_rate"})
    assert api.status_code == status
    page = client_as(user).get(
        reverse("scorecards:scorecard-sources", args=[scorecard.pk]), {"kpi": "retention_rate"}
    )
    assert page.status_code == status


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kpi", list(selectors.KPI_SECTIONS))
def test_query_count_does_not_grow_with_the_rows(client_as, api_as, cast, kpi):
    rep = cast.rep_a
    scorecard = card(rep, OCTOBER)
    page = reverse("scorecards:scorecard-sources", args=[scorecard.pk])
    api = api_url(scorecard)

    def counts():
        return (
            _queries(client_as(rep), page, {"kpi": kpi}),
            _queries(api_as(rep), api, {"kpi": kpi}),
        )

    def add(count, *, month):
        for _ in range(count):
            customer = CustomerFactory(owner=rep, lead_grade="A")
            order(rep, customer, "10.00", "2026-09-10")
            late = order(rep, customer, "20.00", f"2026-{month}-11", credits=[(rep, "50")])
            rec = receivable(late, "20.00", f"2026-{month}-20")
            payment(rec, "5.00", f"2026-{month}-21")
            fresh = CustomerFactory(owner=rep, lead_grade="B")
            order(rep, fresh, "30.00", f"2026-{month}-12", credits=[])
            order(rep, fresh, "30.00", f"2025-{month}-12")

    add(2, month="10")
    small = counts()
    add(8, month="10")
    assert counts() == small


# --- Browser page --------------------------------------------------------------------------


def page_url(scorecard):
    return reverse("scorecards:scorecard-sources", args=[scorecard.pk])


def test_page_shows_the_rows_and_the_total_equal_to_the_figure(client_as, cast, october):
    response = client_as(cast.rep_a).get(page_url(october), {"kpi": "sales_achievement_rate"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "= the figure on the scorecard" in html
    assert f"¥{october.sales:,}" in html
    assert "Alpha Grade Co." in html
    assert reverse("sales:order-detail", args=[response.context["rows"][0]["order"]]) in html
    assert len(response.context["rows"]) == 5


def test_page_switches_to_last_years_orders(client_as, cast, october):
    response = client_as(cast.rep_a).get(
        page_url(october), {"kpi": "sales_growth_rate", "section": "orders_last_year"}
    )
    assert [row["amount"] for row in response.context["rows"]] == [D("800.00")]
    assert "¥800.00" in response.content.decode()


@pytest.mark.parametrize("kpi", ["", "nonsense"])
def test_page_without_a_known_kpi_shows_the_first(client_as, cast, october, kpi):
    response = client_as(cast.rep_a).get(page_url(october), {"kpi": kpi})
    assert response.status_code == 200
    assert response.context["sources"].kpi == Kpi.SALES_ACHIEVEMENT_RATE
    notes = [str(m) for m in response.context["messages"]]
    assert bool(notes) == bool(kpi)
    if kpi:
        assert "nonsense" in notes[0]


def test_page_of_a_stale_scorecard_says_so(client_as, cast, october):
    Scorecard.objects.filter(pk=october.pk).update(stale=True, sales=D("1.00"))
    html = client_as(cast.rep_a).get(page_url(october)).content.decode()
    assert "stale — being refreshed" in html
    assert "the scorecard shows ¥1.00 until it is refreshed" in html


def test_page_paginates_by_fifty(client_as, cast):
    rep = cast.rep_a
    customer = CustomerFactory(owner=rep)
    for _ in range(51):
        order(rep, customer, "1.00", "2026-10-04")
    scorecard = card(rep, OCTOBER)
    client = client_as(rep)
    first = client.get(page_url(scorecard), {"kpi": "sales_achievement_rate"})
    second = client.get(page_url(scorecard), {"kpi": "sales_achievement_rate", "page": 2})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 1
    assert "kpi=sales_achievement_rate&amp;section=orders&amp;page=2" in first.content.decode()


def test_detail_page_links_each_kpi_to_its_records(client_as, cast, october):
    html = (
        client_as(cast.rep_a)
        .get(reverse("scorecards:scorecard-detail", args=[october.pk]))
        .content.decode()
    )
    for kpi in selectors.KPI_SECTIONS:
        assert f"{page_url(october)}?kpi={kpi}" in html
