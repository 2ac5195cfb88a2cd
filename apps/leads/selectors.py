"""Reads of the leads app: the rubric, work lists, duplicates and the nurture plan."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from apps.core.scoping import sees_everything
from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.customers.models import Customer
from apps.leads.calculations import RubricPoints
from apps.leads.choices import OPEN_STATUSES, Grade
from apps.leads.models import GradingRubric, Lead, LeadStatusChange, NurtureTouch

#: How many matches of each kind a duplicate check reports at most.
DUPLICATE_LIMIT = 20


def rubric_current() -> GradingRubric:
    """The one grading rubric. Until it is first saved (``services.rubric_ensure``), an unsaved
    rubric with the product defaults: reading never writes."""
    return GradingRubric.objects.order_by("pk").first() or GradingRubric()


def rubric_points() -> RubricPoints:
    return RubricPoints.from_rubric(rubric_current())


def lead_list(*, user) -> QuerySet[Lead]:
    """The leads ``user`` may see, A leads first, with what a list row shows."""
    last_touch = (
        NurtureTouch.objects.filter(lead=OuterRef("pk"))
        .order_by("-touched_on", "-pk")
        .values("touched_on")[:1]
    )
    return (
        Lead.objects.visible_to(user)
        .select_related("owner", "industry", "referred_by")
        .annotate(last_touch_on=Subquery(last_touch))
        .a_first()
    )


def lead_status_history(*, lead: Lead) -> QuerySet[LeadStatusChange]:
    return lead.status_changes.select_related("changed_by").order_by("changed_at", "pk")


def lead_touches(*, lead: Lead) -> QuerySet[NurtureTouch]:
    return lead.nurture_touches.select_related("by").order_by("-touched_on", "-pk")


# --- duplicates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateMatch:
    """An existing lead or customer whose company name, phone or e-mail matches."""

    kind: str  # "lead" or "customer"
    id: int
    name: str
    matched_on: tuple[str, ...]  # of "company_name", "phone", "email"
    visible: bool  # may the person asking see this record?

    @property
    def label(self) -> str:
        if self.visible:
            return self.name
        return _("a record owned by another rep")

    @property
    def kind_label(self) -> str:
        return _("Lead") if self.kind == "lead" else _("Customer")

    @property
    def matched_on_labels(self) -> list[str]:
        labels = {"company_name": _("company name"), "phone": _("phone"), "email": _("e-mail")}
        return [labels[name] for name in self.matched_on]

    def as_dict(self) -> dict:
        """What may be shown: the name and id only of records the person may see."""
        return {
            "kind": self.kind,
            "id": self.id if self.visible else None,
            "name": self.label,
            "matched_on": list(self.matched_on),
            "visible": self.visible,
        }


@dataclass(frozen=True)
class DuplicateKeys:
    company: str
    phone: str
    email: str

    @classmethod
    def of(cls, *, company_name: str, phone: str = "", email: str = "") -> DuplicateKeys:
        return cls(
            company=normalise_company(company_name),
            phone=normalise_phone(phone),
            email=normalise_email(email),
        )

    def q(self) -> Q | None:
        """Rows whose keys match (``None`` when there is nothing to match on)."""
        q = Q()
        if self.company:
            q |= Q(company_key=self.company)
        if self.phone:
            q |= Q(phone_key=self.phone)
        if self.email:
            q |= Q(email_key=self.email)
        return q or None

    def matched_on(self, row: dict) -> tuple[str, ...]:
        fields = []
        if self.company and row["company_key"] == self.company:
            fields.append("company_name")
        if self.phone and row["phone_key"] == self.phone:
            fields.append("phone")
        if self.email and row["email_key"] == self.email:
            fields.append("email")
        return tuple(fields)


def find_duplicates(
    *, company_name: str, phone: str = "", email: str = "", exclude_lead_id=None, user=None
) -> list[DuplicateMatch]:
    """Leads and customers, organisation-wide, whose normalised company name, phone or e-mail
    matches. ``visible`` says whether ``user`` may see each one (no user: none is visible), so
    callers show names only of records in the user's scope."""
    keys = DuplicateKeys.of(company_name=company_name, phone=phone, email=email)
    q = keys.q()
    if q is None:
        return []
    key_fields = ("pk", "company_key", "phone_key", "email_key")
    leads = Lead.objects.filter(q)
    customers = Customer.objects.filter(q)
    if exclude_lead_id is not None:
        leads = leads.exclude(pk=exclude_lead_id)
        customers = customers.exclude(lead_id=exclude_lead_id)
    lead_rows = list(
        leads.order_by("company_name", "pk").values(*key_fields, "company_name")[:DUPLICATE_LIMIT]
    )
    customer_rows = list(
        customers.order_by("name", "pk").values(*key_fields, "name")[:DUPLICATE_LIMIT]
    )
    visible_leads = _visible_ids(Lead, user, [row["pk"] for row in lead_rows])
    visible_customers = _visible_ids(Customer, user, [row["pk"] for row in customer_rows])
    matches = [
        DuplicateMatch(
            kind="lead",
            id=row["pk"],
            name=row["company_name"],
            matched_on=keys.matched_on(row),
            visible=row["pk"] in visible_leads,
        )
        for row in lead_rows
    ]
    matches += [
        DuplicateMatch(
            kind="customer",
            id=row["pk"],
            name=row["name"],
            matched_on=keys.matched_on(row),
            visible=row["pk"] in visible_customers,
        )
        for row in customer_rows
    ]
    return matches


def _visible_ids(model, user, ids: list[int]) -> set[int]:
    if user is None or not ids:
        return set()
    if sees_everything(user):
        return set(ids)
    return set(model.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def existing_duplicate_keys(
    *, company_keys: set[str], phone_keys: set[str], email_keys: set[str]
) -> dict[str, set[str]]:
    """Which of these keys leads or customers already use (for checking a whole import)."""
    found: dict[str, set[str]] = {"company_name": set(), "phone": set(), "email": set()}
    for field, column, keys in (
        ("company_name", "company_key", company_keys),
        ("phone", "phone_key", phone_keys),
        ("email", "email_key", email_keys),
    ):
        keys = {key for key in keys if key}
        if not keys:
            continue
        for model in (Lead, Customer):
            found[field].update(
                model.objects.filter(**{f"{column}__in": keys}).values_list(column, flat=True)
            )
    return found


# --- nurture plan ---------------------------------------------------------------------------


def month_bounds(on_date: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First day of ``on_date``'s month and first day of the next month."""
    start = on_date.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following


def nurture_due(*, on_date: datetime.date, user=None) -> QuerySet[Lead]:
    """Open C leads (that existed on ``on_date``) with no nurture touch in its calendar month.

    Organisation-wide unless ``user`` is given (then only the leads that user may see).
    """
    start, following = month_bounds(on_date)
    touched = NurtureTouch.objects.filter(
        lead=OuterRef("pk"), touched_on__gte=start, touched_on__lt=following
    )
    leads = Lead.objects.all() if user is None else Lead.objects.visible_to(user)
    return (
        leads.filter(status__in=OPEN_STATUSES, grade=Grade.C, created_at__date__lte=on_date)
        .exclude(Exists(touched))
        .select_related("owner")
        .order_by("owner_id", "created_at", "pk")
    )


@dataclass(frozen=True)
class NurtureStatus:
    on_plan: bool  # an open C lead
    last_touch: NurtureTouch | None
    done_this_month: bool


def lead_nurture_status(*, lead: Lead, on_date: datetime.date) -> NurtureStatus:
    start, following = month_bounds(on_date)
    last = lead.nurture_touches.order_by("-touched_on", "-pk").first()
    done = lead.nurture_touches.filter(touched_on__gte=start, touched_on__lt=following).exists()
    return NurtureStatus(
        on_plan=lead.status in OPEN_STATUSES and lead.grade == Grade.C,
        last_touch=last,
        done_this_month=done,
    )
