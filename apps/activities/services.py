"""Writes for activities: calls, visits, meetings, demos and e-mails (SPEC §1.1-§1.3)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities import permissions
from apps.activities.choices import ActivityKind
from apps.activities.models import Activity
from apps.core.dates import check_business_date
from apps.core.ownership import resolve_owner
from apps.core.permissions import require
from apps.core.services import require_known_fields
from apps.core.versions import check_version
from apps.customers.models import Customer
from apps.leads.models import Lead
from apps.opportunities.models import Opportunity

#: Kinds that count as contacting a lead (an e-mail does not).
CONTACT_KINDS = frozenset(
    {ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MEETING, ActivityKind.DEMO}
)
#: How far in the future an activity may be dated (clock skew, time zones).
MAX_AHEAD = datetime.timedelta(days=1)

EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "occurred_at",
        "subject",
        "lead",
        "customer",
        "opportunity",
        "outcome",
        "next_step",
        "next_step_on",
    }
)


def _visible(model, actor, obj) -> bool:
    if actor is None or obj is None:
        return True
    return model.objects.visible_to(actor).filter(pk=obj.pk).exists()


LINKS = ("lead", "customer", "opportunity")


DATES = ("occurred_at", "next_step_on")


def _validate(*, actor, data: dict, errors: dict, check_visible=LINKS, check_dates=DATES) -> None:
    if data["kind"] not in ActivityKind.values:
        errors["kind"] = [_("Choose call, visit, meeting, demo or e-mail.")]
    data["subject"] = (data["subject"] or "").strip()
    if not data["subject"]:
        errors["subject"] = [_("Say what the activity was about.")]
    occurred_at = data["occurred_at"]
    if not isinstance(occurred_at, datetime.datetime):
        errors["occurred_at"] = [_("Give the date and time of the activity.")]
    else:
        if timezone.is_naive(occurred_at):
            occurred_at = data["occurred_at"] = timezone.make_aware(occurred_at)
        # Checked first: a date like 0001-01-01 cannot even be compared across time zones.
        in_range = "occurred_at" not in check_dates or check_business_date(
            occurred_at, field="occurred_at", label=_("The activity date"), errors=errors
        )
        if in_range and occurred_at > timezone.now() + MAX_AHEAD:
            errors["occurred_at"] = [
                _("An activity cannot be logged more than one day ahead; plan it as a next step.")
            ]
    lead, customer, opportunity = data["lead"], data["customer"], data["opportunity"]
    if lead is None and customer is None and opportunity is None:
        errors["__all__"] = [_("Log the activity against a lead, a customer or an opportunity.")]
    if "lead" in check_visible and not _visible(Lead, actor, lead):
        errors["lead"] = [_("Choose a lead you can see.")]
    if "customer" in check_visible and not _visible(Customer, actor, customer):
        errors["customer"] = [_("Choose a customer you can see.")]
    if "opportunity" in check_visible and not _visible(Opportunity, actor, opportunity):
        errors["opportunity"] = [_("Choose an opportunity you can see.")]
    if (
        opportunity is not None
        and customer is not None
        and "opportunity" not in errors
        and "customer" not in errors
        and opportunity.customer_id != customer.pk
    ):
        errors["opportunity"] = [
            _("The opportunity %(opportunity)s belongs to another customer than %(customer)s.")
            % {"opportunity": opportunity, "customer": customer}
        ]
    next_step_on = data["next_step_on"]
    in_range = "next_step_on" not in check_dates or check_business_date(
        next_step_on, field="next_step_on", label=_("The next step's due date"), errors=errors
    )
    if (
        in_range
        and next_step_on is not None
        and "occurred_at" not in errors
        and isinstance(occurred_at, datetime.datetime)
        and next_step_on < timezone.localtime(occurred_at).date()
    ):
        errors["next_step_on"] = [_("The next step cannot be due before the activity.")]
    data["outcome"] = data["outcome"] or ""
    data["next_step"] = (data["next_step"] or "").strip()


def _record_lead_contact(*, activity: Activity, actor) -> None:
    if activity.lead_id is None or activity.kind not in CONTACT_KINDS:
        return
    from apps.leads import services as lead_services

    record = getattr(lead_services, "lead_record_contact", None)
    if record is not None:
        record(lead=activity.lead, actor=actor, at=activity.occurred_at)


@transaction.atomic
def activity_create(
    *,
    actor,
    kind: str,
    occurred_at: datetime.datetime,
    subject: str,
    owner=None,
    lead=None,
    customer=None,
    opportunity=None,
    outcome: str = "",
    next_step: str = "",
    next_step_on: datetime.date | None = None,
) -> Activity:
    """Log an activity against a lead, customer or opportunity the actor can see.

    Given only an opportunity, the activity is also filed under its customer. A call, visit,
    meeting or demo against a lead records the lead as contacted.
    """
    require(permissions.may_write(actor), permissions.write_denied_message())
    errors: dict[str, list[str]] = {}
    data = {
        "kind": kind,
        "occurred_at": occurred_at,
        "subject": subject,
        "lead": lead,
        "customer": customer,
        "opportunity": opportunity,
        "outcome": outcome,
        "next_step": next_step,
        "next_step_on": next_step_on,
    }
    owner = resolve_owner(
        actor=actor, owner=owner, errors=errors, messages=permissions.owner_messages()
    )
    _validate(actor=actor, data=data, errors=errors)
    if errors:
        raise ValidationError(errors)
    if data["opportunity"] is not None and data["customer"] is None:
        data["customer"] = data["opportunity"].customer
    activity = Activity.objects.create(owner=owner, **data)
    _record_lead_contact(activity=activity, actor=actor)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, expected_version=None, **fields) -> Activity:
    """Change a logged activity (its owner stays)."""
    check_version(activity, expected_version)
    require(permissions.may_write(actor), permissions.write_denied_message())
    require_known_fields(fields, EDITABLE_FIELDS)
    data = {name: getattr(activity, name) for name in EDITABLE_FIELDS}
    data_before = dict(data)
    data.update(fields)
    errors: dict[str, list[str]] = {}
    # A link that does not change need not be visible to the editor; a new link must be.
    changed_links = [
        name for name in LINKS if getattr(data[name], "pk", None) != getattr(activity, f"{name}_id")
    ]
    # Likewise only a date that changes is checked against the business date range.
    changed_dates = [name for name in DATES if name in fields and fields[name] != data_before[name]]
    _validate(
        actor=actor,
        data=data,
        errors=errors,
        check_visible=changed_links,
        check_dates=changed_dates,
    )
    if errors:
        raise ValidationError(errors)
    if data["opportunity"] is not None and data["customer"] is None:
        data["customer"] = data["opportunity"].customer
    contact_changed = (data["kind"], getattr(data["lead"], "pk", None)) != (
        activity.kind,
        activity.lead_id,
    )
    for name, value in data.items():
        setattr(activity, name, value)
    activity.save()
    if contact_changed:
        _record_lead_contact(activity=activity, actor=actor)
    return activity
