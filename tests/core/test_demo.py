"""The demo company: built from a seeded generator with documented logins, in Chinese (the
default) or English, with two years of history in every app."""

import datetime
import importlib
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import Team, User
from apps.activities.models import Activity
from apps.core.choices import Role
from apps.core.models import AuditEntry
from apps.customers.models import Contact, Customer, HealthReport, Industry
from apps.leads.models import Lead, NurtureTouch
from apps.opportunities.choices import Stage
from apps.opportunities.models import Opportunity
from apps.performance import periods
from apps.performance.models import PdcaNote, Target
from apps.sales.models import Order, Payment, Receivable
from apps.scorecards.models import Scorecard

CJK = re.compile(r"[\u4e00-\u9fff]")
PINYIN_FAMILY_NAMES = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"}
PINYIN_FAMILY_NAMES |= {"Xu", "Sun"}
OPEN_STAGES = [Stage.NEEDS_DISCOVERY, Stage.SOLUTION_DESIGN, Stage.NEGOTIATION]


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def chinese_demo(django_db_setup, django_db_blocker):
    """The default demo company (Chinese, seed 2026), loaded once for this module and rolled
    back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield load(seed=2026)
        finally:
            transaction.set_rollback(True)


def figures() -> dict:
    """Numbers of the demo data that do not depend on its words."""
    return {
        "orders": Order.objects.aggregate(n=Sum("amount"))["n"],
        "order_dates": list(Order.objects.order_by("pk").values_list("signed_on", flat=True)),
        "payments": Payment.objects.aggregate(n=Sum("amount"))["n"],
        "receivables": Receivable.objects.count(),
        "pipeline": Opportunity.objects.aggregate(n=Sum("expected_amount"))["n"],
        "stages": sorted(Opportunity.objects.values_list("stage", flat=True)),
        "leads": sorted(Lead.objects.values_list("status", "grade")),
        "activities": Activity.objects.count(),
        "scores": Scorecard.objects.aggregate(n=Sum("score"))["n"],
    }


def distinct_months(queryset, field: str) -> int:
    return queryset.annotate(month=TruncMonth(field)).values("month").distinct().count()


@pytest.mark.django_db
def test_english_demo_has_no_chinese_characters_and_the_same_numbers_as_the_chinese_one():
    # First in the module: it needs an empty database (before ``chinese_demo`` is loaded).
    with transaction.atomic():
        load(seed=2026, language="zh-hans")
        chinese = figures()
        transaction.set_rollback(True)
    output = load(seed=2026, language="en")
    assert "English (en" in output
    texts = [
        *Customer.objects.values_list("name", flat=True),
        *User.objects.values_list("first_name", flat=True),
        *User.objects.values_list("last_name", flat=True),
        *Activity.objects.values_list("subject", flat=True),
        *Activity.objects.values_list("outcome", flat=True),
        *Lead.objects.values_list("company_name", flat=True),
        *Opportunity.objects.values_list("name", flat=True),
        *Contact.objects.values_list("name", flat=True),
        *Team.objects.values_list("name", flat=True),
        *Industry.objects.values_list("name", flat=True),
        *HealthReport.objects.values_list("notes", flat=True),
        *PdcaNote.objects.values_list("plan", flat=True),
    ]
    assert texts and not [text for text in texts if CJK.search(text)]
    assert User.objects.get(username="rep01").last_name in PINYIN_FAMILY_NAMES
    assert figures() == chinese


@pytest.mark.django_db
def test_demo_company_has_teams_reps_managers_hr_and_admin(chinese_demo):
    assert Team.objects.count() >= 3
    assert User.objects.filter(role=Role.REP).count() >= 20
    for team in Team.objects.all():
        assert team.managers.filter(role=Role.MANAGER).exists()
        assert team.members.filter(role=Role.REP).exists()
    assert User.objects.filter(role=Role.HR).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="rep01").check_password(DEMO_PASSWORD)
    assert "rep01" in chinese_demo
    assert "Chinese (zh-hans" in chinese_demo


@pytest.mark.django_db
def test_demo_loading_is_skipped_when_the_database_has_users(chinese_demo):
    users = User.objects.count()
    assert "already has users" in load(if_empty=True)
    assert User.objects.count() == users


@pytest.mark.django_db
def test_chinese_demo_names_companies_people_and_activities_in_chinese(chinese_demo):
    for name in Customer.objects.values_list("name", flat=True):
        assert CJK.search(name) and name.endswith("有限公司"), name
    for family, given in User.objects.values_list("last_name", "first_name"):
        assert CJK.search(family) and CJK.search(given), (family, given)
    assert all(CJK.search(s) for s in Activity.objects.values_list("subject", flat=True))
    assert all(CJK.search(name) for name in Team.objects.values_list("name", flat=True))
    assert {"制造业", "零售", "物流"} <= set(Industry.objects.values_list("name", flat=True))
    assert all(CJK.search(name) for name in Opportunity.objects.values_list("name", flat=True))
    assert all(CJK.search(name) for name in Lead.objects.values_list("company_name", flat=True))


def test_text_tables_have_the_same_shape_in_both_languages():
    """Same shapes → the generator draws the same in both languages (same seed, same numbers)."""

    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [shape(item) for item in value]
        return type(value).__name__

    tables = 0
    for path in settings.SALESPERF_DEMO_BUILDERS:
        module = importlib.import_module(path.rsplit(".", 1)[0])
        text = getattr(module, "TEXT", None)
        if text is None:
            continue
        assert set(text) == {"zh-hans", "en"}, module.__name__
        assert shape(text["zh-hans"]) == shape(text["en"]), module.__name__
        tables += 1
    assert tables >= 7


@pytest.mark.django_db
def test_demo_history_spreads_over_two_years_in_every_app(chinese_demo):
    today = timezone.localdate()
    spread = {
        "leads": distinct_months(Lead.objects, "created_at"),
        "nurture touches": distinct_months(NurtureTouch.objects, "touched_on"),
        "customers": distinct_months(Customer.objects, "created_at"),
        "opportunities": distinct_months(Opportunity.objects, "created_at"),
        "activities": distinct_months(Activity.objects, "occurred_at"),
        "orders": distinct_months(Order.objects, "signed_on"),
        "payments": distinct_months(Payment.objects, "paid_on"),
        "targets": Target.objects.filter(period_kind="month")
        .values("period_key")
        .distinct()
        .count(),
        "scorecards": Scorecard.objects.filter(period_kind="month")
        .values("period_key")
        .distinct()
        .count(),
    }
    assert all(months >= 20 for months in spread.values()), spread
    assert HealthReport.objects.values("year", "quarter").distinct().count() == 8
    assert PdcaNote.objects.values("period_key").distinct().count() >= 8
    assert not Order.objects.filter(signed_on__gt=today).exists()
    assert not Payment.objects.filter(paid_on__gt=today).exists()
    assert (today - Order.objects.order_by("signed_on").first().signed_on).days > 600


@pytest.mark.django_db
def test_demo_pipeline_has_every_outcome_and_some_deals_past_their_close_date(chinese_demo):
    today = timezone.localdate()
    assert set(Opportunity.objects.values_list("stage", flat=True)) == set(Stage.values)
    open_ones = Opportunity.objects.filter(stage__in=OPEN_STAGES)
    assert open_ones.filter(expected_close_on__lt=today).exists()
    assert open_ones.filter(expected_close_on__gte=today).count() > open_ones.count() / 2
    assert Customer.objects.filter(status="lost").exists()
    assert AuditEntry.objects.filter(action="customer.reactivate").count() == 2


@pytest.mark.django_db
def test_scorecards_show_the_last_12_months_with_reps_improving_declining_and_struggling(
    chinese_demo,
):
    today = timezone.localdate()
    last_12 = [p.key for p in periods.recent_periods(periods.MONTH, today, 12)]
    reps = User.objects.filter(role=Role.REP)
    for key in last_12:
        assert Scorecard.objects.filter(period_key=key, rep__in=reps).count() == reps.count()

    def sales(username: str, year_ago: int) -> Decimal:
        keys = [
            p.key
            for p in periods.recent_periods(
                periods.MONTH, today - datetime.timedelta(days=365 * year_ago), 12
            )
        ]
        return Scorecard.objects.filter(rep__username=username, period_key__in=keys).aggregate(
            n=Sum("sales")
        )["n"]

    assert sales("rep01", 0) > sales("rep01", 1)  # improving
    assert sales("rep03", 0) < sales("rep03", 1)  # declining
    achievement = {
        rep.username: Scorecard.objects.filter(rep=rep, period_key__in=last_12).aggregate(
            n=Sum("sales_achievement_rate")
        )["n"]
        for rep in reps
    }
    assert min(achievement, key=achievement.get) == "rep05"  # struggling
