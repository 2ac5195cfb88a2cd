"""Writes for collaboration ratings, the learning log, capability goals and the case library.

Ratings of a quarter are open during the quarter and for ``RATING_GRACE_DAYS`` (30) days after
it; the reviews app sits above this one, so a finalised review does not reach down to lock the
ratings — the window closes them instead. Rating changes are audited under the RATER (the
audit log shows an entry to its subject person, and the rated rep must never learn who rated
them).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.core.dates import check_business_date
from apps.core.kpi_facts import kpi_facts_changed, kpi_periods_changed
from apps.core.permissions import is_admin, is_manager, require
from apps.core.services import audit_record
from apps.core.versions import StaleVersionError, check_version
from apps.development import calculations, periods, permissions
from apps.development.choices import CaseKind, LearningKind, Skill
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase
from apps.development.selectors import SCORED_KINDS, UNSCORED_KINDS

# --- collaboration ratings -------------------------------------------------------------------


# --- the scorecards follow (inside each write's transaction) ---------------------------------


def _scorecards_follow_rating(rating: CollaborationRating) -> None:
    """The rated person's quarter and year scorecards are stale (team collaboration)."""
    kpi_periods_changed(
        period_keys=[rating.period_key, rating.period_key[:4]], rep_ids=[rating.rated_id]
    )


def _scorecards_follow_learning(rep_id: int, *days: datetime.date) -> None:
    """The periods containing each day are stale for the person (capability growth)."""
    for day in sorted(set(days)):
        kpi_facts_changed(rep_ids=[rep_id], on_date=day)


def _scorecards_follow_goal(goal: CapabilityGoal) -> None:
    """The goal's year and its quarters are stale for the person (capability growth); a goal
    for a year still ahead has no scorecards to mark."""
    if goal.year > timezone.localdate().year:
        return
    quarters = [f"{goal.year}-Q{number}" for number in range(1, 5)]
    kpi_periods_changed(period_keys=[str(goal.year), *quarters], rep_ids=[goal.rep_id])


def rating_window(period_key: str) -> tuple[datetime.date, datetime.date]:
    """The first day ratings of ``period_key`` may be given and the last."""
    start, end = periods.quarter_bounds(period_key)
    return start, end + datetime.timedelta(days=calculations.RATING_GRACE_DAYS - 1)


def rating_open(period_key: str, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    first, last = rating_window(period_key)
    return first <= today <= last


def open_rating_periods(today: datetime.date | None = None) -> list[str]:
    """The quarters whose ratings may be given on ``today``, latest first (this quarter, and the
    last one during the first 30 days)."""
    today = today or timezone.localdate()
    current = periods.quarter_key(today)
    keys = [current]
    previous = periods.previous_quarter_key(current)
    if rating_open(previous, today):
        keys.append(previous)
    return keys


def _check_rating(value, field: str, errors: dict) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or str(number) != str(value).strip() or not 1 <= number <= 5:
        errors[field] = [_("Rate from 1 (no contribution) to 5 (clearly drives the team).")]
        return None
    return number


@transaction.atomic
def rating_save(
    *,
    actor,
    rated,
    cross_department,
    knowledge_sharing,
    comment: str = "",
    period_key: str | None = None,
    expected_version=None,
    today: datetime.date | None = None,
) -> CollaborationRating:
    """Give or change ``actor``'s rating of ``rated`` for a quarter (this quarter by default).
    A second rating of the same person and quarter changes the first. The rater's role comes
    from their relationship (manager of the rated rep's team, or a peer in it)."""
    require(permissions.can_rate(actor), permissions.RATE_DENIED)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    period_key = (period_key or "").strip() or periods.quarter_key(today)
    if not periods.is_quarter_key(period_key):
        errors["period_key"] = [_("Name the quarter like 2026-Q3.")]
    elif not rating_open(period_key, today):
        first, last = rating_window(period_key)
        if today < first:
            message = _("Ratings for %(quarter)s open when the quarter starts.") % {
                "quarter": period_key
            }
        else:
            message = _("Ratings for %(quarter)s closed on %(date)s.") % {
                "quarter": period_key,
                "date": date_format(last),
            }
        errors["period_key"] = [message]
    role = None
    if rated is None:
        errors["rated"] = [_("Choose the person you are rating.")]
    elif rated.pk == actor.pk:
        errors["rated"] = [_("You cannot rate yourself.")]
    else:
        role = permissions.rater_role_for(actor, rated)
        if role is None:
            errors["rated"] = [
                _("You can rate only the reps of the teams you manage.")
                if is_manager(actor)
                else _("You can rate only the other reps of your own team.")
            ]
    cross = _check_rating(cross_department, "cross_department", errors)
    sharing = _check_rating(knowledge_sharing, "knowledge_sharing", errors)
    if errors:
        raise ValidationError(errors)
    comment = (comment or "").strip()
    existing = (
        CollaborationRating.objects.select_for_update()
        .filter(rated=rated, rater=actor, period_key=period_key)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                rating = CollaborationRating.objects.create(
                    rated=rated,
                    rater=actor,
                    rater_role=role,
                    period_key=period_key,
                    cross_department=cross,
                    knowledge_sharing=sharing,
                    comment=comment,
                )
        except IntegrityError:
            # Saved by the same rater in another tab meanwhile: a conflict, nothing overwritten.
            current = CollaborationRating.objects.get(
                rated=rated, rater=actor, period_key=period_key
            )
            raise StaleVersionError(current=current, expected=expected_version) from None
        audit_record(
            actor=actor,
            action="collaboration_rating.give",
            target=rating,
            subject_user=actor,
            changes={
                "cross_department": [None, cross],
                "knowledge_sharing": [None, sharing],
            },
        )
        _scorecards_follow_rating(rating)
        return rating
    check_version(existing, expected_version)
    changes = {}
    for field, value in (
        ("cross_department", cross),
        ("knowledge_sharing", sharing),
        ("comment", comment),
        ("rater_role", role),
    ):
        old = getattr(existing, field)
        if old != value:
            changes[field] = [old, value]
            setattr(existing, field, value)
    if changes:
        existing.save()
        audit_record(
            actor=actor,
            action="collaboration_rating.change",
            target=existing,
            subject_user=actor,
            changes=changes,
        )
        _scorecards_follow_rating(existing)
    return existing


# --- learning log ----------------------------------------------------------------------------

LEARNING_FIELDS = frozenset({"kind", "skill", "title", "on", "score", "hours", "evidence", "notes"})


def _decimal(value, field: str, errors: dict, message) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [message]
        return None
    if not number.is_finite():
        errors[field] = [message]
        return None
    return number


def _validate_learning(data: dict, errors: dict, *, today: datetime.date) -> None:
    kind = data.get("kind")
    if kind not in LearningKind.values:
        errors["kind"] = [
            _(
                "Choose what you are logging: a course, certification, course exam, sandbox "
                "exercise or competitor-analysis meeting."
            )
        ]
    data["title"] = (data.get("title") or "").strip()
    if not data["title"]:
        errors["title"] = [_("Give the name of the course, exam, exercise or meeting.")]
    data["evidence"] = (data.get("evidence") or "").strip()
    if not data["evidence"]:
        errors["evidence"] = [
            _("Give the evidence: a certificate number, course record, exam result or minutes.")
        ]
    data["notes"] = data.get("notes") or ""
    data["skill"] = data.get("skill") or ""
    if data["skill"] not in ("", *Skill.values):
        errors["skill"] = [_("Choose one of the listed skills.")]
    elif kind == LearningKind.SANDBOX and not data["skill"]:
        errors["skill"] = [_("Choose the skill the sandbox exercise trained.")]
    on = data.get("on")
    if not isinstance(on, datetime.date):
        errors["on"] = [_("Give the date of the course, exam, exercise or meeting.")]
    elif check_business_date(on, field="on", label=_("The date"), errors=errors) and on > today:
        errors["on"] = [_("Log learning once it has happened: the date cannot be in the future.")]
    score = _decimal(data.get("score"), "score", errors, _("Enter the score as a number."))
    if "score" not in errors:
        if score is None and kind in SCORED_KINDS:
            errors["score"] = [_("Enter the score (0–100) of the exam or sandbox exercise.")]
        elif score is not None and kind in UNSCORED_KINDS:
            errors["score"] = [
                _("A course or competitor-analysis meeting has no score: leave the score empty.")
            ]
        elif score is not None and not Decimal(0) <= score <= Decimal(100):
            errors["score"] = [_("Enter a score from 0 to 100.")]
    data["score"] = score
    hours = _decimal(data.get("hours"), "hours", errors, _("Enter the hours as a number."))
    if hours is not None and not Decimal(0) <= hours <= Decimal("9999"):
        errors["hours"] = [_("Enter the hours spent, from 0 to 9999.")]
    data["hours"] = hours


@transaction.atomic
def learning_create(
    *,
    actor,
    kind: str,
    title: str,
    on: datetime.date,
    evidence: str,
    rep=None,
    skill: str = "",
    score=None,
    hours=None,
    notes: str = "",
    today: datetime.date | None = None,
) -> LearningEntry:
    """Log a course, certification, exam, sandbox exercise or competitor meeting in the actor's
    own learning log (an admin may log for anyone)."""
    require(
        permissions.can_write_learning(actor),
        _("Only sales reps and managers keep a learning log."),
    )
    errors: dict[str, list[str]] = {}
    if rep is None or rep.pk == actor.pk:
        rep = actor
    elif not is_admin(actor):
        errors["rep"] = [_("You keep your own learning log: leave the person out.")]
    data = {
        "kind": kind,
        "skill": skill,
        "title": title,
        "on": on,
        "score": score,
        "hours": hours,
        "evidence": evidence,
        "notes": notes,
    }
    _validate_learning(data, errors, today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    entry = LearningEntry.objects.create(rep=rep, **data)
    _scorecards_follow_learning(entry.rep_id, entry.on)
    return entry


def _require_learning_editor(actor, entry) -> None:
    require(
        permissions.can_edit_learning(actor, entry),
        _("Only the person whose learning log it is can change it."),
    )


@transaction.atomic
def learning_update(
    *, actor, entry: LearningEntry, expected_version=None, today=None, **fields
) -> LearningEntry:
    check_version(entry, expected_version)
    _require_learning_editor(actor, entry)
    unknown = set(fields) - LEARNING_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    data = {name: getattr(entry, name) for name in LEARNING_FIELDS}
    data.update(fields)
    errors: dict[str, list[str]] = {}
    _validate_learning(data, errors, today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    before = entry.on
    for name, value in data.items():
        setattr(entry, name, value)
    entry.save()
    _scorecards_follow_learning(entry.rep_id, before, entry.on)
    return entry


@transaction.atomic
def learning_delete(*, actor, entry: LearningEntry, expected_version=None) -> None:
    check_version(entry, expected_version)
    _require_learning_editor(actor, entry)
    _scorecards_follow_learning(entry.rep_id, entry.on)
    entry.delete()


# --- capability goals ------------------------------------------------------------------------

GOAL_FIELDS = frozenset({"title", "progress", "notes"})


def _validate_goal(data: dict, errors: dict) -> None:
    data["title"] = (data.get("title") or "").strip()
    if not data["title"]:
        errors["title"] = [
            _("Describe the goal, e.g. “Master the sales method of 2 new industries”.")
        ]
    progress = _decimal(
        data.get("progress"), "progress", errors, _("Enter the progress as a number.")
    )
    if "progress" not in errors:
        if progress is None:
            progress = Decimal(0)
        if not Decimal(0) <= progress <= Decimal(100):
            errors["progress"] = [_("Enter the progress from 0 to 100 %.")]
        else:
            progress = progress.quantize(Decimal("0.01"))
    data["progress"] = progress
    data["notes"] = data.get("notes") or ""


def _require_goal_setter(actor, rep) -> None:
    require(
        permissions.can_set_goal(actor, rep),
        _("Only the rep or a manager of their team can set their capability goal."),
    )


@transaction.atomic
def goal_create(
    *, actor, rep, year: int, title: str, progress=0, notes: str = ""
) -> CapabilityGoal:
    """Set a rep's capability goal for a (fiscal) year."""
    _require_goal_setter(actor, rep)
    errors: dict[str, list[str]] = {}
    data = {"title": title, "progress": progress, "notes": notes}
    _validate_goal(data, errors)
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = None
    if year is None or not 2000 <= year <= 2100:
        errors["year"] = [_("Give the year of the goal, e.g. 2026.")]
    if errors:
        raise ValidationError(errors)
    goal = CapabilityGoal.objects.create(rep=rep, year=year, set_by=actor, **data)
    audit_record(
        actor=actor,
        action="capability_goal.create",
        target=goal,
        subject_user=rep,
        changes={"title": [None, goal.title], "progress": [None, str(goal.progress)]},
    )
    _scorecards_follow_goal(goal)
    return goal


@transaction.atomic
def goal_update(
    *, actor, goal: CapabilityGoal, expected_version=None, reason: str = "", **fields
) -> CapabilityGoal:
    """Change a goal's wording or progress; every change is audited (old and new)."""
    check_version(goal, expected_version)
    _require_goal_setter(actor, goal.rep)
    unknown = set(fields) - GOAL_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    data = {name: getattr(goal, name) for name in GOAL_FIELDS}
    data.update(fields)
    errors: dict[str, list[str]] = {}
    _validate_goal(data, errors)
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name, value in data.items():
        old = getattr(goal, name)
        if old != value:
            changes[name] = [str(old), str(value)] if name == "progress" else [old, value]
            setattr(goal, name, value)
    if changes:
        goal.save()
        audit_record(
            actor=actor,
            action=(
                "capability_goal.progress" if "progress" in changes else "capability_goal.update"
            ),
            target=goal,
            subject_user=goal.rep,
            changes=changes,
            reason=reason,
        )
        _scorecards_follow_goal(goal)
    return goal


# --- case library ----------------------------------------------------------------------------

CASE_FIELDS = frozenset({"kind", "title", "summary", "lessons", "tags", "meeting_on", "team"})
_TAG_SPLIT = re.compile(r"[,，、;；]+")
MAX_TAG_LENGTH = 40


def normalise_tags(raw) -> str:
    """``"SPIN, Negotiation ,spin"`` → ``"spin,negotiation"``: lower case, trimmed, inner
    spaces single, duplicates dropped, order kept (comma, Chinese comma or semicolon
    separate)."""
    if isinstance(raw, list | tuple):
        raw = ",".join(str(item) for item in raw)
    tags: list[str] = []
    for part in _TAG_SPLIT.split(raw or ""):
        tag = " ".join(part.split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return ",".join(tags)


def _validate_case(data: dict, errors: dict, *, today: datetime.date) -> None:
    if data.get("kind") not in CaseKind.values:
        errors["kind"] = [_("Choose success case or failure lesson.")]
    for name, message in (
        ("title", _("Give the case a title.")),
        ("summary", _("Say what happened.")),
        ("lessons", _("Say what to copy or to avoid next time.")),
    ):
        data[name] = (data.get(name) or "").strip()
        if not data[name]:
            errors[name] = [message]
    data["tags"] = normalise_tags(data.get("tags"))
    if any(len(tag) > MAX_TAG_LENGTH for tag in data["tags"].split(",")):
        errors["tags"] = [_("Keep each tag under 40 characters.")]
    elif len(data["tags"]) > 300:
        errors["tags"] = [_("Use fewer tags (300 characters in all).")]
    meeting_on = data.get("meeting_on")
    if meeting_on is not None:
        if not isinstance(meeting_on, datetime.date):
            errors["meeting_on"] = [_("Give the date of the sales meeting.")]
        elif (
            check_business_date(
                meeting_on, field="meeting_on", label=_("The meeting date"), errors=errors
            )
            and meeting_on > today
        ):
            errors["meeting_on"] = [_("The sales meeting cannot be in the future.")]


@transaction.atomic
def case_create(
    *,
    actor,
    kind: str,
    title: str,
    summary: str,
    lessons: str,
    tags="",
    meeting_on: datetime.date | None = None,
    team=None,
    today: datetime.date | None = None,
) -> SalesCase:
    """Add a case to the library (filed under the author's team unless another is named)."""
    require(permissions.can_share_case(actor), _("Sign in to share a case."))
    data = {
        "kind": kind,
        "title": title,
        "summary": summary,
        "lessons": lessons,
        "tags": tags,
        "meeting_on": meeting_on,
        "team": team if team is not None else actor.team,
    }
    errors: dict[str, list[str]] = {}
    _validate_case(data, errors, today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return SalesCase.objects.create(author=actor, **data)


def _require_case_editor(actor, case) -> None:
    require(
        permissions.can_edit_case(actor, case),
        _("Only the author, a manager of their team or HR can change this case."),
    )


@transaction.atomic
def case_update(
    *, actor, case: SalesCase, expected_version=None, today=None, **fields
) -> SalesCase:
    check_version(case, expected_version)
    _require_case_editor(actor, case)
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    data = {name: getattr(case, name) for name in CASE_FIELDS}
    data.update(fields)
    errors: dict[str, list[str]] = {}
    _validate_case(data, errors, today=today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    for name, value in data.items():
        setattr(case, name, value)
    case.save()
    return case


@transaction.atomic
def case_delete(*, actor, case: SalesCase, expected_version=None) -> None:
    check_version(case, expected_version)
    _require_case_editor(actor, case)
    case.delete()


# --- training done (called by apps.training) -------------------------------------------------


@transaction.atomic
def learning_record_training(
    *, rep_ids, title: str, on: datetime.date, evidence: str, skill: str = "", notes: str = ""
) -> int:
    """Log a completed training (a proposed workshop or course, :mod:`apps.training`) as a
    course in the learning log of each person of ``rep_ids``, dated ``on``. Idempotent: a
    person who already has an entry with this ``evidence`` gets no second one. The caller has
    checked who may do it. Returns how many entries were created."""
    rep_ids = sorted(set(rep_ids))
    if not rep_ids:
        return 0
    have = set(
        LearningEntry.objects.filter(rep_id__in=rep_ids, evidence=evidence).values_list(
            "rep_id", flat=True
        )
    )
    skill = skill if skill in Skill.values else ""
    rows = [
        LearningEntry(
            rep_id=rep_id,
            kind=LearningKind.COURSE,
            skill=skill,
            title=title[:200],
            on=on,
            evidence=evidence[:500],
            notes=notes,
        )
        for rep_id in rep_ids
        if rep_id not in have
    ]
    LearningEntry.objects.bulk_create(rows)
    if rows:
        kpi_facts_changed(rep_ids=[row.rep_id for row in rows], on_date=on)
    return len(rows)
