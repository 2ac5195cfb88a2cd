"""Activity services: validation (nothing saved on bad input), lead contact, ownership."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.activities import services
from apps.activities.models import Activity
from apps.leads.choices import LeadStatus
from tests.factories import ActivityFactory, CustomerFactory, LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def _log(actor, **kwargs):
    data = {
        "kind": "visit",
        "occurred_at": timezone.now() - datetime.timedelta(hours=2),
        "subject": "Quarterly review",
        **kwargs,
    }
    return services.activity_create(actor=actor, **data)


def _message(exc_info, field):
    return " ".join(exc_info.value.message_dict[field])


def test_visit_to_a_customer_is_logged_for_the_rep(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    activity = _log(cast.rep_a, customer=customer, owner=cast.rep_b, next_step="Send proposal")
    assert activity.owner == cast.rep_a
    assert activity.customer == customer and activity.next_step == "Send proposal"


def test_manager_logs_an_activity_for_a_rep_of_their_team(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    activity = _log(cast.manager_a, customer=customer, owner=cast.rep_a)
    assert activity.owner == cast.rep_a
    own = _log(cast.manager_a, customer=customer)
    assert own.owner == cast.manager_a


def test_subject_is_required_and_nothing_is_saved(cast):
    with pytest.raises(ValidationError) as exc:
        _log(cast.rep_a, customer=CustomerFactory(owner=cast.rep_a), subject="   ")
    assert "Say what the activity was about." in _message(exc, "subject")
    assert not Activity.objects.exists()


def test_an_activity_needs_a_lead_customer_or_opportunity(cast):
    with pytest.raises(ValidationError) as exc:
        _log(cast.rep_a)
    assert "against a lead, a customer or an opportunity" in _message(exc, "__all__")
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("field", "make", "message"),
    [
        ("customer", lambda cast: CustomerFactory(owner=cast.rep_b), "customer you can see"),
        ("lead", lambda cast: LeadFactory(owner=cast.rep_b), "lead you can see"),
        (
            "opportunity",
            lambda cast: OpportunityFactory(owner=cast.rep_b),
            "opportunity you can see",
        ),
    ],
)
def test_a_record_out_of_scope_is_refused_and_nothing_saved(cast, field, make, message):
    with pytest.raises(ValidationError) as exc:
        _log(cast.rep_a, **{field: make(cast)})
    assert message in _message(exc, field)
    assert not Activity.objects.exists()


def test_manager_cannot_log_against_another_teams_customer(cast):
    with pytest.raises(ValidationError) as exc:
        _log(cast.manager_a, customer=CustomerFactory(owner=cast.rep_b))
    assert "customer you can see" in _message(exc, "customer")
    assert not Activity.objects.exists()


def test_more_than_one_day_ahead_is_refused_and_nothing_saved(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    with pytest.raises(ValidationError) as exc:
        _log(
            cast.rep_a,
            customer=customer,
            occurred_at=timezone.now() + datetime.timedelta(days=1, minutes=5),
        )
    assert "more than one day ahead" in _message(exc, "occurred_at")
    assert not Activity.objects.exists()
    _log(cast.rep_a, customer=customer, occurred_at=timezone.now() + datetime.timedelta(hours=23))
    assert Activity.objects.count() == 1


def test_opportunity_of_another_customer_is_refused_and_nothing_saved(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    opportunity = OpportunityFactory(owner=cast.rep_a)  # its own customer
    with pytest.raises(ValidationError) as exc:
        _log(cast.rep_a, customer=customer, opportunity=opportunity)
    assert "belongs to another customer" in _message(exc, "opportunity")
    assert not Activity.objects.exists()


def test_an_opportunity_alone_files_the_activity_under_its_customer(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    activity = _log(cast.rep_a, kind="meeting", opportunity=opportunity)
    assert activity.customer_id == opportunity.customer_id


def test_next_step_cannot_be_due_before_the_activity(cast):
    with pytest.raises(ValidationError) as exc:
        _log(
            cast.rep_a,
            customer=CustomerFactory(owner=cast.rep_a),
            next_step_on=timezone.localdate() - datetime.timedelta(days=5),
        )
    assert "cannot be due before" in _message(exc, "next_step_on")
    assert not Activity.objects.exists()


def test_unknown_kind_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _log(cast.rep_a, customer=CustomerFactory(owner=cast.rep_a), kind="fax")
    assert "call, visit, meeting, demo or e-mail" in _message(exc, "kind")
    assert not Activity.objects.exists()


def test_hr_cannot_log_activities(cast):
    with pytest.raises(PermissionDenied):
        _log(cast.hr, customer=CustomerFactory(owner=cast.rep_a))
    assert not Activity.objects.exists()


@pytest.mark.parametrize("kind", ["call", "visit", "meeting", "demo"])
def test_a_contact_with_a_new_lead_marks_it_contacted(cast, kind):
    lead = LeadFactory(owner=cast.rep_a, status=LeadStatus.NEW)
    at = timezone.now() - datetime.timedelta(hours=3)
    _log(cast.rep_a, kind=kind, lead=lead, occurred_at=at)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONTACTED
    assert lead.first_contacted_at == at


def test_an_email_to_a_lead_is_not_a_contact(cast):
    lead = LeadFactory(owner=cast.rep_a, status=LeadStatus.NEW)
    _log(cast.rep_a, kind="email", lead=lead)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW and lead.first_contacted_at is None


def test_update_changes_the_activity_and_validates_new_links(cast):
    activity = ActivityFactory(customer=CustomerFactory(owner=cast.rep_a))
    services.activity_update(actor=cast.rep_a, activity=activity, subject="Renamed")
    activity.refresh_from_db()
    assert activity.subject == "Renamed"
    with pytest.raises(ValidationError) as exc:
        services.activity_update(
            actor=cast.rep_a, activity=activity, customer=CustomerFactory(owner=cast.rep_b)
        )
    assert "customer you can see" in _message(exc, "customer")
    activity.refresh_from_db()
    assert activity.customer.owner == cast.rep_a


def test_update_refuses_an_empty_subject_and_keeps_the_old_one(cast):
    activity = ActivityFactory(customer=CustomerFactory(owner=cast.rep_a), subject="Kept")
    with pytest.raises(ValidationError):
        services.activity_update(actor=cast.rep_a, activity=activity, subject="")
    activity.refresh_from_db()
    assert activity.subject == "Kept"
