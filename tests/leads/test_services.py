"""Lead create/edit, owners and referrals, the rubric and regrading, grade overrides and the
lifecycle (services)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.leads import selectors, services
from apps.leads.models import GradingRubric, Lead, LeadStatusChange
from tests.factories import CustomerFactory, IndustryFactory, LeadFactory, RepFactory

pytestmark = pytest.mark.django_db


def create(actor, **overrides):
    data = {
        "company_name": "Huaxin Precision Machinery Co., Ltd.",
        "company_size": "large",
        "need_match": "high",
        "decision_complexity": "moderate",
        "source": "website_inquiry",
    }
    data.update(overrides)
    return services.lead_create(actor=actor, **data)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- create -----------------------------------------------------------------------------------


def test_create_computes_rubric_grade_keys_and_first_history_entry(cast):
    industry = IndustryFactory(name="Manufacturing")
    lead = create(
        cast.rep_a,
        phone="+86 138-1234-5678",
        email=" Buyer@Huaxin.CN ",
        industry=industry,
        contact_name="Zhang Wei",
    )
    assert (lead.rubric_grade, lead.grade, lead.status) == ("A", "A", "new")
    assert lead.company_key == "huaxinprecisionmachinery"
    assert lead.phone_key == "13812345678"
    assert lead.email == "Buyer@Huaxin.CN"
    assert lead.email_key == "buyer@huaxin.cn"
    assert lead.owner == cast.rep_a
    change = LeadStatusChange.objects.get(lead=lead)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "new", cast.rep_a)


def test_missing_company_and_unknown_choices_are_refused_and_nothing_saved(cast):
    with pytest.raises(ValidationError) as excinfo:
        create(cast.rep_a, company_name="  ", company_size="huge", source="fax")
    errors = errors_of(excinfo)
    assert errors["company_name"] == ["The company name is required."]
    assert "Unknown value huge" in errors["company_size"][0]
    assert "Unknown value fax" in errors["source"][0]
    assert not Lead.objects.exists()


def test_bad_email_and_phone_without_digits_are_refused(cast):
    with pytest.raises(ValidationError) as excinfo:
        create(cast.rep_a, email="not-an-address", phone="call reception")
    assert errors_of(excinfo)["email"] == ["Enter a valid e-mail address."]
    assert errors_of(excinfo)["phone"] == ["Enter a phone number with digits."]
    assert not Lead.objects.exists()


def test_a_rep_always_owns_what_they_create(cast):
    lead = create(cast.rep_a, owner=cast.rep_b)
    assert lead.owner == cast.rep_a


def test_a_manager_may_assign_to_their_team_but_not_to_another(cast):
    assert create(cast.manager_a, owner=cast.rep_a2).owner == cast.rep_a2
    assert create(cast.manager_a, company_name="Other").owner == cast.manager_a
    with pytest.raises(ValidationError) as excinfo:
        create(cast.manager_a, company_name="Third", owner=cast.rep_b)
    assert "is not in a team you manage" in errors_of(excinfo)["owner"][0]
    assert Lead.objects.count() == 2


def test_an_admin_must_name_an_active_rep_or_manager(cast):
    with pytest.raises(ValidationError) as excinfo:
        create(cast.admin)
    assert "Choose who owns this lead" in errors_of(excinfo)["owner"][0]
    with pytest.raises(ValidationError) as excinfo:
        create(cast.admin, owner=cast.hr)
    assert "cannot own leads" in errors_of(excinfo)["owner"][0]
    gone = RepFactory(is_active=False)
    with pytest.raises(ValidationError):
        create(cast.admin, owner=gone)
    assert not Lead.objects.exists()
    assert create(cast.admin, owner=cast.rep_b).owner == cast.rep_b


def test_hr_may_not_create_leads(cast):
    with pytest.raises(PermissionDenied):
        create(cast.hr, owner=cast.rep_a)
    assert not Lead.objects.exists()


def test_customer_referral_needs_a_visible_referring_customer(cast):
    with pytest.raises(ValidationError) as excinfo:
        create(cast.rep_a, source="customer_referral")
    assert errors_of(excinfo)["referred_by"] == [
        "A customer referral needs the referring customer."
    ]
    foreign = CustomerFactory(owner=cast.rep_b)
    with pytest.raises(ValidationError) as excinfo:
        create(cast.rep_a, source="customer_referral", referred_by=foreign)
    assert errors_of(excinfo)["referred_by"] == ["Choose one of your customers as the referrer."]
    assert not Lead.objects.exists()
    mine = CustomerFactory(owner=cast.rep_a, name="Referrer Ltd")
    lead = create(cast.rep_a, source="customer_referral", referred_by=mine)
    assert lead.referred_by == mine
    assert list(mine.referred_leads.all()) == [lead]


def test_other_sources_may_not_name_a_referrer(cast):
    mine = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        create(cast.rep_a, source="exhibition", referred_by=mine)
    assert errors_of(excinfo)["referred_by"] == [
        "Only a lead from a customer referral has a referring customer."
    ]
    assert not Lead.objects.exists()


# --- update -----------------------------------------------------------------------------------


def test_update_regrades_and_audits(cast):
    lead = LeadFactory(owner=cast.rep_a)  # 6 points: B
    services.lead_update(actor=cast.rep_a, lead=lead, need_match="high", company_size="large")
    lead.refresh_from_db()
    assert (lead.rubric_grade, lead.grade) == ("A", "A")
    entry = AuditEntry.objects.for_object(lead).get(action="lead.update")
    assert entry.changes["grade"] == ["B", "A"]
    assert entry.subject_user == cast.rep_a


def test_update_keeps_an_override_in_force(cast):
    lead = LeadFactory(owner=cast.rep_a, grade_override="C")
    services.lead_update(actor=cast.rep_a, lead=lead, need_match="high", company_size="large")
    lead.refresh_from_db()
    assert (lead.rubric_grade, lead.grade, lead.grade_override) == ("A", "C", "C")


def test_a_rep_cannot_hand_a_lead_to_someone_else(cast):
    lead = LeadFactory(owner=cast.rep_a)
    services.lead_update(actor=cast.rep_a, lead=lead, owner=cast.rep_a2, notes="x")
    lead.refresh_from_db()
    assert lead.owner == cast.rep_a
    assert lead.notes == "x"


def test_a_manager_may_reassign_within_the_team_only(cast):
    lead = LeadFactory(owner=cast.rep_a)
    services.lead_update(actor=cast.manager_a, lead=lead, owner=cast.rep_a2)
    lead.refresh_from_db()
    assert lead.owner == cast.rep_a2
    with pytest.raises(ValidationError) as excinfo:
        services.lead_update(actor=cast.manager_a, lead=lead, owner=cast.rep_b)
    assert "owner" in errors_of(excinfo)
    lead.refresh_from_db()
    assert lead.owner == cast.rep_a2


def test_closed_leads_cannot_be_edited(cast):
    lead = LeadFactory(owner=cast.rep_a, status="disqualified")
    with pytest.raises(ValidationError) as excinfo:
        services.lead_update(actor=cast.rep_a, lead=lead, notes="late")
    assert "can no longer be changed" in errors_of(excinfo)["status"][0]
    lead.refresh_from_db()
    assert lead.notes == ""


def test_update_refuses_unknown_fields(cast):
    lead = LeadFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.lead_update(actor=cast.rep_a, lead=lead, grade="A")
    assert "grade" in errors_of(excinfo)
    lead.refresh_from_db()
    assert lead.grade == "B"


# --- rubric -----------------------------------------------------------------------------------


def test_rubric_is_created_with_the_product_defaults_on_first_use():
    assert not GradingRubric.objects.exists()
    rubric = services.rubric_ensure()
    assert (rubric.size_small, rubric.size_medium, rubric.size_large) == (1, 2, 3)
    assert (rubric.need_low, rubric.need_medium, rubric.need_high) == (1, 2, 3)
    assert (rubric.chain_complex, rubric.chain_moderate, rubric.chain_simple) == (1, 2, 3)
    assert (rubric.a_min_total, rubric.b_min_total) == (8, 6)
    assert services.rubric_ensure().pk == rubric.pk
    assert GradingRubric.objects.count() == 1


def test_rubric_change_regrades_open_leads_without_override_and_is_audited(cast):
    b_lead = LeadFactory(owner=cast.rep_a)  # 6 points
    seven = LeadFactory(owner=cast.rep_a, company_size="large")  # 7 points: B
    overridden = LeadFactory(owner=cast.rep_a, grade_override="A")  # 6 points, override A
    converted = LeadFactory(owner=cast.rep_a, status="converted")  # 6 points, closed
    result = services.rubric_update(actor=cast.hr, a_min_total=7, b_min_total=5)
    assert result.regraded == 1
    for lead in (b_lead, seven, overridden, converted):
        lead.refresh_from_db()
    assert (seven.rubric_grade, seven.grade) == ("A", "A")
    assert (b_lead.rubric_grade, b_lead.grade) == ("B", "B")
    assert (overridden.rubric_grade, overridden.grade) == ("B", "A")
    assert (converted.rubric_grade, converted.grade) == ("B", "B")
    entry = AuditEntry.objects.get(action="lead.rubric_update")
    assert entry.actor == cast.hr
    assert entry.changes["a_min_total"] == [8, 7]
    assert entry.changes["regraded_leads"] == 1
    assert selectors.rubric_current().updated_by == cast.hr


def test_new_leads_are_graded_by_the_changed_rubric(cast):
    services.rubric_update(actor=cast.admin, need_high=6)
    lead = create(
        cast.rep_a, company_size="small", need_match="high", decision_complexity="complex"
    )
    assert lead.rubric_grade == "A"  # 1 + 6 + 1 = 8


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"b_min_total": 8}, "b_min_total", "must be below the lowest total for A"),
        ({"a_min_total": 5, "b_min_total": 6}, "b_min_total", "must be below"),
        ({"need_low": -1}, "need_low", "must not be negative"),
        ({"size_large": "many"}, "size_large", "whole number"),
        ({"size_large": 101}, "size_large", "At most 100"),
        ({"a_min_total": 10}, "a_min_total", "highest possible total is 9"),
    ],
)
def test_bad_rubric_is_refused_and_nothing_changes(cast, values, field, message):
    lead = LeadFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.rubric_update(actor=cast.hr, **values)
    assert message in errors_of(excinfo)[field][0]
    rubric = selectors.rubric_current()
    assert (rubric.a_min_total, rubric.b_min_total, rubric.need_low) == (8, 6, 1)
    assert not AuditEntry.objects.filter(action="lead.rubric_update").exists()
    lead.refresh_from_db()
    assert lead.grade == "B"


@pytest.mark.parametrize("role", ["rep_a", "manager_a"])
def test_only_hr_and_admin_may_change_the_rubric(cast, role):
    with pytest.raises(PermissionDenied):
        services.rubric_update(actor=getattr(cast, role), a_min_total=7)
    assert selectors.rubric_current().a_min_total == 8


def test_saving_an_unchanged_rubric_writes_no_audit(cast):
    result = services.rubric_update(actor=cast.hr, a_min_total=8)
    assert result.regraded == 0
    assert not AuditEntry.objects.filter(action="lead.rubric_update").exists()


# --- grade override ---------------------------------------------------------------------------


def test_manager_override_keeps_rubric_grade_and_is_audited(cast):
    lead = LeadFactory(owner=cast.rep_a)
    services.lead_override_grade(
        actor=cast.manager_a, lead=lead, grade="A", reason="CEO asked for a demo"
    )
    lead.refresh_from_db()
    assert (lead.grade, lead.rubric_grade, lead.grade_override) == ("A", "B", "A")
    assert lead.override_reason == "CEO asked for a demo"
    assert lead.override_by == cast.manager_a
    assert lead.override_at is not None
    entry = AuditEntry.objects.for_object(lead).get(action="lead.grade_override")
    assert entry.actor == cast.manager_a
    assert entry.subject_user == cast.rep_a
    assert entry.reason == "CEO asked for a demo"
    assert entry.changes["grade"] == ["B", "A"]
    assert entry.changes["rubric_grade"] == "B"


def test_clearing_the_override_restores_the_rubric_grade_and_is_audited(cast):
    lead = LeadFactory(owner=cast.rep_a, grade_override="C")
    services.lead_override_grade(actor=cast.admin, lead=lead, grade="", reason="New facts")
    lead.refresh_from_db()
    assert (lead.grade, lead.grade_override, lead.override_reason) == ("B", "", "")
    assert lead.override_by is None
    entry = AuditEntry.objects.for_object(lead).get(action="lead.grade_override")
    assert entry.changes["cleared"] is True
    assert entry.changes["grade"] == ["C", "B"]


def test_override_needs_a_written_reason(cast):
    lead = LeadFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.lead_override_grade(actor=cast.manager_a, lead=lead, grade="A", reason="  ")
    assert errors_of(excinfo)["reason"] == ["Write down why the grade is changed."]
    lead.refresh_from_db()
    assert (lead.grade, lead.grade_override) == ("B", "")
    assert not AuditEntry.objects.filter(action="lead.grade_override").exists()


def test_override_refuses_unknown_grade_and_clearing_nothing(cast):
    lead = LeadFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.lead_override_grade(actor=cast.admin, lead=lead, grade="D", reason="x")
    assert "Choose grade A, B or C" in errors_of(excinfo)["grade"][0]
    with pytest.raises(ValidationError) as excinfo:
        services.lead_override_grade(actor=cast.admin, lead=lead, grade="", reason="x")
    assert errors_of(excinfo)["grade"] == ["This lead has no override to clear."]
    assert not AuditEntry.objects.filter(action="lead.grade_override").exists()


@pytest.mark.parametrize("who", ["rep_a", "hr", "manager_b"])
def test_reps_hr_and_other_teams_managers_may_not_override(cast, who):
    lead = LeadFactory(owner=cast.rep_a)
    with pytest.raises(PermissionDenied):
        services.lead_override_grade(actor=getattr(cast, who), lead=lead, grade="A", reason="x")
    lead.refresh_from_db()
    assert lead.grade == "B"


def test_closed_leads_cannot_be_overridden(cast):
    lead = LeadFactory(owner=cast.rep_a, status="converted")
    with pytest.raises(ValidationError):
        services.lead_override_grade(actor=cast.admin, lead=lead, grade="A", reason="x")


# --- lifecycle --------------------------------------------------------------------------------


def test_lifecycle_moves_forward_and_records_who_and_when(cast):
    lead = create(cast.rep_a)
    services.lead_transition(actor=cast.rep_a, lead=lead, status="contacted")
    services.lead_transition(actor=cast.manager_a, lead=lead, status="qualified", reason="Budget")
    lead.refresh_from_db()
    assert lead.status == "qualified"
    assert lead.first_contacted_at is not None
    history = list(selectors.lead_status_history(lead=lead))
    assert [(c.from_status, c.to_status) for c in history] == [
        ("", "new"),
        ("new", "contacted"),
        ("contacted", "qualified"),
    ]
    assert history[1].changed_by == cast.rep_a
    assert history[2].changed_by == cast.manager_a
    assert history[2].reason == "Budget"
    assert all(c.changed_at <= timezone.now() for c in history)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("new", "qualified"),
        ("contacted", "new"),
        ("qualified", "contacted"),
        ("disqualified", "new"),
        ("converted", "qualified"),
    ],
)
def test_skipping_or_going_back_is_refused(cast, start, target):
    lead = LeadFactory(owner=cast.rep_a, status=start)
    with pytest.raises(ValidationError) as excinfo:
        services.lead_transition(actor=cast.rep_a, lead=lead, status=target)
    assert "cannot become" in errors_of(excinfo)["status"][0]
    lead.refresh_from_db()
    assert lead.status == start
    assert not LeadStatusChange.objects.filter(lead=lead).exists()


def test_conversion_is_not_a_plain_status_change(cast):
    lead = LeadFactory(owner=cast.rep_a, status="qualified")
    with pytest.raises(ValidationError) as excinfo:
        services.lead_transition(actor=cast.rep_a, lead=lead, status="converted")
    assert "conversion form" in errors_of(excinfo)["status"][0]


def test_disqualifying_needs_a_reason(cast):
    lead = LeadFactory(owner=cast.rep_a, status="contacted")
    with pytest.raises(ValidationError) as excinfo:
        services.lead_transition(actor=cast.rep_a, lead=lead, status="disqualified")
    assert errors_of(excinfo)["reason"] == ["Say why the lead is disqualified."]
    lead.refresh_from_db()
    assert lead.status == "contacted"
    services.lead_transition(
        actor=cast.rep_a, lead=lead, status="disqualified", reason="Chose a competitor"
    )
    lead.refresh_from_db()
    assert (lead.status, lead.disqualified_reason) == ("disqualified", "Chose a competitor")


def test_hr_may_not_move_leads(cast):
    lead = LeadFactory(owner=cast.rep_a)
    with pytest.raises(PermissionDenied):
        services.lead_transition(actor=cast.hr, lead=lead, status="contacted")


def test_record_contact_sets_first_contact_and_moves_new_to_contacted(cast):
    lead = LeadFactory(owner=cast.rep_a)
    at = timezone.now() - datetime.timedelta(hours=3)
    services.lead_record_contact(lead=lead, actor=cast.rep_a, at=at)
    lead.refresh_from_db()
    assert (lead.status, lead.first_contacted_at) == ("contacted", at)
    change = LeadStatusChange.objects.get(lead=lead)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "new",
        "contacted",
        cast.rep_a,
    )


def test_record_contact_keeps_the_first_contact_and_later_statuses(cast):
    first = timezone.now() - datetime.timedelta(days=2)
    lead = LeadFactory(owner=cast.rep_a, status="qualified", first_contacted_at=first)
    services.lead_record_contact(lead=lead, actor=cast.rep_a, at=timezone.now())
    lead.refresh_from_db()
    assert (lead.status, lead.first_contacted_at) == ("qualified", first)
    assert not LeadStatusChange.objects.filter(lead=lead).exists()
