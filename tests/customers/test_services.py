"""Customer services: owner rules, lost/reactivate, contacts, industries, insights, feedback."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.customers import services
from apps.customers.choices import CustomerStatus, FeedbackStatus, InsightKind, InsightSource
from apps.customers.models import Contact, Customer, Industry, MarketInsight, ProductFeedback
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    HRFactory,
    IndustryFactory,
    LeadFactory,
    RepFactory,
)

pytestmark = pytest.mark.django_db


def _messages(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


# --- create and owner rules --------------------------------------------------------------------


def test_rep_owns_the_customer_they_create_even_when_naming_another_owner(cast):
    customer = services.customer_create(
        actor=cast.rep_a,
        owner=cast.rep_b,
        name="  Acme Trading Co., Ltd. ",
        phone="+86 138-0000-1111",
        email=" Buyer@Acme.example ",
    )
    assert customer.owner == cast.rep_a
    assert customer.name == "Acme Trading Co., Ltd."
    assert customer.company_key == "acmetrading"
    assert customer.phone_key == "13800001111"
    assert customer.email_key == "buyer@acme.example"
    assert customer.status == CustomerStatus.ACTIVE
    entry = AuditEntry.objects.for_object(customer).get()
    assert entry.action == "customer.create" and entry.subject_user == cast.rep_a


def test_manager_assigns_a_customer_to_a_rep_of_their_team(cast):
    customer = services.customer_create(actor=cast.manager_a, owner=cast.rep_a2, name="Beta Ltd")
    assert customer.owner == cast.rep_a2


def test_manager_without_owner_owns_the_customer(cast):
    customer = services.customer_create(actor=cast.manager_a, owner=None, name="Beta Ltd")
    assert customer.owner == cast.manager_a


def test_manager_cannot_assign_to_another_team_and_nothing_is_saved(cast):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=cast.manager_a, owner=cast.rep_b, name="Gamma Ltd")
    assert "not in a team you manage" in _messages(exc, "owner")
    assert not Customer.objects.exists()


def test_admin_assigns_to_any_active_rep(cast):
    customer = services.customer_create(actor=cast.admin, owner=cast.rep_b, name="Delta Ltd")
    assert customer.owner == cast.rep_b


def test_admin_cannot_assign_to_hr_or_an_inactive_rep_and_nothing_is_saved(cast):
    gone = RepFactory(team=cast.team_b, is_active=False)
    for owner in (cast.hr, gone):
        with pytest.raises(ValidationError) as exc:
            services.customer_create(actor=cast.admin, owner=owner, name="Epsilon Ltd")
        assert "active sales rep or manager" in _messages(exc, "owner")
    assert not Customer.objects.exists()


def test_admin_must_name_an_owner(cast):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=cast.admin, owner=None, name="Zeta Ltd")
    assert "Choose who owns" in _messages(exc, "owner")
    assert not Customer.objects.exists()


def test_hr_cannot_create_customers_and_nothing_is_saved(cast):
    with pytest.raises(PermissionDenied):
        services.customer_create(actor=cast.hr, owner=cast.rep_a, name="Eta Ltd")
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("name", {"name": "   "}, "needs a name"),
        ("email", {"email": "not-an-email"}, "valid e-mail"),
        ("company_size", {"company_size": "huge"}, "Unknown company size"),
    ],
)
def test_bad_customer_input_is_refused_with_a_message_and_nothing_saved(
    cast, field, kwargs, message
):
    data = {"actor": cast.rep_a, "owner": None, "name": "Theta Ltd", **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.customer_create(**data)
    assert message in _messages(exc, field)
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_referring_customer_must_be_visible(cast):
    other = CustomerFactory(owner=cast.rep_b)
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=cast.rep_a, owner=None, name="Iota Ltd", referred_by=other)
    assert "referring customer you can see" in _messages(exc, "referred_by")
    assert Customer.objects.count() == 1


def test_customer_keeps_the_grade_and_the_referrer_of_its_lead(cast):
    referrer = CustomerFactory(owner=cast.rep_a)
    lead = LeadFactory(owner=cast.rep_a, referred_by=referrer, grade_a=True)
    customer = services.customer_create(
        actor=cast.rep_a,
        owner=None,
        name=lead.company_name,
        lead=lead,
        referred_by=referrer,
    )
    assert customer.lead == lead and customer.lead_grade == "A"
    assert list(referrer.referrals.all()) == [customer]


def test_a_lead_becomes_a_customer_only_once(cast):
    lead = LeadFactory(owner=cast.rep_a)
    services.customer_create(actor=cast.rep_a, owner=None, name="Kappa Ltd", lead=lead)
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=cast.rep_a, owner=None, name="Kappa 2 Ltd", lead=lead)
    assert "already became a customer" in _messages(exc, "lead")
    assert Customer.objects.count() == 1


def test_a_lead_out_of_scope_cannot_be_linked(cast):
    lead = LeadFactory(owner=cast.rep_b)
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=cast.rep_a, owner=None, name="Lambda Ltd", lead=lead)
    assert "lead you can see" in _messages(exc, "lead")
    assert not Customer.objects.exists()


# --- update and reassignment -------------------------------------------------------------------


def test_update_changes_details_and_refreshes_the_duplicate_keys(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    services.customer_update(
        actor=cast.rep_a, customer=customer, name="Mu Holdings Ltd", phone="0086 139 1234 5678"
    )
    customer.refresh_from_db()
    assert customer.name == "Mu Holdings Ltd"
    assert customer.company_key == "muholdings"
    assert customer.phone_key == "13912345678"


def test_rep_cannot_reassign_a_customer_and_nothing_changes(cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Nu Ltd")
    with pytest.raises(ValidationError) as exc:
        services.customer_update(
            actor=cast.rep_a, customer=customer, owner=cast.rep_a2, name="Renamed"
        )
    assert "Only a manager or an admin" in _messages(exc, "owner")
    customer.refresh_from_db()
    assert customer.owner == cast.rep_a and customer.name == "Nu Ltd"


def test_manager_reassignment_within_the_team_is_audited(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    services.customer_update(actor=cast.manager_a, customer=customer, owner=cast.rep_a2)
    customer.refresh_from_db()
    assert customer.owner == cast.rep_a2
    entry = AuditEntry.objects.for_object(customer).get(action="customer.reassign")
    assert entry.actor == cast.manager_a
    assert entry.changes == {"owner": [cast.rep_a.pk, cast.rep_a2.pk]}


def test_manager_cannot_reassign_to_another_team(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        services.customer_update(actor=cast.manager_a, customer=customer, owner=cast.rep_b)
    assert "not in a team you manage" in _messages(exc, "owner")
    customer.refresh_from_db()
    assert customer.owner == cast.rep_a
    assert not AuditEntry.objects.filter(action="customer.reassign").exists()


def test_the_lead_grade_is_not_a_customer_detail_anyone_edits(cast):
    # It follows the linked lead (tests/customers/test_lead_grade.py); it used to be editable.
    customer = CustomerFactory(owner=cast.rep_a, lead_grade="B")
    with pytest.raises(ValidationError) as exc:
        services.customer_update(actor=cast.manager_a, customer=customer, lead_grade="A")
    assert "cannot be changed here" in _messages(exc, "lead_grade")
    customer.refresh_from_db()
    assert customer.lead_grade == "B"
    assert not AuditEntry.objects.for_object(customer).exists()


def test_hr_cannot_update_a_customer(cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Xi Ltd")
    with pytest.raises(PermissionDenied):
        services.customer_update(actor=cast.hr, customer=customer, name="Changed")
    customer.refresh_from_db()
    assert customer.name == "Xi Ltd"


def test_unknown_update_fields_are_refused(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        services.customer_update(actor=cast.rep_a, customer=customer, status="lost")
    assert "cannot be changed here" in _messages(exc, "status")


# --- lost and reactivated ----------------------------------------------------------------------


def test_mark_lost_records_date_reason_and_audit(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    lost_on = timezone.localdate() - datetime.timedelta(days=3)
    services.customer_mark_lost(
        actor=cast.rep_a, customer=customer, lost_on=lost_on, reason=" Went to a competitor "
    )
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.LOST
    assert customer.lost_on == lost_on
    assert customer.lost_reason == "Went to a competitor"
    entry = AuditEntry.objects.for_object(customer).get(action="customer.mark_lost")
    assert entry.reason == "Went to a competitor"


def test_mark_lost_today_is_allowed(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    services.customer_mark_lost(
        actor=cast.rep_a, customer=customer, lost_on=timezone.localdate(), reason="Closed"
    )
    assert Customer.objects.get(pk=customer.pk).status == CustomerStatus.LOST


@pytest.mark.parametrize(
    ("lost_on_days", "reason", "field", "message"),
    [
        (-1, "", "reason", "Say why"),
        (-1, "   ", "reason", "Say why"),
        (1, "Gone", "lost_on", "cannot be in the future"),
        (None, "Gone", "lost_on", "Give the date"),
    ],
)
def test_mark_lost_refuses_bad_input_and_saves_nothing(cast, lost_on_days, reason, field, message):
    customer = CustomerFactory(owner=cast.rep_a)
    lost_on = (
        None
        if lost_on_days is None
        else timezone.localdate() + datetime.timedelta(days=lost_on_days)
    )
    with pytest.raises(ValidationError) as exc:
        services.customer_mark_lost(
            actor=cast.rep_a, customer=customer, lost_on=lost_on, reason=reason
        )
    assert message in _messages(exc, field)
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.ACTIVE and customer.lost_on is None
    assert not AuditEntry.objects.filter(action="customer.mark_lost").exists()


def test_a_lost_customer_cannot_be_marked_lost_again(cast):
    customer = CustomerFactory(owner=cast.rep_a, lost=True)
    first = customer.lost_on
    with pytest.raises(ValidationError) as exc:
        services.customer_mark_lost(
            actor=cast.rep_a, customer=customer, lost_on=timezone.localdate(), reason="Again"
        )
    assert "already marked lost" in _messages(exc, "status")
    customer.refresh_from_db()
    assert customer.lost_on == first


def test_database_refuses_lost_without_date_and_active_with_date(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(status=CustomerStatus.LOST)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(lost_on=timezone.localdate())


def test_reactivate_clears_the_loss_and_is_audited(cast):
    customer = CustomerFactory(owner=cast.rep_a, lost=True)
    services.customer_reactivate(actor=cast.manager_a, customer=customer, reason="Signed again")
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.ACTIVE
    assert customer.lost_on is None and customer.lost_reason == ""
    entry = AuditEntry.objects.for_object(customer).get(action="customer.reactivate")
    assert entry.reason == "Signed again" and entry.actor == cast.manager_a


def test_an_active_customer_cannot_be_reactivated(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        services.customer_reactivate(actor=cast.rep_a, customer=customer)
    assert "Only a lost customer" in _messages(exc, "status")
    assert not AuditEntry.objects.exists()


def test_hr_cannot_mark_lost(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(PermissionDenied):
        services.customer_mark_lost(
            actor=cast.hr, customer=customer, lost_on=timezone.localdate(), reason="x"
        )
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.ACTIVE


# --- contacts ----------------------------------------------------------------------------------


def test_a_new_primary_contact_replaces_the_old_primary(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    old = ContactFactory(customer=customer, is_primary=True)
    new = services.contact_create(
        actor=cast.rep_a, customer=customer, name="Wang Fang", is_primary=True
    )
    old.refresh_from_db()
    assert new.is_primary and not old.is_primary


def test_contact_needs_a_name_and_a_visible_customer(cast):
    foreign = CustomerFactory(owner=cast.rep_b)
    with pytest.raises(ValidationError) as exc:
        services.contact_create(actor=cast.rep_a, customer=foreign, name=" ", email="bad")
    assert "needs a name" in _messages(exc, "name")
    assert "valid e-mail" in _messages(exc, "email")
    assert "customer you can see" in _messages(exc, "customer")
    assert not Contact.objects.exists()


# --- industries --------------------------------------------------------------------------------


def test_managers_and_hr_add_industries_reps_do_not(cast):
    services.industry_create(actor=cast.manager_a, name="Mining")
    services.industry_create(actor=cast.hr, name="Aviation")
    with pytest.raises(PermissionDenied):
        services.industry_create(actor=cast.rep_a, name="Shipping")
    assert set(Industry.objects.values_list("name", flat=True)) == {"Mining", "Aviation"}


def test_duplicate_industry_is_refused_case_insensitively(cast):
    IndustryFactory(name="Retail")
    with pytest.raises(ValidationError) as exc:
        services.industry_create(actor=cast.admin, name=" retail ")
    assert "already exists" in _messages(exc, "name")
    assert Industry.objects.count() == 1


# --- market insights ---------------------------------------------------------------------------


def test_insight_links_only_records_the_author_can_see(cast):
    industry = IndustryFactory()
    own = CustomerFactory(owner=cast.rep_a)
    foreign = CustomerFactory(owner=cast.rep_b)
    foreign_lead = LeadFactory(owner=cast.rep_b)
    with pytest.raises(ValidationError) as exc:
        services.insight_create(
            actor=cast.rep_a,
            title="Cost pressure",
            kind=InsightKind.PAIN_POINT,
            source=InsightSource.INTERVIEW,
            industry=industry,
            body="Clients want to cut cost.",
            customers=[own, foreign],
            leads=[foreign_lead],
        )
    assert "customers you can see" in _messages(exc, "customers")
    assert "leads you can see" in _messages(exc, "leads")
    assert not MarketInsight.objects.exists()


def test_insight_is_saved_with_its_author_and_links(cast):
    own = CustomerFactory(owner=cast.rep_a)
    insight = services.insight_create(
        actor=cast.rep_a,
        title="Cost pressure",
        kind=InsightKind.TREND,
        source=InsightSource.REPORT,
        industry=IndustryFactory(),
        body="Clients want to cut cost.",
        customers=[own],
    )
    assert insight.author == cast.rep_a
    assert list(insight.customers.all()) == [own]


def test_insight_needs_title_body_and_known_kind(cast):
    with pytest.raises(ValidationError) as exc:
        services.insight_create(
            actor=cast.rep_a,
            title="",
            kind="rumour",
            source="tv",
            industry=IndustryFactory(),
            body=" ",
        )
    errors = exc.value.message_dict
    assert {"title", "kind", "source", "body"} <= set(errors)
    assert not MarketInsight.objects.exists()


# --- product feedback --------------------------------------------------------------------------


def test_feedback_for_a_customer_out_of_scope_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.feedback_create(
            actor=cast.rep_a, customer=CustomerFactory(owner=cast.rep_b), summary="Export"
        )
    assert "customer you can see" in _messages(exc, "customer")
    assert not ProductFeedback.objects.exists()


def test_feedback_needs_a_summary(cast):
    with pytest.raises(ValidationError) as exc:
        services.feedback_create(
            actor=cast.rep_a, customer=CustomerFactory(owner=cast.rep_a), summary="  "
        )
    assert "Summarise" in _messages(exc, "summary")
    assert not ProductFeedback.objects.exists()


def test_feedback_status_change_is_audited(cast):
    feedback = services.feedback_create(
        actor=cast.rep_a, customer=CustomerFactory(owner=cast.rep_a), summary="Export"
    )
    services.feedback_update(actor=cast.manager_a, feedback=feedback, status=FeedbackStatus.SENT)
    entry = AuditEntry.objects.for_object(feedback).get()
    assert entry.changes == {"status": ["open", "sent"]}


def test_hr_reads_but_never_writes_feedback():
    hr = HRFactory()
    with pytest.raises(PermissionDenied):
        services.feedback_create(actor=hr, customer=CustomerFactory(), summary="x")
    assert not ProductFeedback.objects.exists()
