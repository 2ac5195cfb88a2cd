"""Pay pages: who sees what (403 with the reason, 404 out of scope), the forms' errors on their
fields with nothing saved, close after a confirmation, the correction carried into the next open
run, and a constant number of queries on a run's page."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.pay import services
from apps.pay.choices import PayRunStatus
from apps.pay.models import PayAdjustment, PayPolicy, PayRun, PayStatement
from apps.scorecards.models import Scorecard
from tests.factories import RepFactory, ScorecardFactory

DENIED = "Only HR and admins run pay."


def compute(run):
    """Work the run off through the job functions (no Celery in tests)."""
    for round_, number in services.pay_run_start(run_id=run.pk):
        services.pay_run_compute_chunk(run_id=run.pk, round=round_, number=number)
    run.refresh_from_db()
    return run


def month_card(person, key, score):
    year, month = int(key[:4]), int(key[5:])
    end = datetime.date(year + month // 12, month % 12 + 1, 1)
    return ScorecardFactory(
        rep=person,
        period_key=key,
        period_kind="month",
        period_start=datetime.date(year, month, 1),
        period_end=end,
        score=Decimal(score),
    )


@pytest.fixture
def open_run(cast):
    month_card(cast.rep_a, "2026-10", "80.00")
    month_card(cast.rep_b, "2026-10", "100.00")
    return compute(services.pay_run_open(actor=cast.hr, period_key="2026-10"))


def statement_of(run, person):
    return PayStatement.objects.get(run=run, person=person)


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_reps_and_managers_get_the_403_page_with_the_reason(cast, open_run, client_as, role):
    client = client_as(cast.by_role()[role])
    for url in (
        reverse("pay:run-list"),
        reverse("pay:run-detail", args=[open_run.pk]),
        reverse("pay:run-close", args=[open_run.pk]),
        reverse("pay:run-recompute", args=[open_run.pk]),
        reverse("pay:run-correct", args=[open_run.pk]),
        reverse("pay:policy-list"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert DENIED in response.content.decode()
    response = client.post(reverse("pay:run-close", args=[open_run.pk]), {"record_version": 1})
    assert response.status_code == 403
    assert PayRun.objects.get(pk=open_run.pk).status == PayRunStatus.OPEN


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_every_role_in_both_languages(cast, open_run, client_as, language):
    own = statement_of(open_run, cast.rep_a)
    with translation.override(language):
        for role, user in cast.by_role().items():
            client = client_as(user)
            client.cookies["django_language"] = language
            urls = [reverse("pay:my-pay"), reverse("pay:statement-detail", args=[own.pk])]
            if role in ("hr", "admin"):
                urls += [
                    reverse("pay:run-list"),
                    reverse("pay:run-detail", args=[open_run.pk]),
                    reverse("pay:run-recompute", args=[open_run.pk]),
                    reverse("pay:run-close", args=[open_run.pk]),
                    reverse("pay:run-correct", args=[open_run.pk]),
                    reverse("pay:policy-list"),
                    reverse("dashboards:company"),
                ]
            for url in urls:
                assert client.get(url).status_code == 200, (role, url)


def test_a_statement_is_seen_by_the_person_their_manager_hr_and_admin(cast, open_run, client_as):
    url = reverse("pay:statement-detail", args=[statement_of(open_run, cast.rep_b).pk])
    assert client_as(cast.rep_a).get(url).status_code == 404
    assert client_as(cast.manager_a).get(url).status_code == 404
    for user in (cast.rep_b, cast.manager_b, cast.hr, cast.admin):
        assert client_as(user).get(url).status_code == 200, user


def test_the_statement_page_explains_inputs_steps_and_missing(cast, open_run, client_as):
    statement = statement_of(open_run, cast.rep_a)
    card = Scorecard.objects.get(rep=cast.rep_a, period_key="2026-10")
    content = (
        client_as(cast.rep_a)
        .get(reverse("pay:statement-detail", args=[statement.pk]))
        .content.decode()
    )
    assert reverse("scorecards:scorecard-detail", args=[card.pk]) in content
    assert "No finalised quarterly review" in content  # a missing input, explained
    assert "Base performance pay" in content and "Performance bonus" in content
    assert "rounded to the cent once" in content
    # 40 % × 5,000 + 50 % × 5,000 × 80 % = 2,000 + 2,000
    assert statement.total == Decimal("4000.00")
    assert "¥4,000.00" in content
    assert "Pay run of 2026-10" not in content.split("<h1>")[0].split("<main")[-1]


def test_my_pay_lists_only_my_statements_newest_first(cast, open_run, client_as):
    month_card(cast.rep_a, "2026-09", "100.00")
    september = compute(services.pay_run_open(actor=cast.hr, period_key="2026-09"))
    for user in (cast.rep_a, cast.hr):
        response = client_as(user).get(reverse("pay:my-pay"))
        statements = list(response.context["statements"])
        assert all(statement.person == user for statement in statements)
    mine = list(client_as(cast.rep_a).get(reverse("pay:my-pay")).context["statements"])
    assert [statement.run for statement in mine] == [open_run, september]
    assert client_as(cast.hr).get(reverse("pay:my-pay")).context["statements"].count() == 0


# --- the run list and opening a run ----------------------------------------------------------


def test_the_run_list_shows_an_empty_state_then_runs_with_progress(cast, client_as):
    client = client_as(cast.hr)
    assert "No pay run yet" in client.get(reverse("pay:run-list")).content.decode()
    response = client.post(reverse("pay:run-list"), {"period_key": "2026-10"})
    run = PayRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pay:run-detail", args=[run.pk])
    content = client.get(reverse("pay:run-list")).content.decode()
    assert "<progress" in content and "Refresh" in content and "2026-10" in content
    detail = client.get(reverse("pay:run-detail", args=[run.pk])).content.decode()
    assert "<progress" in detail
    compute(run)
    content = client.get(reverse("pay:run-list")).content.decode()
    assert "<progress" not in content
    assert client.get(reverse("pay:run-list")).context["runs"][0].people == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "This field is required."),
        ("2026-13", "not a valid month"),
        ("%(x)s", "%(x)s"),
        ("2026-Q3", "Use YYYY-MM"),
        ("2027-01", "has not started yet"),
    ],
)
def test_opening_a_run_names_the_month_on_error_and_saves_nothing(cast, client_as, value, message):
    response = client_as(cast.hr).post(reverse("pay:run-list"), {"period_key": value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["period_key"])
    assert not PayRun.objects.exists()


def test_opening_a_month_twice_is_refused_on_the_field(cast, open_run, client_as):
    response = client_as(cast.hr).post(reverse("pay:run-list"), {"period_key": "2026-10"})
    assert "already exists" in " ".join(response.context["form"].errors["period_key"])
    assert PayRun.objects.count() == 1


# --- the run page ----------------------------------------------------------------------------


def test_the_run_page_lists_everyone_with_team_totals_and_filters(cast, open_run, client_as):
    client = client_as(cast.hr)
    url = reverse("pay:run-detail", args=[open_run.pk])
    response = client.get(url)
    assert {s.person for s in response.context["statements"]} == {
        cast.rep_a,
        cast.rep_a2,
        cast.rep_b,
        cast.manager_a,
        cast.manager_b,
    }
    teams = {row["team"]: row for row in response.context["team_rows"]}
    assert teams[cast.team_a]["people"] == 2 and teams[cast.team_b]["people"] == 1
    assert teams[cast.team_b]["total"] == Decimal("4500.00")  # 2,000 + 2,500
    grand = response.context["grand_total"]
    assert grand["total"] == sum(s.total for s in PayStatement.objects.all())
    content = response.content.decode()
    assert "dataset=pay&amp;format=xlsx&amp;month=2026-10" in content
    assert reverse("pay:run-close", args=[open_run.pk]) in content
    by_team = client.get(url, {"team": cast.team_a.pk}).context["statements"]
    assert {s.person for s in by_team} == {cast.rep_a, cast.rep_a2}
    by_person = client.get(url, {"person": cast.rep_b.pk}).context["statements"]
    assert [s.person for s in by_person] == [cast.rep_b]
    assert client.get(url, {"team": "nope"}).status_code == 200


def test_the_run_page_is_a_404_for_an_unknown_run(cast, client_as):
    assert client_as(cast.hr).get(reverse("pay:run-detail", args=[999])).status_code == 404


def _run_page_queries(client, run) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("pay:run-detail", args=[run.pk])).status_code == 200
    return len(queries)


def test_the_run_page_makes_the_same_number_of_queries_at_two_sizes(cast, client_as):
    client = client_as(cast.hr)
    small = compute(services.pay_run_open(actor=cast.hr, period_key="2026-09"))
    for n in range(20):
        RepFactory(team=cast.team_a if n % 2 else cast.team_b)
    large = compute(services.pay_run_open(actor=cast.hr, period_key="2026-10"))
    assert large.statements.count() == small.statements.count() + 20
    _run_page_queries(client, small)  # warm the caches (session, translations)
    assert _run_page_queries(client, small) == _run_page_queries(client, large)


# --- close, recompute, correct ---------------------------------------------------------------


def test_closing_asks_for_confirmation_then_locks_the_run(cast, open_run, client_as):
    client = client_as(cast.hr)
    url = reverse("pay:run-close", args=[open_run.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Closing locks the run" in page.content.decode()
    assert PayRun.objects.get(pk=open_run.pk).status == PayRunStatus.OPEN  # a GET changes nothing
    response = client.post(url, {"record_version": open_run.version})
    assert response.status_code == 302
    run = PayRun.objects.get(pk=open_run.pk)
    assert run.status == PayRunStatus.CLOSED and run.closed_by == cast.hr
    detail = client.get(reverse("pay:run-detail", args=[run.pk])).content.decode()
    assert "Closed — locked" in detail
    assert reverse("pay:run-close", args=[run.pk]) not in detail
    assert reverse("pay:run-recompute", args=[run.pk]) not in detail
    assert reverse("pay:run-correct", args=[run.pk]) in detail
    # Recomputing or closing a closed run is refused with the reason; nothing changes.
    for action in ("pay:run-recompute", "pay:run-close"):
        refused = client.post(reverse(action, args=[run.pk]), {"record_version": run.version})
        assert refused.status_code == 200
        assert "closed and can no longer be changed" in refused.content.decode()
    assert PayRun.objects.get(pk=run.pk).status == PayRunStatus.CLOSED


def test_a_stale_close_is_a_conflict_and_nothing_changes(cast, open_run, client_as):
    client = client_as(cast.hr)
    response = client.post(
        reverse("pay:run-close", args=[open_run.pk]), {"record_version": open_run.version - 1}
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert PayRun.objects.get(pk=open_run.pk).status == PayRunStatus.OPEN


def test_recompute_queues_the_run_again(cast, open_run, client_as):
    client = client_as(cast.hr)
    response = client.post(
        reverse("pay:run-recompute", args=[open_run.pk]), {"record_version": open_run.version}
    )
    assert response.status_code == 302
    assert PayRun.objects.get(pk=open_run.pk).status == PayRunStatus.QUEUED


def test_a_correction_is_paid_in_the_next_open_run(cast, client_as):
    client = client_as(cast.hr)
    card = month_card(cast.rep_a, "2026-09", "80.00")
    september = compute(services.pay_run_open(actor=cast.hr, period_key="2026-09"))
    services.pay_run_close(actor=cast.hr, run=september)
    url = reverse("pay:run-correct", args=[september.pk])

    no_reason = client.post(url, {"reason": ""})
    assert "Say why the month is corrected." in no_reason.context["form"].errors["reason"]
    no_open_run = client.post(url, {"reason": "A late payment"})
    assert "Open the pay run of a later month first." in no_open_run.content.decode()
    assert not PayAdjustment.objects.exists()

    october = compute(services.pay_run_open(actor=cast.hr, period_key="2026-10"))
    Scorecard.objects.filter(pk=card.pk).update(score=Decimal("100.00"))
    response = client.post(url, {"reason": "A late payment"})
    assert response.status_code == 302
    adjustment = PayAdjustment.objects.get()
    # 50 % × 5,000 × (100 − 80) % = 500
    assert (adjustment.person, adjustment.run, adjustment.amount) == (
        cast.rep_a,
        october,
        Decimal("500.00"),
    )
    detail = client.get(reverse("pay:run-detail", args=[october.pk])).content.decode()
    assert "A late payment" in detail and "2026-09" in detail
    statement = statement_of(october, cast.rep_a)
    page = client_as(cast.rep_a).get(reverse("pay:statement-detail", args=[statement.pk]))
    assert "A late payment" in page.content.decode()
    assert statement.adjustments == Decimal("500.00")


# --- policies --------------------------------------------------------------------------------


def _policy_data(**changes):
    data = {
        "effective_from": "2026-12",
        "base_share": "40",
        "performance_share": "50",
        "capability_share": "10",
        "score_cap": "120",
        "satisfaction_threshold": "90",
        "satisfaction_bonus_rate": "5",
        "notes": "",
    }
    return {**data, **changes}


def test_hr_creates_a_new_policy_version(cast, client_as):
    services.ensure_default_policy()
    client = client_as(cast.hr)
    page = client.get(reverse("pay:policy-list"))
    assert page.context["form"].initial["base_share"] == Decimal("40.00")
    response = client.post(
        reverse("pay:policy-list"), _policy_data(base_share="35", performance_share="55")
    )
    assert response.status_code == 302
    policy = PayPolicy.objects.order_by("-version").first()
    assert (policy.version, policy.effective_from, policy.performance_share) == (
        2,
        datetime.date(2026, 12, 1),
        Decimal("55.00"),
    )
    assert "v2" in client.get(reverse("pay:policy-list")).content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"base_share": "45"}, None),  # 45 + 50 + 10: the service names the field
        ({"effective_from": "2026-12-15"}, "effective_from"),
        ({"effective_from": "soon"}, "effective_from"),
        ({"score_cap": ""}, "score_cap"),
    ],
)
def test_a_bad_policy_names_the_field_and_saves_nothing(cast, client_as, changes, field):
    services.ensure_default_policy()
    response = client_as(cast.hr).post(reverse("pay:policy-list"), _policy_data(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors
    if field:
        assert field in errors
    else:
        assert set(errors) & {"base_share", "performance_share", "capability_share", "__all__"}
    assert PayPolicy.objects.count() == 1


# --- company overview ------------------------------------------------------------------------


def test_the_company_overview_shows_the_latest_pay_run_to_hr_only(cast, open_run, client_as):
    content = client_as(cast.hr).get(reverse("dashboards:company")).content.decode()
    assert "Performance pay" in content
    assert reverse("pay:run-detail", args=[open_run.pk]) in content
    assert "Alpha" in content
    manager_page = client_as(cast.manager_a).get(reverse("dashboards:team")).content.decode()
    assert reverse("pay:run-detail", args=[open_run.pk]) not in manager_page
