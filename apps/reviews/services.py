"""Writes of review cycles and reviews (SPEC §2.5; issue 10 items 1, 2, 7, 9).

Every service: checks the version the writer read (``expected_version``; a stale one raises
``StaleVersionError``, nothing written), the actor (``PermissionDenied``), refuses a finalised
review (``ReviewLocked``, the API answers 409), validates (``ValidationError({field:
[message]})``, nothing written), writes in one transaction and records an audit entry.

Decisions (documented here, shown on the pages):

- **Population** of a cycle: the active reps of its teams (the whole company when no team is
  given) and the *selling managers* — active managers of those teams (or working in them) who
  have a target for a period inside the cycle's period or signed an order in it. HR and
  admins are never reviewed.
- **Reviewing manager**: the first manager (by id) of the person's team other than the person
  themself; none for a manager who is their team's only manager — then HR does the manager
  part. The manager part may be done by the reviewing manager, any manager of the person's
  team, or HR/admin; never by the person, never by a rep.
- **Self and manager parts**: saved as drafts, then submitted (every indicator scored 0–100).
  A submitted part is no longer edited, until HR reopens the review.
- **Customer part** = the mean satisfaction of the person's answered surveys of the quarter.
  It is complete when at least one drawn survey is answered and none is still waiting, or
  when the survey deadline has passed with at least one answer. No answer at all → the part is
  missing: HR waits or waives it.
- **Finalising** (HR/admin, SPEC): refused while a part that is not waived is missing, naming
  it. Finalised → locked; HR reopens with a reason (status "reopened": the parts can be edited
  and resubmitted, then HR finalises again).
- A **closed** cycle refuses self and manager edits; HR may still waive, finalise and reopen.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Team, User
from apps.core.choices import Role
from apps.core.models import AuditEntry
from apps.core.services import audit_record, audit_value, require_known_fields
from apps.core.versions import check_version
from apps.performance import periods
from apps.performance.choices import CYCLE_KPIS, Cycle, Kpi
from apps.performance.models import Target
from apps.performance.selectors import scheme_for_period
from apps.reviews import calculations, permissions
from apps.reviews.choices import CalibrationScope, CycleKind, CycleStatus, Part, ReviewStatus
from apps.reviews.exceptions import ReviewLocked
from apps.reviews.models import AnnualScheme, Review, ReviewCycle, ReviewIndicator
from apps.sales.models import Order
from apps.scorecards.models import Scorecard
from apps.surveys.selectors import satisfaction_by_rep, survey_progress
from apps.surveys.services import surveys_sample

__all__ = [
    "ReviewLocked",
    "annual_reviews_compute",
    "annual_scheme_create",
    "annual_scheme_update",
    "customer_parts_refresh",
    "missing_parts",
    "quarterly_indicator_weights",
    "cycle_close",
    "cycle_open",
    "cycle_update",
    "review_finalise",
    "review_refresh_customer_part",
    "review_reopen",
    "review_save_manager",
    "review_save_self",
    "review_submit_manager",
    "review_submit_self",
    "review_waive_part",
]

HUNDRED = Decimal("100")
ZERO = Decimal("0")

#: What ``cycle_update`` may change.
CYCLE_UPDATE_FIELDS = (
    "name",
    "self_weight",
    "manager_weight",
    "customer_weight",
    "survey_sample_min",
    "survey_sample_max",
    "self_due",
    "manager_due",
    "survey_due",
    "finalise_due",
    "calibration_scope",
    "a_percent",
    "c_percent",
    "annual_scheme",
)
WEIGHT_FIELDS = ("self_weight", "manager_weight", "customer_weight")
DUE_FIELDS = ("self_due", "manager_due", "survey_due", "finalise_due")
ANNUAL_WEIGHT_FIELDS = ("quarterly_weight", "growth_weight", "capability_weight")
SCHEME_UPDATE_FIELDS = ("name", "effective_from", *ANNUAL_WEIGHT_FIELDS, "notes")

PART_WEIGHT_FIELD = {
    Part.SELF: "self_weight",
    Part.MANAGER: "manager_weight",
    Part.CUSTOMER: "customer_weight",
}


# --- helpers -----------------------------------------------------------------------------------


def _decimal(value, field: str, errors: dict, *, minimum=ZERO, maximum=HUNDRED) -> Decimal | None:
    """``value`` as a Decimal in [minimum, maximum], or an error under ``field``."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if number < minimum or number > maximum:
        errors.setdefault(field, []).append(
            _("Enter a value from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}
        )
        return None
    return number


def _int(value, field: str, errors: dict, *, minimum=1, maximum=100) -> int | None:
    try:
        number = int(value)
        if str(number) != str(value).strip() and not isinstance(value, int):
            raise ValueError
    except (ValueError, TypeError):
        errors.setdefault(field, []).append(_("Enter a whole number."))
        return None
    if number < minimum or number > maximum:
        errors.setdefault(field, []).append(
            _("Enter a value from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}
        )
        return None
    return number


def _require_hr(actor, message) -> None:
    if not permissions.can_manage_cycles(actor):
        raise PermissionDenied(message)


def _require_unlocked(review: Review) -> None:
    if review.locked:
        raise ReviewLocked()


def _lock_review(review: Review, expected_version) -> Review:
    """Check the version (locks the row when one is given) and return the review as it is now
    (re-read under a row lock)."""
    check_version(review, expected_version)
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle", "person")
        .get(pk=review.pk)
    )


def _now():
    return timezone.now()


def _missing_message(part: str) -> str:
    """Why a review cannot be finalised yet, naming the part."""
    if part == Part.SELF:
        return _("The self-review is missing: wait for it or waive it with a reason.")
    if part == Part.MANAGER:
        return _("The manager review is missing: wait for it or waive it with a reason.")
    return _(
        "The customer part is missing (no survey answered yet, or some still waiting): wait "
        "for it or waive it with a reason."
    )


def _kpi_label(kpi: str) -> str:
    try:
        return str(Kpi(kpi).label)
    except ValueError:
        return kpi


def _validate_cycle_values(values: dict, errors: dict) -> None:
    """Weights sum to 100, sample sizes, grade shares and deadlines in order (``values`` holds
    every field; errors under the field names)."""
    weights = {}
    for field in WEIGHT_FIELDS:
        weights[field] = _decimal(values[field], field, errors)
    if all(w is not None for w in weights.values()) and sum(weights.values()) != HUNDRED:
        errors.setdefault("self_weight", []).append(
            _("The self, manager and customer weights must add up to 100 (now %(sum)s).")
            % {"sum": sum(weights.values())}
        )
    values.update({k: v for k, v in weights.items() if v is not None})
    low = _int(values["survey_sample_min"], "survey_sample_min", errors, minimum=1, maximum=200)
    high = _int(values["survey_sample_max"], "survey_sample_max", errors, minimum=1, maximum=200)
    if low is not None and high is not None and high < low:
        errors.setdefault("survey_sample_max", []).append(
            _("The largest sample cannot be smaller than the smallest (%(min)s).") % {"min": low}
        )
    values["survey_sample_min"], values["survey_sample_max"] = low, high
    a_share = _decimal(values["a_percent"], "a_percent", errors)
    c_share = _decimal(values["c_percent"], "c_percent", errors)
    if a_share is not None and c_share is not None and a_share + c_share > HUNDRED:
        errors.setdefault("c_percent", []).append(
            _("The shares of A and C grades together cannot exceed 100%.")
        )
    values["a_percent"], values["c_percent"] = a_share, c_share
    if values["calibration_scope"] not in CalibrationScope.values:
        errors.setdefault("calibration_scope", []).append(_("Choose a calibration group."))
    for field in DUE_FIELDS:
        if values[field] is not None and not isinstance(values[field], datetime.date):
            errors.setdefault(field, []).append(_("Enter a date."))
            values[field] = None
    order = [
        ("self_due", "manager_due", _("Manager reviews are due before self-reviews.")),
        ("manager_due", "finalise_due", _("Finalisation is due before the manager reviews.")),
        ("self_due", "finalise_due", _("Finalisation is due before the self-reviews.")),
        ("survey_due", "finalise_due", _("Finalisation is due before the customer surveys.")),
    ]
    for earlier, later, message in order:
        if values[earlier] and values[later] and values[later] < values[earlier]:
            errors.setdefault(later, []).append(message)
    if not str(values.get("name") or "").strip():
        errors.setdefault("name", []).append(_("Give the cycle a name."))


def _population(period: periods.Period, team_ids: list[int]) -> list[User]:
    """The active reps of the teams and the selling managers (see the module docstring)."""

    in_teams = Q() if not team_ids else Q(team_id__in=team_ids)
    reps = Q(role=Role.REP) & in_teams
    keys = [period.key, *(m.key for m in period.months())]
    if period.kind == periods.QUARTER:
        keys.append(period.containing(periods.YEAR).key)
    else:
        keys += [q.key for q in period.quarters()]
    selling = Q(pk__in=Target.objects.filter(period_key__in=keys).values("rep_id")) | Q(
        pk__in=Order.objects.filter(signed_on__gte=period.start, signed_on__lt=period.end).values(
            "owner_id"
        )
    )
    managers = Q(role=Role.MANAGER) & selling
    if team_ids:
        managers &= Q(team_id__in=team_ids) | Q(managed_teams__in=team_ids)
    return list(
        User.objects.filter(is_active=True, is_superuser=False)
        .filter(reps | managers)
        .distinct()
        .order_by("pk")
    )


def _reviewing_managers(people: list[User]) -> dict[int, int | None]:
    """``{person id: manager id}``: the first manager of the person's team (not themself)."""
    team_ids = {p.team_id for p in people if p.team_id}
    by_team: dict[int, list[int]] = {}
    for team_id, manager_id in (
        Team.managers.through.objects.filter(team_id__in=team_ids)
        .order_by("user_id")
        .values_list("team_id", "user_id")
    ):
        by_team.setdefault(team_id, []).append(manager_id)
    out = {}
    for person in people:
        candidates = [m for m in by_team.get(person.team_id, []) if m != person.pk]
        out[person.pk] = candidates[0] if candidates else None
    return out


def quarterly_indicator_weights(period: periods.Period) -> dict[str, Decimal]:
    """``{kpi: weight}`` of the quarterly weight scheme in force at the quarter's start (its
    quarterly KPIs, heaviest first); equal weights of the four quarterly KPIs without one."""

    scheme = scheme_for_period(Cycle.QUARTERLY, period)
    allowed = CYCLE_KPIS[Cycle.QUARTERLY]
    if scheme is not None:
        items = [item for item in scheme.items.all() if item.kpi in allowed]
        if items:
            return {item.kpi: item.weight for item in items}
    equal = calculations.quantize(HUNDRED / len(allowed))
    return dict.fromkeys(allowed, equal)


def _computed_scores(period_key: str, person_ids) -> dict[int, dict]:
    """``{person id: kpi_scores}`` of the quarter scorecards (one query)."""

    return dict(
        Scorecard.objects.filter(period_key=period_key, rep_id__in=list(person_ids)).values_list(
            "rep_id", "kpi_scores"
        )
    )


def _kpi_score(kpi_scores: dict | None, kpi: str) -> Decimal | None:
    entry = (kpi_scores or {}).get(kpi) or {}
    value = entry.get("score") if isinstance(entry, dict) else None
    try:
        return None if value in (None, "") else calculations.quantize(Decimal(str(value)))
    except InvalidOperation:
        return None


def _draw_surveys(cycle: ReviewCycle, people: list[User], actor) -> int:
    """Draw the customer surveys of a quarter cycle through the surveys app."""
    drawn = surveys_sample(
        period_key=cycle.period_key,
        seed=cycle.seed,
        reps=people,
        minimum=cycle.survey_sample_min,
        maximum=cycle.survey_sample_max,
        actor=actor,
    )
    return len(drawn or [])


def _overlapping_cycle(kind: str, period_key: str, team_ids: list[int], exclude=None):
    """An open cycle of the same kind and period whose population overlaps ``team_ids``."""
    queryset = ReviewCycle.objects.filter(kind=kind, period_key=period_key, status=CycleStatus.OPEN)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    for cycle in queryset.prefetch_related("teams"):
        theirs = {t.pk for t in cycle.teams.all()}
        if not theirs or not team_ids or theirs & set(team_ids):
            return cycle
    return None


def _annual_scheme_in_force(on_date: datetime.date) -> AnnualScheme | None:
    return (
        AnnualScheme.objects.filter(effective_from__lte=on_date)
        .order_by("-effective_from", "-pk")
        .first()
    )


def _annual_weights(cycle: ReviewCycle) -> dict[str, Decimal]:
    scheme = cycle.annual_scheme
    if scheme is None:
        return dict(calculations.DEFAULT_ANNUAL_WEIGHTS)
    return {
        "quarterly": scheme.quarterly_weight,
        "growth": scheme.growth_weight,
        "capability": scheme.capability_weight,
    }


def _cycle_weights(cycle: ReviewCycle) -> dict[str, Decimal]:
    return {
        Part.SELF: cycle.self_weight,
        Part.MANAGER: cycle.manager_weight,
        Part.CUSTOMER: cycle.customer_weight,
    }


# --- cycles ------------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(
    *,
    actor,
    name,
    kind,
    period_key,
    teams=(),
    seed=None,
    self_weight=30,
    manager_weight=50,
    customer_weight=20,
    survey_sample_min=10,
    survey_sample_max=15,
    self_due=None,
    manager_due=None,
    survey_due=None,
    finalise_due=None,
    calibration_scope="company",
    a_percent=10,
    c_percent=10,
    annual_scheme=None,
) -> ReviewCycle:
    """Open a cycle (HR/admin) and create one review per person of its population (see the
    module docstring), with the reviewing manager. Quarter cycles: the quarterly indicators
    pre-filled from the quarter scorecards and the customer surveys drawn (reproducible from
    ``seed``, random when none is given). Year cycles: the annual reviews computed. Refused:
    a period key not of the kind ("2026-Q3" for a quarter, "2026" for a year), weights not
    adding up to 100, deadlines out of order, an open cycle of the same kind and period whose
    population overlaps this one."""
    _require_hr(actor, _("Only HR and admins open review cycles."))
    errors: dict[str, list[str]] = {}
    if kind not in CycleKind.values:
        errors["kind"] = [_("Choose quarterly 360° review or annual review.")]
    period = None
    try:
        period = periods.parse_period(str(period_key or ""))
    except ValueError as exc:
        errors["period_key"] = [str(exc)]
    if period is not None and kind in CycleKind.values:
        wanted = periods.QUARTER if kind == CycleKind.QUARTER else periods.YEAR
        if period.kind != wanted:
            errors["period_key"] = [
                _("A quarterly review needs a quarter, like 2026-Q3.")
                if kind == CycleKind.QUARTER
                else _("An annual review needs a year, like 2026.")
            ]
    values = {
        "name": str(name or "").strip(),
        "self_weight": self_weight,
        "manager_weight": manager_weight,
        "customer_weight": customer_weight,
        "survey_sample_min": survey_sample_min,
        "survey_sample_max": survey_sample_max,
        "self_due": self_due,
        "manager_due": manager_due,
        "survey_due": survey_due,
        "finalise_due": finalise_due,
        "calibration_scope": calibration_scope,
        "a_percent": a_percent,
        "c_percent": c_percent,
    }
    _validate_cycle_values(values, errors)
    team_ids = sorted({getattr(t, "pk", t) for t in teams or ()})
    if team_ids and Team.objects.filter(pk__in=team_ids).count() != len(team_ids):
        errors.setdefault("teams", []).append(_("Choose existing teams."))
    if annual_scheme is not None and kind != CycleKind.YEAR:
        errors.setdefault("annual_scheme", []).append(
            _("Only an annual review uses an annual weight scheme.")
        )
    if period is not None and "period_key" not in errors and "kind" not in errors:
        clash = _overlapping_cycle(kind, period.key, team_ids)
        if clash is not None:
            errors.setdefault("teams" if team_ids else "period_key", []).append(
                _("“%(name)s” is already open for %(period)s and (some of) these people.")
                % {"name": clash.name, "period": period.key}
            )
    if errors:
        raise ValidationError(errors)

    if kind == CycleKind.YEAR and annual_scheme is None:
        annual_scheme = _annual_scheme_in_force(period.last_day)
    seed_text = str(seed).strip() if seed not in (None, "") else secrets.token_hex(8)
    cycle = ReviewCycle.objects.create(
        kind=kind,
        period_key=period.key,
        seed=seed_text[:64],
        annual_scheme=annual_scheme,
        annual_scheme_version=annual_scheme.version if annual_scheme else None,
        created_by=actor,
        **values,
    )
    if team_ids:
        cycle.teams.set(team_ids)

    people = _population(period, team_ids)
    managers = _reviewing_managers(people)
    reviews = Review.objects.bulk_create(
        [Review(cycle=cycle, person=p, manager_id=managers[p.pk]) for p in people]
    )
    drawn = 0
    if kind == CycleKind.QUARTER:
        weights = quarterly_indicator_weights(period)
        computed = _computed_scores(period.key, [p.pk for p in people])
        ReviewIndicator.objects.bulk_create(
            [
                ReviewIndicator(
                    review=review,
                    kpi=kpi,
                    weight=weight,
                    computed_score=_kpi_score(computed.get(review.person_id), kpi),
                )
                for review in reviews
                for kpi, weight in weights.items()
            ]
        )
        drawn = _draw_surveys(cycle, people, actor)
    else:
        annual_reviews_compute(cycle=cycle, actor=actor)
    audit_record(
        actor=actor,
        action="review.cycle_open",
        target=cycle,
        changes={
            "kind": [None, cycle.kind],
            "period_key": [None, cycle.period_key],
            "teams": [None, team_ids],
            "reviews": [None, len(reviews)],
            "surveys": [None, drawn],
        },
    )
    return cycle


@transaction.atomic
def cycle_update(*, actor, cycle, expected_version, **fields) -> ReviewCycle:
    """Change a cycle's name, weights, sample sizes, deadlines, grade shares, calibration
    group or annual scheme (HR/admin), audited with old and new values. Weights are refused
    once any review of the cycle is finalised; the scores of the others follow them."""
    check_version(cycle, expected_version)
    _require_hr(actor, _("Only HR and admins change review cycles."))
    require_known_fields(fields, CYCLE_UPDATE_FIELDS)
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    values = {name: getattr(cycle, name) for name in CYCLE_UPDATE_FIELDS}
    values.update(fields)
    errors: dict[str, list[str]] = {}
    _validate_cycle_values(values, errors)
    weights_change = not any(f in errors for f in WEIGHT_FIELDS) and any(
        field in fields and values[field] != getattr(cycle, field) for field in WEIGHT_FIELDS
    )
    if weights_change and cycle.reviews.filter(status=ReviewStatus.FINALISED).exists():
        errors.setdefault("self_weight", []).append(
            _("The weights cannot change: a review of this cycle is already finalised.")
        )
    if values.get("annual_scheme") is not None and cycle.kind != CycleKind.YEAR:
        errors.setdefault("annual_scheme", []).append(
            _("Only an annual review uses an annual weight scheme.")
        )
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name in CYCLE_UPDATE_FIELDS:
        old, new = getattr(cycle, name), values[name]
        if old != new:
            changes[name] = [audit_value(old), audit_value(new)]
            setattr(cycle, name, new)
    if not changes:
        return cycle
    if "annual_scheme" in changes:
        cycle.annual_scheme_version = cycle.annual_scheme.version if cycle.annual_scheme else None
    cycle.save()
    cycle.refresh_from_db()
    audit_record(actor=actor, action="review.cycle_update", target=cycle, changes=changes)
    if cycle.kind == CycleKind.QUARTER and any(f in changes for f in WEIGHT_FIELDS):
        for review in cycle.reviews.exclude(status=ReviewStatus.FINALISED).select_related("cycle"):
            _rescore(review)
            review.save()
    if cycle.kind == CycleKind.YEAR and "annual_scheme" in changes:
        annual_reviews_compute(cycle=cycle, actor=actor)
    return cycle


@transaction.atomic
def cycle_close(*, actor, cycle, expected_version) -> ReviewCycle:
    """Close a cycle (HR/admin): no more self or manager edits (HR may still waive, finalise
    and reopen its reviews). Its reviews need not all be finalised."""
    check_version(cycle, expected_version)
    _require_hr(actor, _("Only HR and admins close review cycles."))
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationError({"status": [_("This review cycle is already closed.")]})
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status", "updated_at"])
    cycle.refresh_from_db()
    audit_record(
        actor=actor,
        action="review.cycle_close",
        target=cycle,
        changes={"status": [CycleStatus.OPEN, CycleStatus.CLOSED]},
    )
    return cycle


# --- annual schemes ----------------------------------------------------------------------------


def _validate_scheme(values: dict, errors: dict) -> None:
    if not str(values.get("name") or "").strip():
        errors.setdefault("name", []).append(_("Give the scheme a name."))
    if not isinstance(values.get("effective_from"), datetime.date):
        errors.setdefault("effective_from", []).append(_("Enter the date it is in force from."))
    weights = {f: _decimal(values[f], f, errors) for f in ANNUAL_WEIGHT_FIELDS}
    if all(w is not None for w in weights.values()) and sum(weights.values()) != HUNDRED:
        errors.setdefault("quarterly_weight", []).append(
            _("The three weights must add up to 100 (now %(sum)s).")
            % {"sum": sum(weights.values())}
        )
    values.update({k: v for k, v in weights.items() if v is not None})


@transaction.atomic
def annual_scheme_create(
    *,
    actor,
    name,
    effective_from,
    quarterly_weight=Decimal("60"),
    growth_weight=Decimal("20"),
    capability_weight=Decimal("20"),
    notes="",
) -> AnnualScheme:
    """HR/admin create an annual weight scheme (weights add up to 100), audited."""
    _require_hr(actor, _("Only HR and admins set annual weight schemes."))
    values = {
        "name": str(name or "").strip(),
        "effective_from": effective_from,
        "quarterly_weight": quarterly_weight,
        "growth_weight": growth_weight,
        "capability_weight": capability_weight,
        "notes": notes or "",
    }
    errors: dict[str, list[str]] = {}
    _validate_scheme(values, errors)
    if errors:
        raise ValidationError(errors)
    scheme = AnnualScheme.objects.create(created_by=actor, **values)
    audit_record(
        actor=actor,
        action="review.scheme_create",
        target=scheme,
        changes={k: [None, audit_value(v)] for k, v in values.items()},
    )
    return scheme


@transaction.atomic
def annual_scheme_update(*, actor, scheme, expected_version, **fields) -> AnnualScheme:
    """HR/admin change an annual weight scheme (weights add up to 100), audited. Cycles that
    used it keep the version they recorded."""
    check_version(scheme, expected_version)
    _require_hr(actor, _("Only HR and admins set annual weight schemes."))
    require_known_fields(fields, SCHEME_UPDATE_FIELDS)
    scheme = AnnualScheme.objects.select_for_update().get(pk=scheme.pk)
    values = {name: getattr(scheme, name) for name in SCHEME_UPDATE_FIELDS}
    values.update(fields)
    errors: dict[str, list[str]] = {}
    _validate_scheme(values, errors)
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name in SCHEME_UPDATE_FIELDS:
        if getattr(scheme, name) != values[name]:
            changes[name] = [audit_value(getattr(scheme, name)), audit_value(values[name])]
            setattr(scheme, name, values[name])
    if changes:
        scheme.save()
        scheme.refresh_from_db()
        audit_record(actor=actor, action="review.scheme_update", target=scheme, changes=changes)
    return scheme


# --- reviews: scoring --------------------------------------------------------------------------


def _parts_in(review: Review) -> dict[str, Decimal | None]:
    """The parts that count: a rater's part once submitted, the customer part once complete."""
    return {
        Part.SELF: review.self_part if review.self_submitted_at else None,
        Part.MANAGER: review.manager_part if review.manager_submitted_at else None,
        Part.CUSTOMER: review.customer_part if review.customer_completed_at else None,
    }


def _rescore(review: Review) -> None:
    """Set the quarterly review's score, applied weights and status from its state (no save)."""
    if review.cycle.kind != CycleKind.QUARTER:
        return
    score, effective = calculations.quarterly_score(
        _parts_in(review), _cycle_weights(review.cycle), waived=set(review.waivers or {})
    )
    review.score = score
    review.effective_weights = {part: str(weight) for part, weight in effective.items()}
    review.status = _derived_status(review)


def _derived_status(review: Review) -> str:
    if review.status in (ReviewStatus.FINALISED, ReviewStatus.REOPENED):
        return review.status
    waived = set(review.waivers or {})
    self_done = bool(review.self_submitted_at) or Part.SELF in waived
    manager_done = bool(review.manager_submitted_at) or Part.MANAGER in waived
    customer_done = bool(review.customer_completed_at) or Part.CUSTOMER in waived
    if self_done and manager_done and customer_done:
        return ReviewStatus.CUSTOMER_COMPLETE
    if review.manager_submitted_at:
        return ReviewStatus.MANAGER_SUBMITTED
    if review.self_submitted_at:
        return ReviewStatus.SELF_SUBMITTED
    return ReviewStatus.OPEN


def missing_parts(review: Review) -> list[str]:
    """The parts of a quarterly review that are neither in nor waived (display order)."""
    return calculations.missing_parts(
        _parts_in(review), _cycle_weights(review.cycle), waived=set(review.waivers or {})
    )


# --- reviews: self and manager parts -----------------------------------------------------------


def _parse_scores(review: Review, scores, errors: dict) -> dict[str, tuple]:
    """``{kpi: (Decimal|None, comment)}`` validated against the review's indicators."""
    if not isinstance(scores, dict):
        errors.setdefault("scores", []).append(_("Send a score and comment per indicator."))
        return {}
    indicators = {i.kpi for i in review.indicators.all()}
    unknown = sorted(set(scores) - indicators)
    if unknown:
        errors.setdefault("scores", []).append(
            _("This review has no indicator %(kpi)s.") % {"kpi": ", ".join(map(str, unknown))}
        )
    parsed = {}
    for kpi, entry in scores.items():
        if kpi not in indicators:
            continue
        if isinstance(entry, dict):
            raw, comment = entry.get("score"), entry.get("comment", "")
        elif isinstance(entry, list | tuple) and len(entry) == 2:
            raw, comment = entry
        else:
            raw, comment = entry, ""
        value = None
        if raw not in (None, ""):
            field_errors: dict = {}
            value = _decimal(raw, "score", field_errors)
            if field_errors or (value is not None and value != value.quantize(Decimal("0.01"))):
                errors.setdefault(f"score_{kpi}", []).append(
                    _("%(indicator)s: enter a score from 0 to 100 (at most 2 decimals).")
                    % {"indicator": _kpi_label(kpi)}
                )
                continue
        parsed[kpi] = (value, str(comment or "").strip())
    return parsed


def _part_for_writing(
    *, actor, review, expected_version, part: str, denied: str, already: str
) -> Review:
    """Lock ``review`` and refuse a write to its ``part``, saying why: another rater
    (``denied``), a finalised review, an annual review, a closed cycle, a part submitted already
    (``already``; a reopened review may change it again) or waived by HR."""
    review = _lock_review(review, expected_version)
    if part == Part.SELF:
        allowed = permissions.is_self_rater(actor, review)
    else:
        allowed = permissions.is_manager_rater(actor, review)
    if not allowed:
        raise PermissionDenied(denied)
    _require_unlocked(review)
    if review.cycle.kind != CycleKind.QUARTER:
        raise ValidationError({"scores": [_("An annual review has no indicators to score.")]})
    if review.cycle.status == CycleStatus.CLOSED:
        raise ValidationError({"scores": [_("This review cycle is closed.")]})
    if getattr(review, f"{part}_submitted_at") and review.status != ReviewStatus.REOPENED:
        raise ValidationError({"scores": [already]})
    if part in (review.waivers or {}):
        raise ValidationError({"scores": [_("HR waived this part.")]})
    return review


def _save_part(*, actor, review, expected_version, summary, scores, part: str) -> Review:
    review = _part_for_writing(
        actor=actor,
        review=review,
        expected_version=expected_version,
        part=part,
        denied=(
            _("Only the person reviewed writes their self-review.")
            if part == Part.SELF
            else _("Only the person's manager or HR writes the manager review.")
        ),
        already=_("This part is already submitted; HR can reopen the review."),
    )
    submitted = getattr(review, f"{part}_submitted_at")
    errors: dict[str, list[str]] = {}
    parsed = _parse_scores(review, scores or {}, errors)
    if errors:
        raise ValidationError(errors)
    score_field, comment_field = f"{part}_score", f"{part}_comment"
    summary_field = f"{part}_summary"
    changes = {}
    changed_rows = []
    for indicator in review.indicators.all():
        if indicator.kpi not in parsed:
            continue
        value, comment = parsed[indicator.kpi]
        old_value, old_comment = getattr(indicator, score_field), getattr(indicator, comment_field)
        if old_value != value or old_comment != comment:
            if old_value != value:
                changes[f"{score_field}.{indicator.kpi}"] = [
                    audit_value(old_value),
                    audit_value(value),
                ]
            if old_comment != comment:
                changes[f"{comment_field}.{indicator.kpi}"] = [old_comment, comment]
            setattr(indicator, score_field, value)
            setattr(indicator, comment_field, comment)
            changed_rows.append(indicator)
    if changed_rows:
        ReviewIndicator.objects.bulk_update(changed_rows, [score_field, comment_field])
    summary = str(summary or "").strip() if summary is not None else getattr(review, summary_field)
    if summary != getattr(review, summary_field):
        changes[summary_field] = [getattr(review, summary_field), summary]
        setattr(review, summary_field, summary)
    if submitted:  # a reopened review: keep the submitted part in step
        setattr(review, f"{part}_part", _rater_part(review, part))
        _rescore(review)
    review.save()
    review.refresh_from_db()
    if changes:
        audit_record(
            actor=actor,
            action="review.self_save" if part == Part.SELF else "review.manager_save",
            target=review,
            subject_user=review.person,
            changes=changes,
        )
    return review


def _rater_part(review: Review, part: str) -> Decimal | None:
    return calculations.rater_part(
        (i.weight, getattr(i, f"{part}_score")) for i in review.indicators.all()
    )


def _submit_part(*, actor, review, expected_version, part: str) -> Review:
    review = _part_for_writing(
        actor=actor,
        review=review,
        expected_version=expected_version,
        part=part,
        denied=(
            _("Only the person reviewed submits their self-review.")
            if part == Part.SELF
            else _("Only the person's manager or HR submits the manager review.")
        ),
        already=_("This part is already submitted."),
    )
    submitted_field = f"{part}_submitted_at"
    indicators = list(review.indicators.all())
    if not indicators:
        raise ValidationError({"scores": [_("This review has no indicators to score.")]})
    unscored = [i for i in indicators if getattr(i, f"{part}_score") is None]
    if unscored:
        raise ValidationError(
            {
                f"score_{i.kpi}": [
                    _("%(indicator)s: enter a score before submitting.")
                    % {"indicator": _kpi_label(i.kpi)}
                ]
                for i in unscored
            }
        )
    old_part = getattr(review, f"{part}_part")
    setattr(review, f"{part}_part", _rater_part(review, part))
    setattr(review, submitted_field, _now())
    if part == Part.MANAGER:
        _refresh_customer(review)
    old_score = review.score
    _rescore(review)
    review.save()
    review.refresh_from_db()
    audit_record(
        actor=actor,
        action="review.self_submit" if part == Part.SELF else "review.manager_submit",
        target=review,
        subject_user=review.person,
        changes={
            f"{part}_part": [audit_value(old_part), audit_value(getattr(review, f"{part}_part"))],
            "score": [audit_value(old_score), audit_value(review.score)],
        },
    )
    return review


@transaction.atomic
def review_save_self(*, actor, review, expected_version, summary, scores: dict) -> Review:
    """Save the self part as a draft (the person only; not once submitted, unless reopened):
    ``scores`` maps kpi → (score 0–100 or None, comment); ``summary`` is the self-reflection
    on the gap to target. Only the indicators given change; each change is audited."""
    return _save_part(
        actor=actor,
        review=review,
        expected_version=expected_version,
        summary=summary,
        scores=scores,
        part=Part.SELF,
    )


@transaction.atomic
def review_submit_self(*, actor, review, expected_version) -> Review:
    """Submit the self part: every indicator must have a self score (the message names each
    one missing). Sets the self part (weighted mean) and the status."""
    return _submit_part(
        actor=actor, review=review, expected_version=expected_version, part=Part.SELF
    )


@transaction.atomic
def review_save_manager(*, actor, review, expected_version, summary, scores: dict) -> Review:
    """Save the manager part as a draft (the reviewing manager, a manager of the person's
    team, or HR/admin; never the person, never a rep). Shapes as :func:`review_save_self`."""
    return _save_part(
        actor=actor,
        review=review,
        expected_version=expected_version,
        summary=summary,
        scores=scores,
        part=Part.MANAGER,
    )


@transaction.atomic
def review_submit_manager(*, actor, review, expected_version) -> Review:
    """Submit the manager part: every indicator must have a manager score. Also refreshes the
    customer part."""
    return _submit_part(
        actor=actor, review=review, expected_version=expected_version, part=Part.MANAGER
    )


# --- reviews: customer part --------------------------------------------------------------------


def _survey_state(period_key: str, person_ids) -> tuple[dict, dict]:
    """(``{rep_id: {"sampled", "answered", "cancelled"}}``, ``{rep_id: satisfaction}``) from
    the surveys app."""
    ids = list(person_ids)
    return (
        survey_progress(period_key=period_key, rep_ids=ids),
        satisfaction_by_rep(period_keys=[period_key], rep_ids=ids),
    )


def _apply_customer(review: Review, progress: dict | None, satisfaction, today) -> bool:
    """Set the customer part from survey figures; True when something changed."""
    progress = progress or {}
    answered = int(progress.get("answered") or 0)
    sampled = int(progress.get("sampled") or 0)
    cancelled = int(progress.get("cancelled") or 0)
    waiting = max(sampled - answered - cancelled, 0)
    value = calculations.quantize(Decimal(str(satisfaction))) if satisfaction is not None else None
    due = review.cycle.survey_due
    complete = answered >= 1 and value is not None and (waiting == 0 or (due and today > due))
    before = (review.customer_part, review.customer_completed_at)
    review.customer_part = value
    if complete and not review.customer_completed_at:
        review.customer_completed_at = _now()
    elif not complete:
        review.customer_completed_at = None
    return before != (review.customer_part, review.customer_completed_at)


def _refresh_customer(review: Review) -> bool:
    if review.cycle.kind != CycleKind.QUARTER:
        return False
    progress, satisfaction = _survey_state(review.cycle.period_key, [review.person_id])
    return _apply_customer(
        review,
        progress.get(review.person_id),
        satisfaction.get(review.person_id),
        timezone.localdate(),
    )


@transaction.atomic
def review_refresh_customer_part(*, review) -> Review:
    """Recompute the customer part from the person's surveys of the quarter (the mean
    satisfaction of the answered ones; complete when none is still waiting, or when the survey
    deadline has passed with at least one answer). A finalised review is left as it is.
    System call: no actor, no version; audited when the part changes."""
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=review.pk)
    )
    if review.locked or review.cycle.kind != CycleKind.QUARTER:
        return review
    before = review.customer_part
    if _refresh_customer(review):
        _rescore(review)
        review.save()
        review.refresh_from_db()
        audit_record(
            actor=None,
            action="review.customer_part",
            target=review,
            subject_user=review.person,
            changes={"customer_part": [audit_value(before), audit_value(review.customer_part)]},
        )
    return review


@transaction.atomic
def customer_parts_refresh(*, cycle) -> int:
    """:func:`review_refresh_customer_part` for every open review of a quarter cycle (two
    survey queries for the whole cycle); returns how many changed."""
    if cycle.kind != CycleKind.QUARTER:
        return 0
    reviews = list(
        Review.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .filter(cycle=cycle)
        .exclude(status=ReviewStatus.FINALISED)
    )
    progress, satisfaction = _survey_state(cycle.period_key, [r.person_id for r in reviews])
    today = timezone.localdate()
    changed = 0
    for review in reviews:
        before = review.customer_part
        if _apply_customer(
            review, progress.get(review.person_id), satisfaction.get(review.person_id), today
        ):
            _rescore(review)
            review.save()
            audit_record(
                actor=None,
                action="review.customer_part",
                target=review,
                subject_user=review.person,
                changes={"customer_part": [audit_value(before), audit_value(review.customer_part)]},
            )
            changed += 1
    return changed


# --- reviews: HR -------------------------------------------------------------------------------


@transaction.atomic
def review_waive_part(*, actor, review, part, reason, expected_version) -> Review:
    """HR/admin waive a part of a quarterly review with a reason (e.g. no customer answered):
    it drops out and the other weights renormalise (``effective_weights``). At least one part
    must remain."""
    review = _lock_review(review, expected_version)
    if not permissions.is_hr_or_admin(actor):
        raise PermissionDenied(_("Only HR waives a part of a review."))
    _require_unlocked(review)
    errors: dict[str, list[str]] = {}
    if review.cycle.kind != CycleKind.QUARTER:
        errors["part"] = [_("Only a quarterly review has parts to waive.")]
    elif part not in Part.values:
        errors["part"] = [_("Choose the self, manager or customer part.")]
    elif part in (review.waivers or {}):
        errors["part"] = [_("This part is already waived.")]
    else:
        remaining = calculations.renormalise(
            _cycle_weights(review.cycle), drop={*(review.waivers or {}), part}
        )
        if not remaining:
            errors["part"] = [_("At least one part with a weight must count.")]
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why this part is waived.")]
    if errors:
        raise ValidationError(errors)
    old_weights = dict(review.effective_weights or {})
    waivers = dict(review.waivers or {})
    waivers[part] = {"reason": reason, "by": actor.pk, "at": _now().isoformat()}
    review.waivers = waivers
    _rescore(review)
    review.save()
    review.refresh_from_db()
    audit_record(
        actor=actor,
        action="review.waive",
        target=review,
        subject_user=review.person,
        changes={
            "waived": [None, part],
            "effective_weights": [old_weights, review.effective_weights],
        },
        reason=reason,
    )
    return review


@transaction.atomic
def review_finalise(*, actor, review, expected_version) -> Review:
    """HR/admin finalise (lock) a review. Quarterly: the customer part is refreshed first;
    refused while a part is neither in nor waived (the message names it). Annual: refused
    without a score."""
    review = _lock_review(review, expected_version)
    if not permissions.is_hr_or_admin(actor):
        raise PermissionDenied(_("Only HR finalises reviews."))
    _require_unlocked(review)
    if review.cycle.kind == CycleKind.QUARTER:
        _refresh_customer(review)
        _rescore(review)
        missing = missing_parts(review)
        if missing:
            raise ValidationError({"part": [_missing_message(part) for part in missing]})
    elif review.score is None:
        raise ValidationError(
            {"part": [_("This annual review has no score yet: no quarter, growth or capability.")]}
        )
    old_status = review.status
    review.status = ReviewStatus.FINALISED
    review.finalised_at = _now()
    review.finalised_by = actor
    review.save()
    review.refresh_from_db()
    audit_record(
        actor=actor,
        action="review.finalise",
        target=review,
        subject_user=review.person,
        changes={
            "status": [old_status, ReviewStatus.FINALISED],
            "score": [None, audit_value(review.score)],
        },
    )
    return review


@transaction.atomic
def review_reopen(*, actor, review, reason, expected_version) -> Review:
    """HR/admin reopen a finalised review with a reason: its parts can be edited and
    resubmitted, then it is finalised again."""
    review = _lock_review(review, expected_version)
    if not permissions.is_hr_or_admin(actor):
        raise PermissionDenied(_("Only HR reopens reviews."))
    errors = {}
    if not review.locked:
        errors["status"] = [_("Only a finalised review can be reopened.")]
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the review is reopened.")]
    if errors:
        raise ValidationError(errors)
    review.status = ReviewStatus.REOPENED
    review.finalised_at = None
    review.finalised_by = None
    review.reopen_reason = reason
    review.save()
    review.refresh_from_db()
    audit_record(
        actor=actor,
        action="review.reopen",
        target=review,
        subject_user=review.person,
        changes={"status": [ReviewStatus.FINALISED, ReviewStatus.REOPENED]},
        reason=reason,
    )
    return review


# --- annual reviews ----------------------------------------------------------------------------


def annual_reviews_compute(*, cycle, actor=None) -> int:
    """Compute the annual reviews of a year cycle that are not finalised, set-based (three
    reads, one bulk update, one version bump): per person

    - ``quarter_scores``: the finalised 360° scores of the year's quarters (a quarter without
      one — e.g. joined mid-year — is left out, visibly) and ``quarterly_mean`` their mean;
    - ``growth_score``: the sales growth KPI score of the person's year scorecard (against the
      industry growth rate plus the challenge margin);
    - ``capability_score``: the year scorecard's capability KPI score, or its value (0–100);
    - ``score`` by the cycle's annual weight scheme, renormalised over the defined parts.

    Returns how many reviews were computed."""
    if cycle.kind != CycleKind.YEAR:
        return 0

    with transaction.atomic():
        period = periods.parse_period(cycle.period_key, business_range=False)
        quarter_keys = [q.key for q in period.quarters()]
        reviews = list(
            Review.objects.select_for_update(of=("self",))
            .filter(cycle=cycle)
            .exclude(status=ReviewStatus.FINALISED)
            .order_by("pk")
        )
        if not reviews:
            return 0
        person_ids = [r.person_id for r in reviews]
        quarters: dict[int, dict[str, str]] = {}
        for person_id, key, score in (
            Review.objects.filter(
                person_id__in=person_ids,
                cycle__kind=CycleKind.QUARTER,
                cycle__period_key__in=quarter_keys,
                status=ReviewStatus.FINALISED,
                score__isnull=False,
            )
            .order_by("cycle__period_key", "finalised_at", "pk")
            .values_list("person_id", "cycle__period_key", "score")
        ):
            quarters.setdefault(person_id, {})[key] = str(score)
        cards = {
            rep_id: (kpi_scores, capability)
            for rep_id, kpi_scores, capability in Scorecard.objects.filter(
                period_key=period.key, rep_id__in=person_ids
            ).values_list("rep_id", "kpi_scores", "capability_growth")
        }
        weights = _annual_weights(cycle)
        before = {
            r.pk: (r.quarterly_mean, r.growth_score, r.capability_score, r.score) for r in reviews
        }
        for review in reviews:
            included = dict(sorted(quarters.get(review.person_id, {}).items()))
            kpi_scores, capability_value = cards.get(review.person_id, ({}, None))
            growth = _kpi_score(kpi_scores, Kpi.SALES_GROWTH_RATE)
            capability = _kpi_score(kpi_scores, Kpi.CAPABILITY_GROWTH)
            if capability is None and capability_value is not None:
                capability = calculations.quantize(Decimal(capability_value))
            score, effective = calculations.annual_score(included, growth, capability, weights)
            review.quarter_scores = included
            review.quarterly_mean = calculations.mean(included.values())
            review.growth_score = growth
            review.capability_score = capability
            review.score = score
            review.effective_weights = {part: str(w) for part, w in effective.items()}
        Review.objects.bulk_update(
            reviews,
            [
                "quarter_scores",
                "quarterly_mean",
                "growth_score",
                "capability_score",
                "score",
                "effective_weights",
            ],
        )
        Review.objects.filter(pk__in=[r.pk for r in reviews]).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="review.annual_compute",
            target=cycle,
            changes={"reviews": [None, len(reviews)]},
        )
        _audit_annual_changes(actor, reviews, before)
    return len(reviews)


def _audit_annual_changes(actor, reviews: list[Review], before: dict) -> None:
    """One audit entry per annual review whose figures changed (old and new; one insert)."""

    names = ("quarterly_mean", "growth_score", "capability_score", "score")
    content_type = ContentType.objects.get_for_model(Review)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    entries = []
    for review in reviews:
        now = tuple(getattr(review, name) for name in names)
        changes = {
            name: [audit_value(old), audit_value(new)]
            for name, old, new in zip(names, before[review.pk], now, strict=True)
            if old != new
        }
        if changes:
            entries.append(
                AuditEntry(
                    actor_id=actor_id,
                    action="review.annual_score",
                    content_type=content_type,
                    object_id=str(review.pk),
                    subject_user_id=review.person_id,
                    changes=changes,
                )
            )
    AuditEntry.objects.bulk_create(entries)
