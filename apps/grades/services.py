"""Writes of annual grades: propose (set-based), move with a reason, finalise, reopen.

Every write is one transaction that locks the cycle row (so two HR users cannot propose,
finalise and reopen the same cycle at once), refuses changes to finalised grades
(:class:`GradeLocked`, an API 409) and writes an audit entry per grade it changes (who, when,
old, new, reason).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.models import AuditEntry
from apps.core.permissions import require
from apps.core.services import audit_record, audit_value
from apps.core.versions import check_version
from apps.grades import calculations, permissions, selectors
from apps.grades.choices import Grade
from apps.grades.exceptions import GradeLocked
from apps.grades.models import AnnualGrade
from apps.reviews.choices import CycleKind
from apps.reviews.models import ReviewCycle

__all__ = ["grade_move", "grades_finalise", "grades_propose", "grades_reopen"]

#: The fields a proposal (re)computes.
PROPOSAL_FIELDS = (
    "review_id",
    "year",
    "group_key",
    "group_label",
    "group_size",
    "rank",
    "score",
    "quantitative_score",
    "qualitative_score",
    "proposed_grade",
)


def _require_calibrator(actor):
    if actor is None:  # the system (demo data, jobs)
        return
    require(
        permissions.can_calibrate(actor), _("Only HR and admins calibrate and finalise grades.")
    )


def _locked_cycle(cycle) -> ReviewCycle:
    """The cycle row, locked for this transaction; only annual cycles have grades."""
    cycle = ReviewCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.kind != CycleKind.YEAR:
        raise ValidationError({"cycle": [_("Grades are given in an annual review cycle only.")]})
    return cycle


def _audit_many(*, actor, action: str, entries: list[tuple[AnnualGrade, dict]], reason=""):
    """One audit entry per ``(grade, changes)``, written in one INSERT."""
    if not entries:
        return
    content_type = ContentType.objects.get_for_model(AnnualGrade)
    actor = actor if actor is not None and actor.is_authenticated else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                action=action,
                content_type=content_type,
                object_id=str(grade.pk),
                subject_user_id=grade.person_id,
                changes=changes,
                reason=reason,
            )
            for grade, changes in entries
        ]
    )


def _changes(before: dict, after: dict) -> dict:
    return {
        name: [audit_value(before.get(name)), audit_value(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


@transaction.atomic
def grades_propose(*, cycle, actor) -> int:
    """Propose the grades of an annual ``cycle`` by forced distribution (SPEC §2.6), set-based.

    One window-function query ranks everyone in their calibration group
    (:func:`apps.grades.selectors.proposal_rows`), the pure rule gives each rank its grade
    (:func:`apps.grades.calculations.grade_for_rank`), and one upsert writes the grades that
    changed — the same number of queries for 20 or 20,000 people. Idempotent: proposing again
    with the same scores changes nothing. A grade HR moved keeps its grade and reason (only the
    proposal beside it is refreshed). Refused once the cycle's grades are finalised.
    Returns how many grades were created or changed."""
    _require_calibrator(actor)
    cycle = _locked_cycle(cycle)
    existing = {grade.person_id: grade for grade in AnnualGrade.objects.filter(cycle=cycle)}
    if any(grade.finalised for grade in existing.values()):
        raise GradeLocked()
    rows = selectors.proposal_rows(cycle)
    year = selectors.cycle_year(cycle)
    quotas: dict[str, tuple[int, int]] = {}
    now = timezone.now()
    changed: list[tuple[AnnualGrade, dict, dict]] = []
    for row in rows:
        size = row["group_size"]
        if row["group_key"] not in quotas:
            quotas[row["group_key"]] = calculations.grade_counts(
                size, cycle.a_percent, cycle.c_percent
            )
        a_count, c_count = quotas[row["group_key"]]
        values = {
            "review_id": row["pk"],
            "year": year,
            "group_key": row["group_key"],
            "group_label": str(row["group_label"])[:120],
            "group_size": size,
            "rank": row["rank"],
            "score": selectors.as_decimal(row["score"]),
            "quantitative_score": selectors.as_decimal(row["quantitative"]),
            "qualitative_score": selectors.as_decimal(row["quarterly_mean"]),
            "proposed_grade": calculations.grade_for_rank(row["rank"], size, a_count, c_count),
        }
        grade = existing.get(row["person_id"])
        if grade is None:
            before = {}
            grade = AnnualGrade(cycle=cycle, person_id=row["person_id"], version=1)
            grade.created_at = now
            values["grade"] = values["proposed_grade"]
        else:
            before = {name: getattr(grade, name) for name in (*PROPOSAL_FIELDS, "grade")}
            if grade.calibrated_by_id is None:
                values["grade"] = values["proposed_grade"]
            if not _changes(before, values):
                continue
            grade.version += 1
        for name, value in values.items():
            setattr(grade, name, value)
        grade.updated_at = now
        changed.append((grade, before, values))
    if not changed:
        return 0
    AnnualGrade.objects.bulk_create(
        [grade for grade, _before, _values in changed],
        update_conflicts=True,
        unique_fields=["cycle", "person"],
        update_fields=[*PROPOSAL_FIELDS, "grade", "version", "updated_at"],
    )
    ids = dict(AnnualGrade.objects.filter(cycle=cycle).values_list("person_id", "pk"))
    entries = []
    for grade, before, values in changed:
        grade.pk = ids[grade.person_id]
        entries.append((grade, _changes(before, values)))
    _audit_many(actor=actor, action="grade.propose", entries=entries)
    return len(changed)


@transaction.atomic
def grade_move(*, actor, grade, new_grade, reason, expected_version=None) -> AnnualGrade:
    """HR moves one person's grade away from (or back to) the proposal; the reason is required
    and shown beside the proposal. Refused on a finalised grade (:class:`GradeLocked`) and on a
    stale ``expected_version`` (someone moved it since)."""
    _require_calibrator(actor)
    current = AnnualGrade.objects.select_for_update().get(pk=grade.pk)
    if current.finalised:
        raise GradeLocked()
    check_version(current, expected_version)
    reason = (reason or "").strip()
    errors = {}
    if new_grade not in Grade.values:
        errors["grade"] = [_("Choose grade A, B or C.")]
    elif new_grade == current.grade:
        errors["grade"] = [
            _("The grade is already %(grade)s: choose another one.") % {"grade": new_grade}
        ]
    if not reason:
        errors["reason"] = [_("Give the reason for the change: it is shown beside the proposal.")]
    if errors:
        raise ValidationError(errors)
    old = {"grade": current.grade, "reason": current.reason}
    current.grade = new_grade
    current.reason = reason
    current.calibrated_by = actor
    current.calibrated_at = timezone.now()
    current.save(update_fields=["grade", "reason", "calibrated_by", "calibrated_at", "updated_at"])
    current.refresh_from_db(fields=["version"])
    audit_record(
        actor=actor,
        action="grade.move",
        target=current,
        subject_user=current.person,
        changes={
            "grade": [old["grade"], new_grade],
            "proposed_grade": [current.proposed_grade] * 2,
        },
        reason=reason,
    )
    return current


@transaction.atomic
def grades_finalise(*, actor, cycle) -> int:
    """Finalise (lock) every grade of an annual ``cycle`` (all of its groups). Refused when
    there is nothing to finalise or it is finalised already. Returns how many were locked."""
    _require_calibrator(actor)
    cycle = _locked_cycle(cycle)
    grades = list(AnnualGrade.objects.filter(cycle=cycle).select_for_update())
    if not grades:
        raise ValidationError({"cycle": [_("Propose the grades before finalising them.")]})
    if all(grade.finalised for grade in grades):
        raise GradeLocked(_("These grades are finalised already."))
    now = timezone.now()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    AnnualGrade.objects.filter(cycle=cycle, finalised=False).update(
        finalised=True,
        finalised_at=now,
        finalised_by_id=actor_id,
        version=F("version") + 1,
        updated_at=now,
    )
    todo = [grade for grade in grades if not grade.finalised]
    _audit_many(
        actor=actor,
        action="grade.finalise",
        entries=[
            (grade, {"finalised": [False, True], "grade": [grade.grade] * 2}) for grade in todo
        ],
    )
    return len(todo)


@transaction.atomic
def grades_reopen(*, actor, cycle, reason) -> int:
    """HR reopens the finalised grades of an annual ``cycle`` with a reason (required, audited
    on each grade); they may then be moved and finalised again."""
    _require_calibrator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening the grades.")]})
    cycle = _locked_cycle(cycle)
    grades = list(AnnualGrade.objects.filter(cycle=cycle, finalised=True).select_for_update())
    if not grades:
        raise ValidationError({"cycle": [_("These grades are not finalised.")]})
    now = timezone.now()
    AnnualGrade.objects.filter(pk__in=[grade.pk for grade in grades]).update(
        finalised=False,
        finalised_at=None,
        finalised_by=None,
        version=F("version") + 1,
        updated_at=now,
    )
    _audit_many(
        actor=actor,
        action="grade.reopen",
        entries=[(grade, {"finalised": [True, False]}) for grade in grades],
        reason=reason,
    )
    return len(grades)
