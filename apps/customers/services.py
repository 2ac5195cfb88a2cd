"""Writes for customers, contacts, industries, health reports, market insights and product
feedback. Each service validates everything first and writes nothing on bad input: it raises a
``ValidationError`` whose keys name the offending fields, or ``PermissionDenied`` when the actor
may not write at all (HR reads CRM data but never changes it)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.choices import CompanySize
from apps.core.dates import check_business_date
from apps.core.kpi_facts import kpi_facts_changed
from apps.core.ownership import resolve_owner
from apps.core.permissions import require
from apps.core.quarters import quarter_of
from apps.core.services import audit_record, audit_value, require_known_fields
from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.core.versions import check_version
from apps.customers import permissions
from apps.customers.choices import (
    CustomerStatus,
    DemandIntent,
    FeedbackStatus,
    InsightKind,
    InsightSource,
    UsageFrequency,
)
from apps.customers.models import (
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)


def _lead_model():
    """The lead model: the leads app sits above this one, so it is reached through the
    declared relation, not imported."""
    return Customer._meta.get_field("lead").related_model


def _visible(model, actor, obj) -> bool:
    if actor is None or obj is None:
        return True
    return model.objects.visible_to(actor).filter(pk=obj.pk).exists()


# --- customers ---------------------------------------------------------------------------------

CUSTOMER_TEXT_FIELDS = ("name", "phone", "email", "notes")


def _validate_customer_fields(*, actor, data: dict, errors: dict, instance=None) -> None:
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            errors["name"] = [_("A customer needs a name.")]
    if "phone" in data:
        data["phone"] = (data["phone"] or "").strip()
    if "email" in data:
        data["email"] = (data["email"] or "").strip()
        if data["email"]:
            try:
                validate_email(data["email"])
            except ValidationError:
                errors["email"] = [_("Enter a valid e-mail address.")]
    if data.get("company_size") and data["company_size"] not in CompanySize.values:
        errors["company_size"] = [
            _("Unknown company size %(value)s: choose small, medium or large.")
            % {"value": data["company_size"]}
        ]
    if data.get("industry") is not None and not isinstance(data["industry"], Industry):
        errors["industry"] = [_("Choose an industry from the list.")]
    referred_by = data.get("referred_by")
    if referred_by is not None:
        if instance is not None and referred_by.pk == instance.pk:
            errors["referred_by"] = [_("A customer cannot refer itself.")]
        elif not _visible(Customer, actor, referred_by):
            lead = data.get("lead")
            if lead is None or lead.referred_by_id != referred_by.pk:
                errors["referred_by"] = [_("Choose a referring customer you can see.")]


@transaction.atomic
def customer_create(
    *,
    actor,
    owner,
    name: str,
    industry: Industry | None = None,
    company_size: str = "",
    phone: str = "",
    email: str = "",
    lead=None,
    referred_by: Customer | None = None,
    notes: str = "",
) -> Customer:
    """Create a customer. A rep owns what they create; managers and admins may assign it.

    A customer linked to a ``lead`` takes the lead's grade in force (the rubric's or a
    manager's override) as ``lead_grade``, which weighs its development (SPEC §2.2.3); a
    customer without a lead has none. Nobody sets the grade directly."""
    require(permissions.may_write(actor), permissions.write_denied_message())
    errors: dict[str, list[str]] = {}
    data = {
        "name": name,
        "industry": industry,
        "company_size": company_size or "",
        "phone": phone,
        "email": email,
        "lead": lead,
        "referred_by": referred_by,
        "notes": notes or "",
    }
    owner = resolve_owner(
        actor=actor, owner=owner, errors=errors, messages=permissions.owner_messages()
    )
    _validate_customer_fields(actor=actor, data=data, errors=errors)
    if lead is not None:
        _validate_lead_link(actor=actor, lead=lead, errors=errors)
    if errors:
        raise ValidationError(errors)

    customer = Customer.objects.create(
        owner=owner,
        company_key=normalise_company(data["name"]),
        phone_key=normalise_phone(data["phone"]),
        email_key=normalise_email(data["email"]),
        lead_grade=_lead_grade_of(lead),
        **data,
    )
    audit_record(
        actor=actor,
        action="customer.create",
        target=customer,
        subject_user=owner,
        changes={
            "owner": owner.pk,
            "lead": lead.pk if lead else None,
            "lead_grade": customer.lead_grade,
        },
    )
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, expected_version=None, **fields) -> Customer:
    """Change a customer's details; a manager or admin may also reassign it (``owner``).

    Reassignments are audited. The lead grade is not a customer's detail: it follows the
    linked lead (:func:`customers_follow_lead_grades`).
    """
    check_version(customer, expected_version)
    require(permissions.may_write(actor), permissions.write_denied_message())
    allowed = {
        "name",
        "industry",
        "company_size",
        "phone",
        "email",
        "referred_by",
        "notes",
        "owner",
    }
    require_known_fields(fields, allowed)
    errors: dict[str, list[str]] = {}
    data = dict(fields)
    for key in ("company_size", "notes"):
        if key in data and data[key] is None:
            data[key] = ""
    referred_by = data.get("referred_by")
    if referred_by is not None and referred_by.pk == customer.referred_by_id:
        data.pop("referred_by")  # unchanged: no need to be able to see it
    _validate_customer_fields(actor=actor, data=data, errors=errors, instance=customer)
    new_owner = data.pop("owner", None)
    if new_owner is not None and new_owner.pk != customer.owner_id:
        # A rep cannot hand a customer over; managers and admins give it to an assignable owner.
        new_owner = resolve_owner(
            actor=actor,
            owner=new_owner,
            errors=errors,
            messages=permissions.owner_messages(),
            current=customer.owner,
        )
        if new_owner is not None and new_owner.pk == customer.owner_id:
            new_owner = None
    else:
        new_owner = None
    if errors:
        raise ValidationError(errors)

    changes = {}
    for name, value in data.items():
        old = getattr(customer, name)
        if old != value:
            changes[name] = [audit_value(old), audit_value(value)]
            setattr(customer, name, value)
    old_owner = customer.owner
    if new_owner is not None:
        customer.owner = new_owner
    customer.company_key = normalise_company(customer.name)
    customer.phone_key = normalise_phone(customer.phone)
    customer.email_key = normalise_email(customer.email)
    customer.save()
    if new_owner is not None:
        # Development, retention and the grade weighting count for the owner (SPEC §2.2).
        _customer_facts_changed(customer, reps=[old_owner.pk], since_first_order=True)
    if new_owner is not None:
        audit_record(
            actor=actor,
            action="customer.reassign",
            target=customer,
            subject_user=new_owner,
            changes={"owner": [old_owner.pk, new_owner.pk]},
        )
    return customer


# --- the lead grade: a copy of the linked lead's grade, written only here ---------------------


def _validate_lead_link(*, actor, lead, errors: dict) -> None:
    if not _visible(_lead_model(), actor, lead):
        errors["lead"] = [_("Choose a lead you can see.")]
    elif Customer.objects.filter(lead=lead).exists():
        errors["lead"] = [
            _("The lead %(lead)s already became a customer.") % {"lead": lead.company_name}
        ]


def _lead_grade_of(lead) -> str:
    """The grade in force of ``lead`` as stored (override or rubric); "" without a lead."""
    if lead is None:
        return ""
    return _lead_model().objects.filter(pk=lead.pk).values_list("grade", flat=True).first() or ""


@transaction.atomic
def customer_link_lead(*, actor, customer: Customer, lead) -> Customer:
    """Link an existing customer to ``lead`` (the lead converts into it): the customer takes
    the lead's grade in force, and the owner's KPIs it weighs are marked stale. A customer that
    already comes from a lead keeps that one."""
    require(permissions.may_write(actor), permissions.write_denied_message())
    if customer.lead_id is not None:
        return customer
    if Customer.objects.filter(lead=lead).exists():
        raise ValidationError(
            {
                "customer": [
                    _("The lead %(lead)s already became a customer.") % {"lead": lead.company_name}
                ]
            }
        )
    Customer.objects.filter(pk=customer.pk).update(
        lead=lead, updated_at=timezone.now(), version=F("version") + 1
    )
    customer.lead = lead
    customers_follow_lead_grades(leads=[lead.pk])
    customer.lead_grade = _lead_grade_of(lead)
    return customer


@transaction.atomic
def customers_follow_lead_grades(*, leads) -> int:
    """Copy the grade in force of each of ``leads`` (ids or a queryset of leads) to the
    customer linked to it, where it differs, and tell the KPI layer: the owner's grade-weighted
    development changes from the customer's first order (or its creation) on.

    Called by the leads app whenever a lead's grade in force may change (rubric regrade,
    override, edit, conversion). Set-based: a fixed number of queries plus one KPI notice per
    distinct date. Returns the number of customers changed."""
    lead_model = _lead_model()
    grade_of_lead = lead_model.objects.filter(pk=OuterRef("lead_id")).values("grade")[:1]
    changed = (
        Customer.objects.filter(lead__in=leads)
        .exclude(lead_grade=F("lead__grade"))
        .annotate(first_order=Min("orders__signed_on"))
        .values_list("pk", "owner_id", "created_at", "first_order")
    )
    rows = list(changed)
    if not rows:
        return 0
    Customer.objects.filter(pk__in=[row[0] for row in rows]).update(
        lead_grade=Subquery(grade_of_lead), updated_at=timezone.now(), version=F("version") + 1
    )
    owners_by_date: dict[datetime.date, set[int]] = {}
    for _pk, owner_id, created_at, first_order in rows:
        since = timezone.localtime(created_at).date()
        if first_order is not None:
            since = min(since, first_order)
        owners_by_date.setdefault(since, set()).add(owner_id)
    for since, owners in sorted(owners_by_date.items()):
        kpi_facts_changed(rep_ids=owners, on_date=since)
    return len(rows)


def _customer_facts_changed(customer: Customer, *, on_date=None, reps=(), since_first_order=False):
    """Tell the KPI layer that the owner's figures this change of ``customer`` affects changed:
    from ``on_date``, or (``since_first_order``) from the customer's first order or creation."""
    if since_first_order:
        first_order = customer.orders.order_by("signed_on").values_list("signed_on", flat=True)
        created = timezone.localtime(customer.created_at).date()
        on_date = min(filter(None, [first_order.first(), created]))
    kpi_facts_changed(rep_ids={customer.owner_id, *reps}, on_date=on_date)


@transaction.atomic
def customer_mark_lost(
    *,
    actor,
    customer: Customer,
    lost_on: datetime.date | None,
    reason: str,
    expected_version=None,
):
    """Record that cooperation ended (SPEC §2.2 retention): a date not in the future and a
    reason are required. A customer changed since ``expected_version`` is refused."""
    require(permissions.may_write(actor), permissions.write_denied_message())
    check_version(customer, expected_version)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if customer.status == CustomerStatus.LOST:
        errors["status"] = [
            _("This customer was already marked lost on %(date)s.") % {"date": customer.lost_on}
        ]
    if not reason:
        errors["reason"] = [_("Say why the customer was lost.")]
    if lost_on is None:
        errors["lost_on"] = [_("Give the date the customer was lost.")]
    elif lost_on > timezone.localdate():
        errors["lost_on"] = [_("The date a customer was lost cannot be in the future.")]
    else:
        check_business_date(lost_on, field="lost_on", label=_("The date lost"), errors=errors)
    if errors:
        raise ValidationError(errors)
    customer.status = CustomerStatus.LOST
    customer.lost_on = lost_on
    customer.lost_reason = reason
    customer.save(update_fields=["status", "lost_on", "lost_reason", "updated_at"])
    _customer_facts_changed(customer, on_date=lost_on)
    audit_record(
        actor=actor,
        action="customer.mark_lost",
        target=customer,
        subject_user=customer.owner,
        changes={"status": [CustomerStatus.ACTIVE, CustomerStatus.LOST], "lost_on": str(lost_on)},
        reason=reason,
    )
    return customer


@transaction.atomic
def customer_reactivate(
    *, actor, customer: Customer, reason: str = "", expected_version=None
) -> Customer:
    """Bring a lost customer back to active (the earlier loss stays in the audit trail). A
    customer changed since ``expected_version`` is refused."""
    require(permissions.may_write(actor), permissions.write_denied_message())
    check_version(customer, expected_version)
    if customer.status != CustomerStatus.LOST:
        raise ValidationError({"status": [_("Only a lost customer can be reactivated.")]})
    old = {"lost_on": str(customer.lost_on), "lost_reason": customer.lost_reason}
    _customer_facts_changed(customer, on_date=customer.lost_on)
    customer.status = CustomerStatus.ACTIVE
    customer.lost_on = None
    customer.lost_reason = ""
    customer.save(update_fields=["status", "lost_on", "lost_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="customer.reactivate",
        target=customer,
        subject_user=customer.owner,
        changes={"status": [CustomerStatus.LOST, CustomerStatus.ACTIVE], **old},
        reason=(reason or "").strip(),
    )
    return customer


# --- contacts ----------------------------------------------------------------------------------


def _validate_contact(data: dict, errors: dict) -> None:
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            errors["name"] = [_("A contact needs a name.")]
    if data.get("email"):
        data["email"] = data["email"].strip()
        try:
            validate_email(data["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]


@transaction.atomic
def contact_create(
    *,
    actor,
    customer: Customer,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    is_primary: bool = False,
) -> Contact:
    require(permissions.may_write(actor), permissions.write_denied_message())
    errors: dict[str, list[str]] = {}
    data = {"name": name, "title": title or "", "phone": phone or "", "email": email or ""}
    _validate_contact(data, errors)
    if not _visible(Customer, actor, customer):
        errors["customer"] = [_("Choose a customer you can see.")]
    if errors:
        raise ValidationError(errors)
    if is_primary:
        customer.contacts.filter(is_primary=True).update(is_primary=False, version=F("version") + 1)
    return Contact.objects.create(customer=customer, is_primary=is_primary, **data)


@transaction.atomic
def contact_update(*, actor, contact: Contact, expected_version=None, **fields) -> Contact:
    check_version(contact, expected_version)
    require(permissions.may_write(actor), permissions.write_denied_message())
    allowed = {"name", "title", "phone", "email", "is_primary"}
    require_known_fields(fields, allowed)
    errors: dict[str, list[str]] = {}
    data = dict(fields)
    _validate_contact(data, errors)
    if errors:
        raise ValidationError(errors)
    if data.get("is_primary"):
        Contact.objects.filter(customer=contact.customer_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False, version=F("version") + 1)
    for name, value in data.items():
        setattr(contact, name, value)
    contact.save()
    return contact


# --- industries --------------------------------------------------------------------------------


@transaction.atomic
def industry_create(*, actor, name: str) -> Industry:
    """Managers, HR and admins add industries; reps pick from the list."""
    require(
        actor is None or permissions.can_add_industry(actor),
        _("Only managers, HR and admins add industries."),
    )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("An industry needs a name.")]})
    if Industry.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": [_("The industry %(name)s already exists.") % {"name": name}]}
        )
    industry = Industry.objects.create(name=name)
    audit_record(actor=actor, action="industry.create", target=industry, changes={"name": name})
    return industry


# --- health reports ----------------------------------------------------------------------------


def current_quarter(today: datetime.date | None = None) -> tuple[int, int]:
    """The calendar quarter of ``today`` (default: the local date)."""
    return quarter_of(today or timezone.localdate())


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return None
    if not number.is_finite():
        errors[field] = [_("Enter a number.")]
        return None
    return number


def _validate_health_report(data: dict, errors: dict) -> None:
    year, quarter = data.get("year"), data.get("quarter")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    if not isinstance(quarter, int) or not 1 <= quarter <= 4:
        errors["quarter"] = [_("The quarter must be 1, 2, 3 or 4.")]
    elif "year" not in errors and (year, quarter) > current_quarter():
        errors["quarter"] = [_("A health report cannot be written for a future quarter.")]
    if data.get("usage_frequency") not in UsageFrequency.values:
        errors["usage_frequency"] = [_("Choose how often the customer uses the product.")]
    if data.get("new_demand_intent") not in DemandIntent.values:
        errors["new_demand_intent"] = [_("Choose the customer's new-demand intent.")]
    hours = _decimal(data.get("issue_resolution_hours"), "issue_resolution_hours", errors)
    if hours is not None and hours < 0:
        errors["issue_resolution_hours"] = [_("The issue-resolution time cannot be negative.")]
    elif hours is not None and hours >= Decimal("10000000"):
        errors["issue_resolution_hours"] = [_("The issue-resolution time is too large.")]
    data["issue_resolution_hours"] = hours


#: Where a health report's satisfaction comes from (SPEC §2.3: only the customer's own survey
#: answers count, nobody types it in): ``reader(customer, year, quarter) -> Decimal | None``, the
#: answered survey of that quarter. The surveys app, above this one, registers it in its
#: ``AppConfig.ready()`` (:func:`register_survey_satisfaction`); without it a report has none.
_survey_satisfaction_reader = None


def register_survey_satisfaction(reader) -> None:
    global _survey_satisfaction_reader
    _survey_satisfaction_reader = reader


def _survey_satisfaction(customer: Customer, year, quarter) -> Decimal | None:
    if _survey_satisfaction_reader is None or not isinstance(year, int):
        return None
    return _survey_satisfaction_reader(customer, year, quarter)


@transaction.atomic
def customer_set_survey_satisfaction(
    *, customer: Customer, year: int, quarter: int, satisfaction, latest_satisfaction
) -> Customer:
    """A survey answer (or its cancellation) changed the customer's satisfaction: the health
    report of ``year`` Q``quarter`` (if there is one) takes ``satisfaction`` (the survey's
    score, ``None`` when it no longer counts) and the customer ``latest_satisfaction`` (its
    latest answered survey's score; ``None``: no survey left, back to the latest report).
    Called by the surveys app only, inside the survey's transaction."""
    for report in HealthReport.objects.select_for_update().filter(
        customer=customer, year=year, quarter=quarter
    ):
        if report.satisfaction != satisfaction:
            report.satisfaction = satisfaction
            report.save(update_fields=["satisfaction", "updated_at"])
    if latest_satisfaction is None:
        return customer_refresh_satisfaction(customer=customer)
    if customer.latest_satisfaction != latest_satisfaction:
        customer.latest_satisfaction = latest_satisfaction
        customer.save(update_fields=["latest_satisfaction", "updated_at"])
    return customer


def customer_refresh_satisfaction(*, customer: Customer) -> Customer:
    """Set ``latest_satisfaction`` from the latest (year, quarter) report that has one."""
    latest = (
        HealthReport.objects.filter(customer=customer, satisfaction__isnull=False)
        .order_by("-year", "-quarter")
        .values_list("satisfaction", flat=True)
        .first()
    )
    if latest != customer.latest_satisfaction:
        customer.latest_satisfaction = latest
        customer.save(update_fields=["latest_satisfaction", "updated_at"])
    return customer


@transaction.atomic
def health_report_create(
    *,
    actor,
    customer: Customer,
    year: int,
    quarter: int,
    usage_frequency: str,
    new_demand_intent: str,
    issue_resolution_hours=None,
    notes: str = "",
) -> HealthReport:
    """The quarterly health report of a customer (one per quarter). Its satisfaction is not
    entered: it is the customer's answered survey of that quarter, if any."""
    require(permissions.may_write(actor), permissions.write_denied_message())
    errors: dict[str, list[str]] = {}
    data = {
        "year": year,
        "quarter": quarter,
        "usage_frequency": usage_frequency,
        "new_demand_intent": new_demand_intent,
        "issue_resolution_hours": issue_resolution_hours,
        "notes": notes or "",
    }
    _validate_health_report(data, errors)
    if not _visible(Customer, actor, customer):
        errors["customer"] = [_("Choose a customer you can see.")]
    elif (
        "year" not in errors
        and "quarter" not in errors
        and HealthReport.objects.filter(customer=customer, year=year, quarter=quarter).exists()
    ):
        errors["quarter"] = [
            _("%(customer)s already has a health report for %(year)s Q%(quarter)s.")
            % {"customer": customer, "year": year, "quarter": quarter}
        ]
    if errors:
        raise ValidationError(errors)
    data["satisfaction"] = _survey_satisfaction(customer, year, quarter)
    return HealthReport.objects.create(customer=customer, author=actor, **data)


@transaction.atomic
def health_report_update(
    *, actor, report: HealthReport, expected_version=None, **fields
) -> HealthReport:
    check_version(report, expected_version)
    require(permissions.may_write(actor), permissions.write_denied_message())
    allowed = {
        "year",
        "quarter",
        "usage_frequency",
        "new_demand_intent",
        "issue_resolution_hours",
        "notes",
    }
    require_known_fields(fields, allowed)
    data = {name: getattr(report, name) for name in allowed}
    data.update(fields)
    data["notes"] = data["notes"] or ""
    errors: dict[str, list[str]] = {}
    _validate_health_report(data, errors)
    if (
        "year" not in errors
        and "quarter" not in errors
        and HealthReport.objects.filter(
            customer=report.customer_id, year=data["year"], quarter=data["quarter"]
        )
        .exclude(pk=report.pk)
        .exists()
    ):
        errors["quarter"] = [
            _("%(customer)s already has a health report for %(year)s Q%(quarter)s.")
            % {"customer": report.customer, "year": data["year"], "quarter": data["quarter"]}
        ]
    if errors:
        raise ValidationError(errors)
    # The satisfaction is the survey's of the report's quarter, never typed in: a report moved
    # to another quarter takes that quarter's; only these fields are written.
    if (report.year, report.quarter) != (data["year"], data["quarter"]):
        report.satisfaction = _survey_satisfaction(report.customer, data["year"], data["quarter"])
    for name, value in data.items():
        setattr(report, name, value)
    report.save(update_fields=[*data, "satisfaction", "updated_at"])
    return report


# --- market insights ---------------------------------------------------------------------------


def _validate_insight(*, actor, data: dict, errors: dict) -> None:
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            errors["title"] = [_("Give the insight a title.")]
    if "body" in data:
        data["body"] = (data["body"] or "").strip()
        if not data["body"]:
            errors["body"] = [_("Write the insight.")]
    if "kind" in data and data["kind"] not in InsightKind.values:
        errors["kind"] = [_("Choose trend, competitor or customer pain point.")]
    if "source" in data and data["source"] not in InsightSource.values:
        errors["source"] = [_("Choose where the insight comes from.")]
    if "industry" in data and not isinstance(data["industry"], Industry):
        errors["industry"] = [_("Choose an industry.")]
    if data.get("leads"):
        ids = {lead.pk for lead in data["leads"]}
        seen = (
            _lead_model().objects.visible_to(actor).filter(pk__in=ids).count()
            if actor
            else len(ids)
        )
        if seen != len(ids):
            errors["leads"] = [_("Link only leads you can see.")]
    if data.get("customers"):
        ids = {c.pk for c in data["customers"]}
        seen = Customer.objects.visible_to(actor).filter(pk__in=ids).count() if actor else len(ids)
        if seen != len(ids):
            errors["customers"] = [_("Link only customers you can see.")]


@transaction.atomic
def insight_create(
    *,
    actor,
    title: str,
    kind: str,
    source: str,
    industry: Industry,
    body: str,
    leads=(),
    customers=(),
    author=None,
) -> MarketInsight:
    """A market-insight note written by ``actor`` (or ``author`` when the system writes it)."""
    require(permissions.may_write(actor), permissions.write_denied_message())
    author = actor or author
    errors: dict[str, list[str]] = {}
    data = {
        "title": title,
        "kind": kind,
        "source": source,
        "industry": industry,
        "body": body,
        "leads": list(leads or []),
        "customers": list(customers or []),
    }
    _validate_insight(actor=actor, data=data, errors=errors)
    if author is None:
        errors["author"] = [_("An insight needs an author.")]
    if errors:
        raise ValidationError(errors)
    leads, customers = data.pop("leads"), data.pop("customers")
    insight = MarketInsight.objects.create(author=author, **data)
    insight.leads.set(leads)
    insight.customers.set(customers)
    return insight


@transaction.atomic
def insight_update(
    *, actor, insight: MarketInsight, expected_version=None, **fields
) -> MarketInsight:
    check_version(insight, expected_version)
    require(permissions.may_write(actor), permissions.write_denied_message())
    allowed = {"title", "kind", "source", "industry", "body", "leads", "customers"}
    require_known_fields(fields, allowed)
    errors: dict[str, list[str]] = {}
    data = dict(fields)
    for key in ("leads", "customers"):
        if key in data:
            data[key] = list(data[key] or [])
    _validate_insight(actor=actor, data=data, errors=errors)
    if errors:
        raise ValidationError(errors)
    leads, customers = data.pop("leads", None), data.pop("customers", None)
    for name, value in data.items():
        setattr(insight, name, value)
    insight.save()
    if leads is not None:
        insight.leads.set(leads)
    if customers is not None:
        insight.customers.set(customers)
    return insight


# --- product feedback --------------------------------------------------------------------------


@transaction.atomic
def feedback_create(
    *,
    actor,
    customer: Customer,
    summary: str,
    detail: str = "",
    status: str = FeedbackStatus.OPEN,
) -> ProductFeedback:
    """Customer needs and pain points for the product team (SPEC §1.4)."""
    require(permissions.may_write(actor), permissions.write_denied_message())
    errors: dict[str, list[str]] = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Summarise the feedback in a line.")]
    if status not in FeedbackStatus.values:
        errors["status"] = [_("Choose open, sent or closed.")]
    if customer is None or not _visible(Customer, actor, customer):
        errors["customer"] = [_("Choose a customer you can see.")]
    if errors:
        raise ValidationError(errors)
    return ProductFeedback.objects.create(
        customer=customer, summary=summary, detail=detail or "", status=status, author=actor
    )


@transaction.atomic
def feedback_update(
    *, actor, feedback: ProductFeedback, expected_version=None, **fields
) -> ProductFeedback:
    check_version(feedback, expected_version)
    require(permissions.may_write(actor), permissions.write_denied_message())
    allowed = {"summary", "detail", "status"}
    require_known_fields(fields, allowed)
    errors: dict[str, list[str]] = {}
    if "summary" in fields:
        fields["summary"] = (fields["summary"] or "").strip()
        if not fields["summary"]:
            errors["summary"] = [_("Summarise the feedback in a line.")]
    if "status" in fields and fields["status"] not in FeedbackStatus.values:
        errors["status"] = [_("Choose open, sent or closed.")]
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name, value in fields.items():
        if name == "detail":
            value = value or ""
        old = getattr(feedback, name)
        if old != value:
            changes[name] = [old, value]
            setattr(feedback, name, value)
    feedback.save()
    if "status" in changes:
        audit_record(
            actor=actor,
            action="feedback.status",
            target=feedback,
            subject_user=feedback.customer.owner,
            changes={"status": changes["status"]},
        )
    return feedback
