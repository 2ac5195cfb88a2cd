"""Writes of the leads app. Each service validates everything first and writes nothing on bad
input: it raises a ``ValidationError`` whose keys name the offending fields, or
``PermissionDenied`` when the person may not do this at all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.core.ownership import OwnerMessages, assignable_owners, resolve_owner
from apps.core.permissions import require
from apps.core.services import audit_record, audit_value, require_known_fields
from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.core.versions import check_version
from apps.customers import services as customer_services
from apps.customers.models import Customer, Industry
from apps.leads import imports, selectors
from apps.leads.calculations import RubricPoints, grade_for, grade_table, highest_total
from apps.leads.choices import (
    LEAD_TRANSITIONS,
    OPEN_STATUSES,
    CompanySize,
    DecisionComplexity,
    Grade,
    LeadSource,
    LeadStatus,
    NeedMatch,
    TouchChannel,
)
from apps.leads.imports import IMPORT_COLUMNS, ImportFileError, ImportRowError, read_import_file
from apps.leads.models import GradingRubric, Lead, LeadStatusChange, NurtureTouch
from apps.leads.permissions import can_edit_rubric, can_override_grade, can_write_leads
from apps.opportunities import services as opportunity_services
from apps.opportunities.models import Opportunity

# --- who may do what (the rules live in apps.leads.permissions) ------------------------------


def _require_writer(actor) -> None:
    require(can_write_leads(actor), _("HR may read leads but not change them."))


def _require_open(lead: Lead) -> None:
    if lead.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "status": [
                    _("This lead is %(status)s and can no longer be changed.")
                    % {"status": lead.get_status_display().lower()}
                ]
            }
        )


# --- the rubric -----------------------------------------------------------------------------

RUBRIC_POINT_FIELDS = (
    "size_small",
    "size_medium",
    "size_large",
    "need_low",
    "need_medium",
    "need_high",
    "chain_complex",
    "chain_moderate",
    "chain_simple",
)
RUBRIC_TOTAL_FIELDS = ("a_min_total", "b_min_total")
RUBRIC_FIELDS = RUBRIC_POINT_FIELDS + RUBRIC_TOTAL_FIELDS
MAX_POINTS = 100


@transaction.atomic
def rubric_ensure() -> GradingRubric:
    """The one grading rubric, created with the product defaults on first use (reads use
    :func:`apps.leads.selectors.rubric_current`, which never writes)."""
    rubric = GradingRubric.objects.order_by("pk").first()
    if rubric is None:
        rubric, _created = GradingRubric.objects.get_or_create(pk=1)
    return rubric


@dataclass(frozen=True)
class RubricUpdate:
    rubric: GradingRubric
    regraded: int  # open leads without an override whose grade changed


def rubric_validate(*, rubric: GradingRubric, values: dict) -> dict:
    """The rubric's numbers after applying ``values``, or ``ValidationError`` naming the fields."""
    require_known_fields(values, RUBRIC_FIELDS)
    errors: dict[str, list[str]] = {}
    new = {name: getattr(rubric, name) for name in RUBRIC_FIELDS}
    for name, value in values.items():
        try:
            number = int(value)
            if isinstance(value, bool) or (isinstance(value, float | Decimal) and number != value):
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = [_("Enter a whole number.")]
            continue
        limit = MAX_POINTS if name in RUBRIC_POINT_FIELDS else 3 * MAX_POINTS
        if number < 0:
            errors[name] = [_("Points must not be negative.")]
        elif number > limit:
            errors[name] = [_("At most %(limit)s.") % {"limit": limit}]
        new[name] = number
    if not errors:
        points = RubricPoints.from_rubric(SimpleNamespace(**new))
        if new["b_min_total"] >= new["a_min_total"]:
            errors["b_min_total"] = [
                _("The lowest total for B must be below the lowest total for A (%(a)s).")
                % {"a": new["a_min_total"]}
            ]
        elif new["a_min_total"] > highest_total(points):
            errors["a_min_total"] = [
                _(
                    "No lead could reach %(a)s points: the highest possible total is %(top)s. "
                    "Lower the total for A or raise the points."
                )
                % {"a": new["a_min_total"], "top": highest_total(points)}
            ]
    if errors:
        raise ValidationError(errors)
    return new


@transaction.atomic
def rubric_update(*, actor, expected_version=None, **values) -> RubricUpdate:
    """Change the grading rubric (HR and admin) and regrade every open lead without an override
    in the same transaction. Audited as ``lead.rubric_update``. With ``expected_version`` (the
    version the editor opened; 1 for the defaults before the first save) a rubric changed since
    is refused and nothing is written."""
    require(can_edit_rubric(actor), _("Only HR and admins may change the grading rubric."))
    rubric = GradingRubric.objects.select_for_update().get(pk=rubric_ensure().pk)
    check_version(rubric, expected_version)
    new = rubric_validate(rubric=rubric, values=values)
    changes = {
        name: [getattr(rubric, name), new[name]]
        for name in RUBRIC_FIELDS
        if getattr(rubric, name) != new[name]
    }
    if not changes:
        return RubricUpdate(rubric=rubric, regraded=0)
    for name, value in new.items():
        setattr(rubric, name, value)
    rubric.updated_by = actor
    rubric.save()
    regraded = _regrade_open_leads(RubricPoints.from_rubric(rubric))
    audit_record(
        actor=actor,
        action="lead.rubric_update",
        target=rubric,
        changes={**changes, "regraded_leads": regraded},
    )
    return RubricUpdate(rubric=rubric, regraded=regraded)


def _regrade_open_leads(points: RubricPoints) -> int:
    """Set-based: one UPDATE per grade over the answer combinations that give it."""
    by_grade: dict[str, Q] = {}
    for (size, need, chain), grade in grade_table(points).items():
        combo = Q(company_size=size, need_match=need, decision_complexity=chain)
        by_grade[grade] = by_grade[grade] | combo if grade in by_grade else combo
    open_leads = Lead.objects.filter(status__in=OPEN_STATUSES, grade_override="")
    now = timezone.now()
    regraded = 0
    for grade, combos in by_grade.items():
        regraded += (
            open_leads.filter(combos)
            .exclude(rubric_grade=grade, grade=grade)
            .update(rubric_grade=grade, grade=grade, updated_at=now, version=F("version") + 1)
        )
    if regraded:
        # A customer already created from an open lead weighs by the lead's grade.
        customer_services.customers_follow_lead_grades(leads=open_leads)
    return regraded


# --- create and edit ------------------------------------------------------------------------

#: The fields of a lead a person sets (an import file's columns are the same).
LEAD_FIELDS = IMPORT_COLUMNS
CHOICE_FIELDS = {
    "company_size": CompanySize,
    "need_match": NeedMatch,
    "decision_complexity": DecisionComplexity,
    "source": LeadSource,
}
MAX_LENGTHS = {"company_name": 200, "contact_name": 120, "phone": 40, "email": 254}


class DuplicateLeadError(ValidationError):
    """The lead matches existing leads or customers and saving was not confirmed."""

    def __init__(self, matches: list[selectors.DuplicateMatch]):
        self.matches = matches
        super().__init__({"confirm_duplicate": [duplicate_message(matches)]})


def duplicate_message(matches) -> str:
    return ngettext(
        "This lead looks like %(count)s existing record (same company name, phone or "
        "e-mail). Check it, then confirm to save it anyway.",
        "This lead looks like %(count)s existing records (same company name, phone or "
        "e-mail). Check them, then confirm to save it anyway.",
        len(matches),
    ) % {"count": len(matches)}


def _validate_values(
    *, actor, values: dict, errors: dict, check_referrer_visible: bool = True
) -> None:
    """Check the lead fields in ``values`` (text stripped in place); add problems to errors."""
    for name in ("company_name", "contact_name", "phone", "email", "notes"):
        values[name] = (values.get(name) or "").strip()
    if not values["company_name"]:
        errors["company_name"] = [_("The company name is required.")]
    elif not normalise_company(values["company_name"]):
        errors["company_name"] = [_("Enter a company name with letters or digits.")]
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit and name not in errors:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
    if values["phone"] and "phone" not in errors and not normalise_phone(values["phone"]):
        errors["phone"] = [_("Enter a phone number with digits.")]
    if values["email"] and "email" not in errors:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    for name, choices in CHOICE_FIELDS.items():
        value = values.get(name)
        if value not in choices.values:
            errors[name] = [
                _("Unknown value %(value)s: choose one of %(choices)s.")
                % {"value": value or "—", "choices": ", ".join(choices.values)}
            ]
    industry = values.get("industry")
    if industry is not None and not isinstance(industry, Industry):
        errors["industry"] = [_("Choose an industry from the list.")]
    referrer = values.get("referred_by")
    if values.get("source") == LeadSource.CUSTOMER_REFERRAL:
        if referrer is None:
            errors["referred_by"] = [_("A customer referral needs the referring customer.")]
        elif check_referrer_visible and not (
            Customer.objects.visible_to(actor).filter(pk=referrer.pk).exists()
        ):
            errors["referred_by"] = [_("Choose one of your customers as the referrer.")]
    elif referrer is not None and "source" not in errors:
        errors["referred_by"] = [
            _("Only a lead from a customer referral has a referring customer.")
        ]


def _owner_messages() -> OwnerMessages:
    return OwnerMessages(
        required=_("Choose who owns this lead: an active rep or manager."),
        not_in_team=_("%(name)s is not in a team you manage."),
        cannot_own=_("%(name)s cannot own leads: choose an active rep or manager."),
    )


def _resolve_owner(*, actor, owner, errors: dict, current=None):
    """The owner a new (``current=None``) or edited lead gets (:func:`resolve_owner`): a rep
    always owns what they create and silently keeps their own leads."""
    return resolve_owner(
        actor=actor, owner=owner, errors=errors, messages=_owner_messages(), current=current
    )


def _keys(values: dict) -> dict:
    return {
        "company_key": normalise_company(values["company_name"]),
        "phone_key": normalise_phone(values["phone"]),
        "email_key": normalise_email(values["email"]),
    }


@transaction.atomic
def lead_create(
    *,
    actor,
    company_name: str,
    company_size: str,
    need_match: str,
    decision_complexity: str,
    source: str,
    owner: User | None = None,
    contact_name: str = "",
    phone: str = "",
    email: str = "",
    industry: Industry | None = None,
    referred_by: Customer | None = None,
    notes: str = "",
    confirm_duplicate: bool = False,
) -> Lead:
    """Create a lead graded by the rubric. A lead that matches existing leads or customers is
    refused with ``DuplicateLeadError`` unless ``confirm_duplicate`` is set."""
    _require_writer(actor)
    values = {
        "company_name": company_name,
        "contact_name": contact_name,
        "phone": phone,
        "email": email,
        "industry": industry,
        "company_size": company_size,
        "need_match": need_match,
        "decision_complexity": decision_complexity,
        "source": source,
        "referred_by": referred_by,
        "notes": notes,
    }
    errors: dict[str, list[str]] = {}
    _validate_values(actor=actor, values=values, errors=errors)
    values["owner"] = _resolve_owner(actor=actor, owner=owner, errors=errors)
    if errors:
        raise ValidationError(errors)
    matches = selectors.find_duplicates(
        company_name=values["company_name"],
        phone=values["phone"],
        email=values["email"],
        user=actor,
    )
    if matches and not confirm_duplicate:
        raise DuplicateLeadError(matches)

    grade = grade_for(company_size, need_match, decision_complexity, selectors.rubric_points())
    lead = Lead.objects.create(
        **values, **_keys(values), rubric_grade=grade, grade=grade, status=LeadStatus.NEW
    )
    LeadStatusChange.objects.create(
        lead=lead, from_status="", to_status=LeadStatus.NEW, changed_by=actor
    )
    if matches:
        _audit_confirmed_duplicate(actor=actor, lead=lead, matches=matches)
    return lead


def _audit_confirmed_duplicate(*, actor, lead: Lead, matches) -> None:
    audit_record(
        actor=actor,
        action="lead.duplicate_confirmed",
        target=lead,
        subject_user=lead.owner,
        changes={"matches": [[match.kind, match.id, list(match.matched_on)] for match in matches]},
    )


@transaction.atomic
def lead_update(
    *, actor, lead: Lead, confirm_duplicate: bool = False, expected_version=None, **fields
) -> Lead:
    """Change an open lead's fields; its rubric grade is recomputed (an override stays)."""
    check_version(lead, expected_version)
    _require_writer(actor)
    require_known_fields(fields, LEAD_FIELDS)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _require_open(lead)
    values = {name: getattr(lead, name) for name in LEAD_FIELDS if name != "owner"}
    values.update({name: value for name, value in fields.items() if name != "owner"})
    errors: dict[str, list[str]] = {}
    _validate_values(actor=actor, values=values, errors=errors)
    owner = _resolve_owner(
        actor=actor, owner=fields.get("owner"), errors=errors, current=lead.owner
    )
    if errors:
        raise ValidationError(errors)
    values["owner"] = owner
    keys = _keys(values)
    matches = []
    if any(getattr(lead, name) != value for name, value in keys.items()):
        matches = selectors.find_duplicates(
            company_name=values["company_name"],
            phone=values["phone"],
            email=values["email"],
            exclude_lead_id=lead.pk,
            user=actor,
        )
        if matches and not confirm_duplicate:
            raise DuplicateLeadError(matches)

    rubric_grade = grade_for(
        values["company_size"],
        values["need_match"],
        values["decision_complexity"],
        selectors.rubric_points(),
    )
    values.update(keys, rubric_grade=rubric_grade, grade=lead.grade_override or rubric_grade)
    changes = {}
    for name, value in values.items():
        old = getattr(lead, name)
        if old != value:
            changes[name] = [audit_value(old), audit_value(value)]
            setattr(lead, name, value)
    if changes:
        lead.save()
        if "grade" in changes:
            customer_services.customers_follow_lead_grades(leads=[lead.pk])
        visible_changes = {k: v for k, v in changes.items() if not k.endswith("_key")}
        audit_record(
            actor=actor,
            action="lead.update",
            target=lead,
            subject_user=lead.owner,
            changes=visible_changes,
        )
    if matches:
        _audit_confirmed_duplicate(actor=actor, lead=lead, matches=matches)
    return lead


# --- grade override -------------------------------------------------------------------------


@transaction.atomic
def lead_override_grade(
    *, actor, lead: Lead, grade: str, reason: str, expected_version=None
) -> Lead:
    """Set (or, with ``grade=""``, clear) a manager's grade override, with a written reason.

    The rubric grade stays on the lead beside the override. Audited as ``lead.grade_override``.
    """
    require(
        can_override_grade(actor, lead),
        _("Only a manager of the owner's team or an admin may override a lead's grade."),
    )
    check_version(lead, expected_version)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _require_open(lead)
    grade = (grade or "").strip().upper()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if grade and grade not in Grade.values:
        errors["grade"] = [_("Choose grade A, B or C (or nothing to clear the override).")]
    elif not grade and not lead.grade_override:
        errors["grade"] = [_("This lead has no override to clear.")]
    elif grade and grade == lead.grade_override:
        errors["grade"] = [_("The lead already has this grade.")]
    if not reason:
        errors["reason"] = [_("Write down why the grade is changed.")]
    if errors:
        raise ValidationError(errors)

    old_grade, old_override = lead.grade, lead.grade_override
    lead.grade_override = grade
    lead.override_reason = reason if grade else ""
    lead.override_by = actor if grade else None
    lead.override_at = timezone.now() if grade else None
    lead.grade = grade or lead.rubric_grade
    lead.save()
    # The customer created from this lead weighs by the grade in force.
    customer_services.customers_follow_lead_grades(leads=[lead.pk])
    audit_record(
        actor=actor,
        action="lead.grade_override",
        target=lead,
        subject_user=lead.owner,
        changes={
            "grade": [old_grade, lead.grade],
            "grade_override": [old_override, grade],
            "rubric_grade": lead.rubric_grade,
            "cleared": not grade,
        },
        reason=reason,
    )
    return lead


# --- lifecycle ------------------------------------------------------------------------------


def _record_status(*, lead: Lead, to_status: str, actor, reason: str = "") -> None:
    LeadStatusChange.objects.create(
        lead=lead,
        from_status=lead.status,
        to_status=to_status,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
    )
    lead.status = to_status


@transaction.atomic
def lead_transition(
    *, actor, lead: Lead, status: str, reason: str = "", expected_version=None
) -> Lead:
    """Move a lead along new → contacted → qualified, or disqualify it (reason required).
    Conversion has its own service, ``lead_convert``. A lead changed since
    ``expected_version`` is refused (:class:`~apps.core.versions.StaleVersionError`)."""
    _require_writer(actor)
    check_version(lead, expected_version)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    reason = (reason or "").strip()
    if status == LeadStatus.CONVERTED:
        raise ValidationError(
            {
                "status": [
                    _("Convert a qualified lead with the conversion form, not a status change.")
                ]
            }
        )
    if status not in LeadStatus.values:
        raise ValidationError({"status": [_("Unknown status %(value)s.") % {"value": status}]})
    if status not in LEAD_TRANSITIONS[LeadStatus(lead.status)]:
        raise ValidationError(
            {
                "status": [
                    _("A lead that is %(from)s cannot become %(to)s.")
                    % {
                        "from": lead.get_status_display().lower(),
                        "to": LeadStatus(status).label.lower(),
                    }
                ]
            }
        )
    if status == LeadStatus.DISQUALIFIED and not reason:
        raise ValidationError({"reason": [_("Say why the lead is disqualified.")]})

    _record_status(lead=lead, to_status=status, actor=actor, reason=reason)
    if status == LeadStatus.CONTACTED and lead.first_contacted_at is None:
        lead.first_contacted_at = timezone.now()
    if status == LeadStatus.DISQUALIFIED:
        lead.disqualified_reason = reason
    lead.save()
    return lead


@transaction.atomic
def lead_record_contact(*, lead: Lead, actor, at: datetime.datetime) -> Lead:
    """A call or visit reached the lead: remember the first contact, and a new lead becomes
    contacted. Called by the activities app when a contact is logged on a lead."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    changed = False
    if lead.first_contacted_at is None:
        lead.first_contacted_at = at
        changed = True
    if lead.status == LeadStatus.NEW:
        _record_status(lead=lead, to_status=LeadStatus.CONTACTED, actor=actor)
        changed = True
    if changed:
        lead.save()
    return lead


# --- conversion -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadConversion:
    lead: Lead
    customer: Customer
    opportunity: Opportunity
    customer_created: bool


@transaction.atomic
def lead_convert(
    *,
    actor,
    lead: Lead,
    customer: Customer | None = None,
    opportunity_name: str = "",
    expected_amount: Decimal | None = None,
    expected_close_on: datetime.date | None = None,
    expected_version=None,
) -> LeadConversion:
    """Turn a qualified lead into a customer (new, or an existing one the actor may see) and an
    opportunity, in one transaction: if any step fails nothing is written. The customer keeps
    the lead's grade. A lead changed since ``expected_version`` is refused."""
    _require_writer(actor)
    check_version(lead, expected_version)
    lead = Lead.objects.select_for_update().select_related("owner").get(pk=lead.pk)
    errors: dict[str, list[str]] = {}
    if lead.status != LeadStatus.QUALIFIED:
        errors["status"] = [
            _("Only a qualified lead can be converted; this one is %(status)s.")
            % {"status": lead.get_status_display().lower()}
        ]
    if customer is not None and not (
        Customer.objects.visible_to(actor).filter(pk=customer.pk).exists()
    ):
        errors["customer"] = [_("Choose one of the customers you can see.")]
    opportunity_name = (opportunity_name or "").strip()
    if len(opportunity_name) > 200:
        errors["opportunity_name"] = [_("At most %(limit)s characters.") % {"limit": 200}]
    if expected_amount is not None and expected_amount < 0:
        errors["expected_amount"] = [_("Must not be negative.")]
    if errors:
        raise ValidationError(errors)

    created = customer is None
    if created:
        customer = customer_services.customer_create(
            actor=actor,
            owner=lead.owner,
            name=lead.company_name,
            industry=lead.industry,
            company_size=lead.company_size,
            phone=lead.phone,
            email=lead.email,
            lead=lead,
            referred_by=lead.referred_by,
            notes=lead.notes,
        )
    else:
        # An existing customer without a lead of its own takes this lead and its grade.
        customer = customer_services.customer_link_lead(actor=actor, customer=customer, lead=lead)
    opportunity = opportunity_services.opportunity_create(
        actor=actor,
        customer=customer,
        owner=lead.owner,
        name=opportunity_name or lead.company_name,
        lead=lead,
        expected_amount=expected_amount,
        expected_close_on=expected_close_on,
    )
    _record_status(lead=lead, to_status=LeadStatus.CONVERTED, actor=actor)
    lead.converted_at = timezone.now()
    lead.save()
    audit_record(
        actor=actor,
        action="lead.convert",
        target=lead,
        subject_user=lead.owner,
        changes={
            "customer": customer.pk,
            "customer_created": created,
            "opportunity": opportunity.pk,
            "grade": lead.grade,
        },
    )
    return LeadConversion(
        lead=lead, customer=customer, opportunity=opportunity, customer_created=created
    )


# --- nurture plan ---------------------------------------------------------------------------


@transaction.atomic
def nurture_touch_create(
    *, actor, lead: Lead, touched_on: datetime.date, channel: str, content: str
) -> NurtureTouch:
    """Log one touch of an open C lead's monthly nurture plan."""
    _require_writer(actor)
    errors: dict[str, list[str]] = {}
    if lead.status not in OPEN_STATUSES or lead.grade != Grade.C:
        errors["lead"] = [_("Only open C leads are on the nurture plan.")]
    content = (content or "").strip()
    if not content:
        errors["content"] = [_("Say what was sent (e.g. an industry case or a white paper).")]
    elif len(content) > 300:
        errors["content"] = [_("At most %(limit)s characters.") % {"limit": 300}]
    if channel not in TouchChannel.values:
        errors["channel"] = [
            _("Unknown channel %(value)s: choose one of %(choices)s.")
            % {"value": channel or "—", "choices": ", ".join(TouchChannel.values)}
        ]
    if not isinstance(touched_on, datetime.date):
        errors["touched_on"] = [_("Enter a date.")]
    elif touched_on > timezone.localdate():
        errors["touched_on"] = [_("A touch cannot be logged in the future.")]
    elif touched_on < timezone.localtime(lead.created_at).date():
        errors["touched_on"] = [_("The touch cannot be before the lead was created.")]
    if errors:
        raise ValidationError(errors)
    return NurtureTouch.objects.create(
        lead=lead, touched_on=touched_on, channel=channel, content=content, by=actor
    )


# --- import ---------------------------------------------------------------------------------


class LeadImportError(ValidationError):
    """Rows of an import file are wrong; nothing was imported."""

    def __init__(self, errors: list[ImportRowError]):
        self.row_errors = errors
        super().__init__(
            {
                "file": [
                    ngettext(
                        "%(count)s problem found; nothing was imported.",
                        "%(count)s problems found; nothing was imported.",
                        len(errors),
                    )
                    % {"count": len(errors)}
                ]
            }
        )


@transaction.atomic
def lead_import(*, actor, file_name: str, data: bytes) -> list[Lead]:
    """Import leads from a CSV or XLSX file (header row = API field names). Every bad row is
    reported with its line and reason; a file with any bad row imports nothing."""
    _require_writer(actor)
    try:
        rows = read_import_file(file_name=file_name, data=data)
    except ImportFileError as exc:
        raise LeadImportError(exc.errors) from exc

    industries = {industry.name.casefold(): industry for industry in Industry.objects.all()}
    usernames = {row.values.get("owner", "") for row in rows} - {""}
    people = {
        user.username.casefold(): user
        for user in User.objects.filter(
            Q(username__in=usernames) | Q(username__in=[name.lower() for name in usernames])
        )
    }
    assignable_ids = set(assignable_owners(actor).values_list("pk", flat=True))
    referrers = _visible_referrers(actor, {row.values.get("referred_by", "") for row in rows})

    errors: list[ImportRowError] = []
    prepared: list[tuple[int, dict]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        raw = row.values
        row_errors: dict[str, list[str]] = {}
        values = {name: raw.get(name, "") for name in LEAD_FIELDS}
        for name in CHOICE_FIELDS:
            values[name] = values[name].strip().lower()
        values["industry"] = _lookup(
            raw.get("industry", ""),
            industries,
            "industry",
            _("Unknown industry %(value)s."),
            row_errors,
        )
        values["referred_by"] = _lookup(
            raw.get("referred_by", ""),
            referrers,
            "referred_by",
            _(
                "Unknown referring customer %(value)s: give the id or name of one of "
                "your customers."
            ),
            row_errors,
        )
        owner = _lookup(
            raw.get("owner", ""),
            people,
            "owner",
            _("Unknown owner username %(value)s."),
            row_errors,
        )
        lookup_errors = dict(row_errors)
        _validate_values(
            actor=actor, values=values, errors=row_errors, check_referrer_visible=False
        )
        row_errors.update(lookup_errors)  # "unknown X" says more than "X is required"
        if "owner" not in row_errors:
            if owner is not None and owner.pk in assignable_ids:
                values["owner"] = owner  # allowed: spares the owner rule a query per row
            else:
                values["owner"] = _resolve_owner(actor=actor, owner=owner, errors=row_errors)
        if "company_name" not in row_errors:
            keys = _keys(values)
            for field, key in (
                ("company_name", keys["company_key"]),
                ("phone", keys["phone_key"]),
                ("email", keys["email_key"]),
            ):
                if not key or field in row_errors:
                    continue
                if (field, key) in seen:
                    row_errors[field] = [
                        _("Duplicate within the file: same %(field)s as line %(line)s.")
                        % {"field": _field_label(field), "line": seen[(field, key)]}
                    ]
                else:
                    seen[(field, key)] = row.line
        for field, messages in row_errors.items():
            errors.extend(ImportRowError(row.line, field, message) for message in messages)
        if not row_errors:
            prepared.append((row.line, values))

    existing = selectors.existing_duplicate_keys(
        company_keys={normalise_company(v["company_name"]) for _line, v in prepared},
        phone_keys={normalise_phone(v["phone"]) for _line, v in prepared},
        email_keys={normalise_email(v["email"]) for _line, v in prepared},
    )
    for line, values in prepared:
        keys = _keys(values)
        for field, key in (
            ("company_name", keys["company_key"]),
            ("phone", keys["phone_key"]),
            ("email", keys["email_key"]),
        ):
            if key and key in existing[field]:
                errors.append(
                    ImportRowError(
                        line,
                        field,
                        _("Matches an existing lead or customer (same %(field)s).")
                        % {"field": _field_label(field)},
                    )
                )
    if errors:
        errors.sort(
            key=lambda error: (
                error.line,
                LEAD_FIELDS.index(error.field) if error.field in LEAD_FIELDS else 99,
            )
        )
        raise LeadImportError(errors)

    points = selectors.rubric_points()
    leads = []
    for _line, values in prepared:
        grade = grade_for(
            values["company_size"], values["need_match"], values["decision_complexity"], points
        )
        leads.append(
            Lead(**values, **_keys(values), rubric_grade=grade, grade=grade, status=LeadStatus.NEW)
        )
    leads = Lead.objects.bulk_create(leads, batch_size=500)
    LeadStatusChange.objects.bulk_create(
        [
            LeadStatusChange(
                lead=lead,
                from_status="",
                to_status=LeadStatus.NEW,
                changed_by=actor,
                reason=_("Imported from %(file)s") % {"file": file_name[:100]},
            )
            for lead in leads
        ],
        batch_size=500,
    )
    return leads


def lead_import_upload(*, actor, upload) -> list[Lead]:
    """:func:`lead_import` of an uploaded file (``name``, ``size``, ``read()``); a file over
    the size limit is refused before it is read."""
    _require_writer(actor)
    if upload.size > imports.MAX_IMPORT_BYTES:
        raise LeadImportError([imports.too_large()])
    return lead_import(actor=actor, file_name=upload.name, data=upload.read())


def _field_label(field: str) -> str:
    return {"company_name": _("company name"), "phone": _("phone"), "email": _("e-mail")}[field]


def _lookup(value: str, table: dict, field: str, message: str, errors: dict):
    value = (value or "").strip()
    if not value:
        return None
    found = table.get(value.casefold())
    if found is None:
        errors[field] = [message % {"value": value}]
    return found


def _visible_referrers(actor, values: set[str]) -> dict:
    """Referring customers named in a file, by id or name, among those the actor may see."""
    values = {value.strip() for value in values if value and value.strip()}
    if not values:
        return {}
    ids = [int(value) for value in values if value.isdigit()]
    names = [value for value in values if not value.isdigit()]
    found = Customer.objects.visible_to(actor).filter(Q(pk__in=ids) | Q(name__in=names))
    table: dict[str, Customer] = {}
    for customer in found:
        table[str(customer.pk)] = customer
        table[customer.name.casefold()] = customer
    return table
