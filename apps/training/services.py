"""Writes of training recommendations. Each is one transaction that checks who may do it,
refuses a done or declined proposal (:class:`ProposalClosed`, an API 409) and bad input (a
``ValidationError`` naming the field, nothing written), and audits what changed.

Generation (:func:`training_proposals_generate`, monthly and on HR's "Generate proposals now"):

- the weak (person, skill) pairs come from :func:`apps.training.selectors.weaknesses`;
- per team and skill, when :func:`apps.training.calculations.workshop_due` says so, a **team
  workshop** (title from the catalogue, the weak people as participants); it replaces the
  still-proposed individual proposals of its participants for that skill (declined, with the
  workshop named);
- every other weak person gets an **individual** proposal: the catalogue's courses and a mentor
  (a grade-A colleague of the same team from the latest finalised annual grades, else of the
  company, none without an A);
- idempotent: no second open proposal for the same team/person and skill, and none while one
  for them was declined or done in the last 90 days; a person covered by an open workshop of
  their team on that skill gets no individual one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.dates import check_business_date
from apps.core.permissions import require
from apps.core.services import audit_record, audit_value
from apps.core.versions import check_version
from apps.development.choices import Skill
from apps.development.services import learning_record_training
from apps.training import calculations, permissions, selectors
from apps.training.choices import (
    DIMENSIONS,
    OPEN_STATUSES,
    QUIET_DAYS,
    ProposalKind,
    ProposalStatus,
)
from apps.training.exceptions import ProposalClosed
from apps.training.models import TrainingProposal, TrainingSettings

__all__ = [
    "proposal_accept",
    "proposal_decline",
    "proposal_mark_done",
    "proposal_schedule",
    "training_proposals_generate",
    "training_settings_update",
]

TEXT_LIMIT = 4000
SKILL_LABELS = dict(Skill.choices)


def _skill_label(skill: str) -> str:
    return str(SKILL_LABELS.get(skill, skill)).lower()


# --- settings ----------------------------------------------------------------------------------


def _percent(errors: dict, name: str, value) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors[name] = [_("Enter a number from 0 to 100.")]
        return None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        errors[name] = [_("Enter a number from 0 to 100.")]
        return None
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def training_settings_update(
    *,
    actor,
    weak_score,
    kpi_gap_score,
    workshop_share,
    catalogue: dict | None = None,
    expected_version=None,
) -> TrainingSettings:
    """HR and admins change the thresholds and the catalogue (``{skill: {"workshop": title,
    "courses": lines}}``; skills left out keep theirs). Audited."""
    require(permissions.can_run_org(actor), _("Only HR and admins change the training settings."))
    row = TrainingSettings.current()
    check_version(row, expected_version)
    row = TrainingSettings.objects.select_for_update().get(pk=row.pk)
    errors: dict = {}
    weak = _percent(errors, "weak_score", weak_score)
    gap = _percent(errors, "kpi_gap_score", kpi_gap_score)
    share = _percent(errors, "workshop_share", workshop_share)
    if share is not None and share <= 0:
        errors["workshop_share"] = [_("The share must be above 0 %.")]
    new_catalogue = dict(row.catalogue or {})
    for skill, entry in (catalogue or {}).items():
        if skill not in DIMENSIONS:
            errors["catalogue"] = [_("Unknown skill %(skill)s.") % {"skill": skill}]
            continue
        workshop = str((entry or {}).get("workshop") or "").strip()
        courses = "\n".join(
            line.strip()
            for line in str((entry or {}).get("courses") or "").splitlines()
            if line.strip()
        )
        if not workshop:
            errors[f"workshop_{skill}"] = [
                _("Give the workshop title for %(skill)s.") % {"skill": _skill_label(skill)}
            ]
        elif len(workshop) > 200:
            errors[f"workshop_{skill}"] = [_("Use at most %(n)s characters.") % {"n": 200}]
        if len(courses) > TEXT_LIMIT:
            errors[f"courses_{skill}"] = [_("Use at most %(n)s characters.") % {"n": TEXT_LIMIT}]
        new_catalogue[skill] = {"workshop": workshop, "courses": courses}
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name, value in (("weak_score", weak), ("kpi_gap_score", gap), ("workshop_share", share)):
        if getattr(row, name) != value:
            changes[name] = [audit_value(getattr(row, name)), audit_value(value)]
            setattr(row, name, value)
    if new_catalogue != row.catalogue:
        changes["catalogue"] = [row.catalogue, new_catalogue]
        row.catalogue = new_catalogue
    if changes:
        row.save()
        audit_record(actor=actor, action="training.settings", target=row, changes=changes)
    return row


# --- generation --------------------------------------------------------------------------------


def _blocked_keys(today: datetime.date) -> tuple[set, set]:
    """(team, skill) and (person, skill) keys with an open proposal, or one declined or done
    in the last :data:`QUIET_DAYS` days (two queries)."""
    since = timezone.now() - datetime.timedelta(days=QUIET_DAYS)
    recent = TrainingProposal.objects.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since))
    teams = set(
        recent.filter(kind=ProposalKind.TEAM_WORKSHOP).values_list("team_id", "skill").order_by()
    )
    people = set(
        recent.filter(kind=ProposalKind.INDIVIDUAL).values_list("person_id", "skill").order_by()
    )
    return teams, people


def _covered_by_open_workshops() -> set[tuple[int, str]]:
    """(person, skill) pairs taking part in an open workshop (one query)."""
    through = TrainingProposal.participants.through
    return set(
        through.objects.filter(
            trainingproposal__status__in=OPEN_STATUSES,
            trainingproposal__kind=ProposalKind.TEAM_WORKSHOP,
        )
        .values_list("user_id", "trainingproposal__skill")
        .order_by()
    )


def _save_new(proposal: TrainingProposal) -> bool:
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:  # a concurrent run won the unique key
        return False
    return True


def _individual_reason(weakness, people: dict) -> str:
    skill = _skill_label(weakness.skill)
    if weakness.average is not None:
        return _(
            "%(person)s's evidence in %(skill)s over the last 12 months averages %(score)s."
        ) % {
            "person": people[weakness.person_id],
            "skill": skill,
            "score": f"{weakness.average:.1f}",
        }
    return _(
        "%(person)s has no exam, sandbox or certification evidence in %(skill)s while their "
        "KPIs point to it."
    ) % {"person": people[weakness.person_id], "skill": skill}


@transaction.atomic
def training_proposals_generate(*, actor=None, today: datetime.date | None = None) -> dict:
    """Propose team workshops and individual courses from the weak skills (see the module
    docstring). Returns ``{"workshops": n, "individual": n, "replaced": n}``."""
    if actor is not None:
        require(permissions.can_run_org(actor), _("Only HR and admins generate proposals."))
    today = today or timezone.localdate()
    rules = TrainingSettings.current()
    reps = selectors.active_reps()
    people = {rep.pk: rep for rep in reps}
    team_sizes: dict[int, int] = defaultdict(int)
    for rep in reps:
        team_sizes[rep.team_id] += 1
    teams = {rep.team_id: rep.team for rep in reps}
    found = selectors.weaknesses(
        reps, weak_score=rules.weak_score, kpi_gap_score=rules.kpi_gap_score, today=today
    )
    by_team_skill: dict[tuple[int, str], list] = defaultdict(list)
    for weakness in found:
        by_team_skill[(weakness.team_id, weakness.skill)].append(weakness)
    blocked_teams, blocked_people = _blocked_keys(today)
    covered = _covered_by_open_workshops()
    grade_a = selectors.grade_a_people()
    result = {"workshops": 0, "individual": 0, "replaced": 0}

    for (team_id, skill), weak in sorted(by_team_skill.items()):
        size = team_sizes[team_id]
        if not calculations.workshop_due(len(weak), size, rules.workshop_share):
            continue
        participants = [w.person_id for w in weak]
        covered.update((pk, skill) for pk in participants)
        if (team_id, skill) in blocked_teams:
            continue
        workshop = TrainingProposal(
            kind=ProposalKind.TEAM_WORKSHOP,
            team=teams[team_id],
            skill=skill,
            title=rules.workshop_title(skill) or str(SKILL_LABELS.get(skill, skill)),
            courses=rules.courses(skill),
            reason=_("%(weak)s of %(size)s people in %(team)s are weak in %(skill)s.")
            % {
                "weak": len(weak),
                "size": size,
                "team": teams[team_id].name,
                "skill": _skill_label(skill),
            },
        )
        if not _save_new(workshop):
            continue
        workshop.participants.set(participants)
        audit_record(
            actor=actor,
            action="training.propose",
            target=workshop,
            changes={"status": [None, workshop.status], "kind": [None, workshop.kind]},
            reason=workshop.reason,
        )
        result["workshops"] += 1
        result["replaced"] += _replace_individual(workshop, participants, actor)

    for weakness in found:
        key = (weakness.person_id, weakness.skill)
        if key in covered or key in blocked_people:
            continue
        person = people[weakness.person_id]
        mentor_id = calculations.pick_mentor(person.pk, person.team_id, grade_a)
        proposal = TrainingProposal(
            kind=ProposalKind.INDIVIDUAL,
            person=person,
            skill=weakness.skill,
            title=_("Courses in %(skill)s") % {"skill": _skill_label(weakness.skill)},
            courses=rules.courses(weakness.skill),
            mentor_id=mentor_id,
            reason=_individual_reason(weakness, people),
        )
        if not _save_new(proposal):
            continue
        blocked_people.add(key)
        audit_record(
            actor=actor,
            action="training.propose",
            target=proposal,
            subject_user=person,
            changes={"status": [None, proposal.status], "kind": [None, proposal.kind]},
            reason=proposal.reason,
        )
        result["individual"] += 1
    return result


def _replace_individual(workshop: TrainingProposal, participants: list[int], actor) -> int:
    """Decline the still-proposed individual proposals of the workshop's participants for its
    skill (audited)."""
    replaced = list(
        TrainingProposal.objects.select_for_update(of=("self",))
        .filter(
            kind=ProposalKind.INDIVIDUAL,
            status=ProposalStatus.PROPOSED,
            skill=workshop.skill,
            person_id__in=participants,
        )
        .select_related("person")
    )
    reason = _("Replaced by the team workshop #%(id)s.") % {"id": workshop.pk}
    now = timezone.now()
    for proposal in replaced:
        proposal.status = ProposalStatus.DECLINED
        proposal.decline_reason = reason
        proposal.replaced_by = workshop
        proposal.closed_at = now
        proposal.save()
        audit_record(
            actor=actor,
            action="training.replace",
            target=proposal,
            subject_user=proposal.person,
            changes={"status": [ProposalStatus.PROPOSED, ProposalStatus.DECLINED]},
            reason=reason,
        )
    return len(replaced)


# --- transitions -------------------------------------------------------------------------------


def _locked(proposal: TrainingProposal, actor, expected_version=None) -> TrainingProposal:
    """``proposal`` re-read under a row lock (stale version refused), the actor checked, a done
    or declined one refused."""
    check_version(proposal, expected_version)
    proposal = (
        TrainingProposal.objects.select_for_update(of=("self",))
        .select_related("person", "team")
        .get(pk=proposal.pk)
    )
    if actor is not None:
        require(
            permissions.can_manage(actor, proposal),
            _("Only HR and the team's manager run this training proposal."),
        )
    if proposal.is_closed:
        raise ProposalClosed()
    return proposal


def _audit(actor, proposal, action, before, **extra):
    audit_record(
        actor=actor,
        action=action,
        target=proposal,
        subject_user=proposal.person,
        changes={"status": [before, proposal.status], **extra.pop("changes", {})},
        reason=extra.pop("reason", ""),
    )


@transaction.atomic
def proposal_accept(*, actor, proposal: TrainingProposal, expected_version=None):
    """Accept a proposed training."""
    proposal = _locked(proposal, actor, expected_version)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError({"status": [_("Only a proposed training can be accepted.")]})
    proposal.status = ProposalStatus.ACCEPTED
    proposal.save()
    _audit(actor, proposal, "training.accept", ProposalStatus.PROPOSED)
    return proposal


@transaction.atomic
def proposal_schedule(
    *,
    actor,
    proposal: TrainingProposal,
    date: datetime.date | None,
    location: str,
    expected_version=None,
):
    """Schedule an accepted training (or move a scheduled one): the date and the place or the
    online link."""
    proposal = _locked(proposal, actor, expected_version)
    errors: dict = {}
    before = proposal.status
    if before not in (ProposalStatus.ACCEPTED, ProposalStatus.SCHEDULED):
        errors["status"] = [_("Accept the training before scheduling it.")]
    location = (location or "").strip()
    if date is None:
        errors["date"] = [_("Enter the date of the training.")]
    else:
        check_business_date(date, field="date", label=_("The date"), errors=errors)
    if not location:
        errors["location"] = [_("Give the place or the online link.")]
    elif len(location) > 300:
        errors["location"] = [_("Use at most %(n)s characters.") % {"n": 300}]
    if errors:
        raise ValidationError(errors)
    changes = {
        "scheduled_on": [audit_value(proposal.scheduled_on), audit_value(date)],
        "location": [proposal.location, location],
    }
    proposal.status = ProposalStatus.SCHEDULED
    proposal.scheduled_on, proposal.location = date, location
    proposal.save()
    _audit(actor, proposal, "training.schedule", before, changes=changes)
    return proposal


@transaction.atomic
def proposal_mark_done(
    *,
    actor,
    proposal: TrainingProposal,
    done_on: datetime.date | None = None,
    expected_version=None,
    today: datetime.date | None = None,
):
    """Mark a scheduled training done (on ``done_on``, default today): each participant (the
    person of an individual proposal) gets a course entry in their learning log, dated the
    done day, evidence "Training proposal #id"."""
    proposal = _locked(proposal, actor, expected_version)
    today = today or timezone.localdate()
    done_on = done_on or today
    errors: dict = {}
    if proposal.status != ProposalStatus.SCHEDULED:
        errors["status"] = [_("Schedule the training before marking it done.")]
    if done_on > today:
        errors["done_on"] = [_("A training is done once it has happened: not in the future.")]
    elif (
        check_business_date(done_on, field="done_on", label=_("The date"), errors=errors)
        and proposal.scheduled_on
        and done_on < proposal.scheduled_on
    ):
        errors["done_on"] = [
            _("The training was scheduled on %(day)s: it cannot be done before.")
            % {"day": proposal.scheduled_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    proposal.status = ProposalStatus.DONE
    proposal.done_on = done_on
    proposal.closed_at = timezone.now()
    proposal.save()
    if proposal.is_workshop:
        rep_ids = list(proposal.participants.values_list("pk", flat=True))
    else:
        rep_ids = [proposal.person_id]
    entries = learning_record_training(
        rep_ids=rep_ids,
        title=proposal.title,
        on=done_on,
        evidence=proposal.evidence,
        skill=proposal.skill,
        notes=proposal.courses,
    )
    _audit(
        actor,
        proposal,
        "training.done",
        ProposalStatus.SCHEDULED,
        changes={"done_on": [None, audit_value(done_on)], "learning_entries": [0, entries]},
    )
    return proposal


@transaction.atomic
def proposal_decline(*, actor, proposal: TrainingProposal, reason: str, expected_version=None):
    """Decline a training that is not done yet, with a reason."""
    proposal = _locked(proposal, actor, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the training is declined.")]})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError({"reason": [_("Use at most %(n)s characters.") % {"n": TEXT_LIMIT}]})
    before = proposal.status
    proposal.status = ProposalStatus.DECLINED
    proposal.decline_reason = reason
    proposal.closed_at = timezone.now()
    proposal.save()
    _audit(actor, proposal, "training.decline", before, reason=reason)
    return proposal
