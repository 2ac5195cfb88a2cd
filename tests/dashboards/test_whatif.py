"""The weights what-if (SPEC §2.4, §2.6, §2.7): a draft scheme re-scores a past period's stored
scorecards with the scorecards' own formulas, grades move by the forced distribution, a draft
not summing to 100 is refused with the scheme service's message, publishing creates the next
version through that service; HR and admins only; a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.dashboards import whatif
from apps.dashboards.whatif import RepInput, compare, rescore, scheme_items
from apps.performance.choices import Cycle
from apps.performance.models import WeightScheme
from apps.performance.periods import MONTH, parse_period, period_containing
from apps.scorecards.models import Scorecard
from tests.factories import (
    CustomerFactory,
    RepFactory,
    ReviewCycleFactory,
    ScorecardFactory,
    TargetFactory,
)
from tests.factories.performance import WeightSchemeFactory
from tests.scorecards.helpers import order, payment, receivable, scheme

pytestmark = pytest.mark.django_db

D = Decimal
URL = reverse("dashboards:weights-whatif")
SUM_MESSAGE = "The weights must sum to exactly 100; they sum to 90."


# --- Re-scoring equals the stored scores ------------------------------------------------------


def test_the_scheme_in_force_as_draft_gives_back_every_stored_score(cast):
    """Real scorecards computed by the engine (three KPIs, rep-specific targets, an undefined
    sales rate and an undefined collection rate): the draft equal to the scheme in force
    re-scores every rep to exactly their stored score."""
    monthly = scheme(
        Cycle.MONTHLY,
        {
            "sales_achievement_rate": ("50", "100"),
            "new_customers": ("30", "2", "150"),
            "collection_rate": ("20", "95"),
        },
    )
    with_target, without_target, nothing_due = RepFactory(), RepFactory(), RepFactory()
    TargetFactory(rep=with_target, period_key="2026-10", sales_target=D("1000.00"))
    TargetFactory(
        rep=nothing_due,
        period_key="2026-10",
        sales_target=D("5000.00"),
        new_customers_target=None,
        collection_rate_target=D("80"),
    )
    first = order(with_target, CustomerFactory(owner=with_target), "1300.00", "2026-10-03")
    due = receivable(first, "1300.00", "2026-10-20")
    payment(due, "1000.00", "2026-10-15")
    second = order(without_target, CustomerFactory(owner=without_target), "700.00", "2026-10-05")
    payment(receivable(second, "700.00", "2026-10-25"), "350.00", "2026-10-26")
    order(nothing_due, CustomerFactory(owner=nothing_due, lead_grade="A"), "900.00", "2026-10-07")
    from apps.scorecards.services import scorecards_recompute

    scorecards_recompute(period_key="2026-10")
    cards = {c.rep_id: c for c in Scorecard.objects.filter(period_key="2026-10")}
    assert cards[without_target.pk].sales_achievement_rate is None  # undefined: no target
    assert cards[nothing_due.pk].collection_rate is None  # undefined: nothing due
    assert cards[with_target.pk].score is not None

    draft = [
        {"kpi": i.kpi, "weight": i.weight, "target": i.target, "cap": i.cap}
        for i in monthly.items.all()
    ]
    result = whatif.whatif_for_period(
        user=cast.hr, cycle=Cycle.MONTHLY, period=parse_period("2026-10"), draft=draft
    )
    assert len(result.rows) == len(cards)
    for row in result.rows:
        assert row.whatif == cards[row.rep.pk].score
        assert row.delta in (None, D("0.00"))
        assert row.grade_now == row.grade_whatif
    assert result.changes == []
    assert result.mean_change in (None, D("0.00"))


def test_a_quarter_is_rescored_against_the_period_growth_target():
    from tests.factories import PeriodSettingFactory

    items = scheme_items(
        [
            {"kpi": "sales_growth_rate", "weight": D("60"), "target": D("10"), "cap": D("120")},
            {"kpi": "retention_rate", "weight": D("40"), "target": D("90"), "cap": D("120")},
        ]
    )
    setting = PeriodSettingFactory(
        period_key="2026-Q3", industry_growth_rate=D("10"), challenge_margin=D("10")
    )
    targets = whatif.rep_specific_targets(None, setting)
    assert targets == {"sales_growth_rate": D("20")}
    # growth 10 of target 20 -> 50; retention 90 of 90 -> 100: (60*50 + 40*100) / 100 = 70
    values = {"sales_growth_rate": D("10"), "retention_rate": D("90")}
    assert rescore(values, items, targets) == D("70.00")
    # A negative growth scores 0; an undefined retention drops out (weights renormalised).
    assert rescore({"sales_growth_rate": D("-5"), "retention_rate": None}, items, targets) == D(
        "0.00"
    )


# --- A changed weight moves the expected grade (hand-computed) ------------------------------------

NOW = scheme_items(
    [
        {"kpi": "sales_achievement_rate", "weight": D("80"), "target": D("100"), "cap": D("120")},
        {"kpi": "collection_rate", "weight": D("20"), "target": D("100"), "cap": D("120")},
    ]
)
DRAFT = scheme_items(
    [
        {"kpi": "sales_achievement_rate", "weight": D("20"), "target": D("100"), "cap": D("120")},
        {"kpi": "collection_rate", "weight": D("80"), "target": D("100"), "cap": D("120")},
    ]
)


def _ten_reps():
    """Ten reps (10 % A = 1, 10 % C = 1). "seller" sells (120 %) but collects half (50 %):
    80/20 -> 0.8×120 + 0.2×50 = 106 (A); 20/80 -> 0.2×120 + 0.8×50 = 64 (C). "collector" the
    other way round: 64 (C) -> 106 (A). The eight others score the same either way."""
    people = [("seller", D("120"), D("50")), ("collector", D("50"), D("120"))]
    people += [(f"steady{k}", D(100 - k), D(100 - k)) for k in range(8)]
    inputs = []
    for name, sales, collection in people:
        values = {"sales_achievement_rate": sales, "collection_rate": collection}
        inputs.append(RepInput(rep=name, current=rescore(values, NOW), values=values))
    return inputs


def test_moving_weight_to_collection_swaps_the_seller_and_the_collector():
    inputs = _ten_reps()
    assert [i.current for i in inputs[:2]] == [D("106.00"), D("64.00")]
    result = compare(inputs, draft=DRAFT, current_items=NOW)
    rows = {row.rep: row for row in result.rows}
    seller, collector = rows["seller"], rows["collector"]
    assert (seller.whatif, seller.delta, seller.grade_now, seller.grade_whatif) == (
        D("64.00"),
        D("-42.00"),
        "A",
        "C",
    )
    assert (collector.whatif, collector.delta, collector.grade_now, collector.grade_whatif) == (
        D("106.00"),
        D("42.00"),
        "C",
        "A",
    )
    assert all(rows[f"steady{k}"].grade_whatif == "B" for k in range(8))
    assert [r.rep for r in result.moved_up] == ["collector"]
    assert [r.rep for r in result.moved_down] == ["seller"]
    assert result.rows[0].rep == "collector" and result.rows[-1].rep == "seller"  # by delta
    assert result.mean_change == D("0.00")
    assert [c.kpi for c in result.weight_changes] == ["sales_achievement_rate", "collection_rate"]


def test_the_latest_annual_cycle_sets_the_grade_shares(cast):
    from apps.reviews.choices import CycleKind

    assert whatif.grade_shares() == (D("10"), D("10"))
    ReviewCycleFactory(kind=CycleKind.YEAR, period_key="2025", a_percent=D("20"), c_percent=D("5"))
    assert whatif.grade_shares() == (D("20"), D("5"))
    result = compare(_ten_reps(), draft=DRAFT, current_items=NOW, a_percent=20, c_percent=5)
    # 20 % of 10 = 2 A now: the seller (106) and steady0 (100); 5 % of 10 = 0.5 -> 1 C.
    assert sorted(r.rep for r in result.rows if r.grade_now == "A") == ["seller", "steady0"]


# --- The page -------------------------------------------------------------------------------------


def last_month():
    return period_containing(MONTH, timezone.localdate()).previous()


@pytest.fixture
def monthly():
    return WeightSchemeFactory(
        cycle=Cycle.MONTHLY,
        effective_from=datetime.date(2020, 1, 1),
        items=[("sales_achievement_rate", "80", "100"), ("collection_rate", "20", "100")],
    )


def stored_card(rep, scheme_obj, sales, collection, period=None):
    period = period or last_month()
    values = {"sales_achievement_rate": D(sales), "collection_rate": D(collection)}
    items = scheme_items(scheme_obj.items.all())
    return ScorecardFactory(
        rep=rep,
        period_key=period.key,
        period_kind="month",
        period_start=period.start,
        period_end=period.end,
        sales_achievement_rate=D(sales),
        collection_rate=D(collection),
        score=rescore(values, items),
        weight_scheme=scheme_obj,
        weight_scheme_version=scheme_obj.version,
        kpi_scores={
            kpi: {"value": str(value), "target": "100", "score": str(value), "weight": "0"}
            for kpi, value in values.items()
        },
    )


def draft_params(sales_weight, collection_weight, **extra):
    return {
        "cycle": "monthly",
        "period": last_month().key,
        "compare": "1",
        "weight_sales_achievement_rate": sales_weight,
        "target_sales_achievement_rate": "100",
        "cap_sales_achievement_rate": "120",
        "weight_collection_rate": collection_weight,
        "target_collection_rate": "100",
        "cap_collection_rate": "120",
        **extra,
    }


def test_the_page_is_prefilled_with_the_scheme_in_force(client_as, cast, monthly):
    response = client_as(cast.hr).get(URL, {"cycle": "monthly"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["period"] == last_month().key
    assert form.initial["weight_sales_achievement_rate"] == D("80")
    assert form.initial["weight_collection_rate"] == D("20")
    assert response.context["result"] is None


def test_comparing_shows_each_rep_before_and_after(client_as, cast, monthly):
    stored_card(cast.rep_a, monthly, "120", "50")
    stored_card(cast.rep_b, monthly, "50", "120")
    response = client_as(cast.hr).get(URL, draft_params("20", "80"))
    assert response.status_code == 200
    result = response.context["result"]
    rows = {row.rep: row for row in result.rows}
    assert rows[cast.rep_a].delta == D("-42.00")
    assert rows[cast.rep_b].delta == D("42.00")
    assert response.context["chart"] is not None
    assert response.context["publish_form"] is not None
    html = response.content.decode()
    assert "-42.00" in html and "+42.00" in html
    assert "Collection rate (20.00 → 80.00)" in html  # the summary's weight changes
    assert "Publish as a new version" in html


def test_a_draft_not_summing_to_100_is_refused_with_the_service_message(client_as, cast, monthly):
    stored_card(cast.rep_a, monthly, "120", "50")
    response = client_as(cast.hr).get(URL, draft_params("70", "20"))
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.content.decode().count(SUM_MESSAGE) == 1
    # Publishing it is refused the same way, and nothing is saved.
    before = WeightScheme.objects.count()
    params = draft_params("70", "20")
    params.update(name="Draft", effective_from=last_month().next().next().start.isoformat())
    response = client_as(cast.hr).post(URL, params)
    assert response.status_code == 200
    assert response.content.decode().count(SUM_MESSAGE) == 1
    assert WeightScheme.objects.count() == before


def test_publishing_creates_the_next_version_through_the_service(client_as, cast, monthly):
    effective = last_month().next().next().start  # the first day of next month
    params = draft_params("20", "80")
    params.update(name="Collection first", effective_from=effective.isoformat(), notes="H2")
    response = client_as(cast.hr).post(URL, params)
    created = WeightScheme.objects.get(cycle=Cycle.MONTHLY, effective_from=effective)
    assert response.status_code == 302
    assert response.url == reverse("performance:scheme-detail", kwargs={"pk": created.pk})
    assert created.version == monthly.version + 1
    assert created.name == "Collection first"
    assert {i.kpi: i.weight for i in created.items.all()} == {
        "sales_achievement_rate": D("20"),
        "collection_rate": D("80"),
    }
    assert AuditEntry.objects.filter(action="weight_scheme.create", actor=cast.hr).exists()


def test_an_effective_date_before_tomorrow_is_refused(client_as, cast, monthly):
    params = draft_params("20", "80")
    params.update(effective_from=timezone.localdate().isoformat())
    before = WeightScheme.objects.count()
    response = client_as(cast.hr).post(URL, params)
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    assert "at the earliest" in response.context["form"].errors["effective_from"][0]
    assert WeightScheme.objects.count() == before


def test_a_period_that_has_not_ended_is_refused(client_as, cast, monthly):
    params = draft_params("20", "80", period=period_containing(MONTH, timezone.localdate()).key)
    response = client_as(cast.hr).get(URL, params)
    assert response.context["result"] is None
    assert "Choose a period that has ended" in response.content.decode()


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_reps_and_managers_are_refused(client_as, cast, monthly, role):
    user = cast.by_role()[role]
    assert client_as(user).get(URL).status_code == 403
    assert client_as(user).get(URL, draft_params("20", "80")).status_code == 403
    before = WeightScheme.objects.count()
    params = draft_params("20", "80")
    params.update(effective_from=last_month().next().next().start.isoformat())
    assert client_as(user).post(URL, params).status_code == 403
    assert WeightScheme.objects.count() == before


def test_admins_may_use_it_and_anonymous_users_are_sent_to_log_in(client, client_as, cast):
    assert client.get(URL).status_code == 302
    assert client_as(cast.admin).get(URL).status_code == 200


def test_the_review_meeting_links_hr_to_the_whatif(client_as, cast):
    assert URL in client_as(cast.hr).get(reverse("dashboards:review-meeting")).content.decode()
    manager_page = client_as(cast.manager_a).get(reverse("dashboards:review-meeting"))
    assert URL not in manager_page.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_reps(client_as, cast, monthly):
    client = client_as(cast.hr)
    TargetFactory(rep=cast.rep_a, period_key=last_month().key)

    def count(n):
        for k in range(n):
            stored_card(RepFactory(), monthly, str(60 + k), str(100 - k))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, draft_params("20", "80"))
        assert response.status_code == 200
        return len(queries)

    small = count(3)
    Scorecard.objects.all().delete()
    large = count(15)
    assert small == large
