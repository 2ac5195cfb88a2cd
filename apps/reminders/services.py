"""Writes of the reminders app: running rules (create on the natural key, close, e-mail, log),
e-mail and digest delivery with idempotent claims, the run lock, preferences, rule settings,
calendar exceptions and marking reminders done."""

from __future__ import annotations

import datetime
import logging
import os
import signal
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.core.services import audit_record
from apps.core.versions import check_combined_version, check_version
from apps.reminders import permissions
from apps.reminders.calendar import load_calendar
from apps.reminders.choices import ExceptionKind, ReminderStatus
from apps.reminders.models import (
    CalendarException,
    DigestPreference,
    DigestSent,
    JobLock,
    NotificationPreference,
    Reminder,
    ReminderRule,
    RuleRun,
)
from apps.reminders.rules import RunContext, registry

logger = logging.getLogger(__name__)

#: A failed e-mail is retried on later runs up to this many attempts in all.
MAX_EMAIL_ATTEMPTS = 3
RUN_LOCK_SECONDS = 30 * 60


# --- Rules -------------------------------------------------------------------------------------
def rules_ensure() -> dict[str, ReminderRule]:
    """One ``ReminderRule`` row per registered rule (created with the rule's defaults)."""
    ReminderRule.objects.bulk_create(
        [ReminderRule(code=code, params=dict(rule.defaults)) for code, rule in registry.items()],
        ignore_conflicts=True,
    )
    return {row.code: row for row in ReminderRule.objects.filter(code__in=list(registry))}


def _rule_row(code: str) -> ReminderRule:
    if code not in registry:
        raise ValidationError(
            {"rule": [_("There is no reminder rule “%(code)s”.") % {"code": code}]}
        )
    row = ReminderRule.objects.filter(code=code).first()
    return row or rules_ensure()[code]


@transaction.atomic
def rule_update(
    *, actor, rule: ReminderRule, enabled: bool, params: dict, expected_version=None
) -> ReminderRule:
    """Switch a rule on/off and set its parameters (HR/admin); raises ``ValidationError`` with
    one key per bad parameter and saves nothing then."""
    check_version(rule, expected_version)
    if not permissions.can_configure(actor):
        raise PermissionDenied
    definition = rule.definition
    if definition is None:
        raise ValidationError({"rule": [_("This rule no longer exists.")]})
    cleaned, errors = definition.clean_params(params)
    if errors:
        raise ValidationError(errors)
    before = {"enabled": rule.enabled, "params": rule.effective_params()}
    rule.enabled = bool(enabled)
    rule.params = cleaned
    rule.updated_by = actor
    rule.save(update_fields=["enabled", "params", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="reminders.rule_update",
        target=rule,
        changes={"before": before, "after": {"enabled": rule.enabled, "params": cleaned}},
    )
    return rule


# --- Running -----------------------------------------------------------------------------------
@dataclass
class RunResult:
    created: int = 0
    closed: int = 0
    emailed: int = 0


def rule_run(*, code: str, today: datetime.date | None = None, send_emails: bool = True) -> RuleRun:
    """Run one rule once: create the reminders it calls for (never twice: the natural key is a
    unique constraint and inserts ignore conflicts), close those whose condition is gone, send
    the e-mails not yet sent, and log what happened. Safe to run twice, concurrently, or again
    after a crash. ``send_emails=False`` leaves the e-mails to the next run (demo data)."""
    today = today or timezone.localdate()
    row = _rule_row(code)
    definition = registry[code]
    rule_runs_recover()
    run = RuleRun.objects.create(rule=row, run_for=today)
    if not row.enabled:
        run.skipped = True
        run.finished_at = timezone.now()
        run.save(update_fields=["skipped", "finished_at"])
        return run
    try:
        ctx = RunContext(today=today, calendar=load_calendar(), params=row.effective_params())
        candidates = list(definition.candidates(ctx))
        run.created = _create(row, definition, candidates, run)
        _crash_point("reminders_created")
        run.closed = _close_resolved(row, definition, ctx, candidates)
        run.emailed = reminders_send_emails(rule=row) if send_emails else 0
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save()
        raise
    run.finished_at = timezone.now()
    run.save()
    return run


def _crash_point(name: str) -> None:
    """Crash tests only: with ``SALESPERF_CRASH_AT=<name>`` in its environment, the process
    kills itself with SIGKILL here (see apps/scorecards/services.py ``_crash_point``)."""
    if os.environ.get("SALESPERF_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def run_lease_seconds() -> int:
    """How long a rule run may take (settings.REMINDER_RUN_LEASE_SECONDS overrides): a run not
    finished by then was cut short — its worker died — and the run lock has expired too."""
    return int(getattr(settings, "REMINDER_RUN_LEASE_SECONDS", RUN_LOCK_SECONDS))


def rule_runs_recover(*, now: datetime.datetime | None = None) -> int:
    """Mark failed, with the reason, every rule run started more than ``run_lease_seconds()``
    ago and never finished (its worker died); returns how many. Called before every run.

    Nothing else needs repairing: what the dead run created stays and counts once — the next
    run of the rule creates no second reminder (the natural key is unique and inserts ignore
    conflicts) and sends only the e-mails nobody claimed (a claimed e-mail is never sent
    again: one that was claimed but not sent when the worker died is lost, never doubled)."""
    now = now or timezone.now()
    seconds = run_lease_seconds()
    return RuleRun.objects.filter(
        finished_at__isnull=True, started_at__lt=now - datetime.timedelta(seconds=seconds)
    ).update(
        finished_at=now,
        error=_(
            "The run did not finish within %(minutes)s minutes (worker lost); the next run "
            "completes its work."
        )
        % {"minutes": max(1, seconds // 60)},
    )


def _create(row: ReminderRule, definition, candidates: list, run: RuleRun) -> int:
    if not candidates:
        return 0
    content_type = ContentType.objects.get_for_model(definition.get_model())
    recipient_ids = {c.recipient_id for c in candidates}
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(rule=row, user__in=recipient_ids)
    }
    digest_ids = set(
        DigestPreference.objects.filter(user__in=recipient_ids, digest=True).values_list(
            "user", flat=True
        )
    )
    candidates = _new_occurrences(row, definition, content_type, candidates)
    objects = []
    for c in candidates:
        pref = prefs.get(c.recipient_id)
        objects.append(
            Reminder(
                rule=row,
                content_type=content_type,
                object_id=c.object_id,
                recipient_id=c.recipient_id,
                due_on=c.due_on,
                level=c.level,
                details=c.details,
                link=c.link,
                in_inbox=pref.inbox if pref else True,
                by_email=pref.email if pref else True,
                digest=c.recipient_id in digest_ids,
                run=run,
            )
        )
    Reminder.objects.bulk_create(objects, ignore_conflicts=True, batch_size=500)
    return Reminder.objects.filter(run=run).count()


def _new_occurrences(row: ReminderRule, definition, content_type, candidates: list) -> list:
    """Drop candidates that an existing reminder already stands for (see
    ``Rule.same_occurrence_days``); one query. The exact natural key needs no check here: the
    database constraint handles it, also between concurrent workers."""
    window = definition.same_occurrence_days
    if window == 0:
        return candidates
    existing: dict[tuple, list] = {}
    rows = Reminder.objects.filter(
        rule=row, content_type=content_type, object_id__in={c.object_id for c in candidates}
    ).values_list("object_id", "recipient_id", "level", "due_on")
    for object_id, recipient_id, level, due_on in rows:
        existing.setdefault((object_id, recipient_id, level), []).append(due_on)
    kept = []
    for c in candidates:
        dues = existing.get((c.object_id, c.recipient_id, c.level), [])
        if c.due_on in dues or not dues:
            kept.append(c)  # the exact key (harmless: ignored on insert) or a new occurrence
        elif window is not None and all(abs((c.due_on - d).days) > window for d in dues):
            kept.append(c)
    return kept


def _close_resolved(row: ReminderRule, definition, ctx: RunContext, candidates: list) -> int:
    open_reminders = list(
        Reminder.objects.filter(rule=row, status=ReminderStatus.OPEN).only(
            "pk", "object_id", "recipient_id", "due_on", "level"
        )
    )
    if not open_reminders:
        return 0
    ids = definition.resolved(ctx, open_reminders, candidates)
    if not ids:
        return 0
    return Reminder.objects.filter(pk__in=ids, status=ReminderStatus.OPEN).update(
        status=ReminderStatus.CLOSED_AUTO, closed_at=timezone.now()
    )


def rules_run_all(*, today: datetime.date | None = None, send_emails: bool = True) -> list[RuleRun]:
    """Every registered rule once (switched-off rules are logged as skipped); a failing rule
    is logged and the others still run. Digests have their own daily job."""
    rules_ensure()
    runs = []
    for code in registry:
        try:
            runs.append(rule_run(code=code, today=today, send_emails=send_emails))
        except Exception:
            logger.exception("Reminder rule %s failed", code)
    return runs


# --- The run lock ------------------------------------------------------------------------------
def lock_acquire(name: str, seconds: int = RUN_LOCK_SECONDS) -> str | None:
    """Take the named lock unless someone holds an unexpired one; returns a token or ``None``.

    One conditional UPDATE decides, so two processes asking at once cannot both win; a holder
    that dies leaves a lock that expires by itself."""
    now = timezone.now()
    JobLock.objects.bulk_create(
        [JobLock(name=name, token="", expires_at=now - datetime.timedelta(seconds=1))],
        ignore_conflicts=True,
    )
    token = uuid.uuid4().hex
    taken = JobLock.objects.filter(name=name, expires_at__lte=now).update(
        token=token, expires_at=now + datetime.timedelta(seconds=seconds)
    )
    return token if taken == 1 else None


def lock_release(name: str, token: str) -> None:
    JobLock.objects.filter(name=name, token=token).update(expires_at=timezone.now())


# --- E-mail ------------------------------------------------------------------------------------
def _absolute(link: str) -> str:
    base = getattr(settings, "SALESPERF_SITE_URL", "").rstrip("/")
    return f"{base}{link}" if link else base


def _claim(queryset) -> int:
    return queryset.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())


def reminders_send_emails(*, rule: ReminderRule | None = None) -> int:
    """Send the single e-mails not sent yet; returns how many went out.

    Each row is claimed first with a conditional UPDATE (``emailed_at`` from NULL to now): only
    the worker whose UPDATE changed the row sends, so a repeated or concurrent run never sends
    a second e-mail. A send that raises gives the claim back (``emailed_at`` NULL again, one
    attempt counted) so a later run retries, at most ``MAX_EMAIL_ATTEMPTS`` times. A worker
    that dies between claim and send loses that e-mail rather than risking a duplicate."""
    pending = Reminder.objects.filter(
        status=ReminderStatus.OPEN,
        by_email=True,
        digest=False,
        emailed_at__isnull=True,
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
    )
    if rule is not None:
        pending = pending.filter(rule=rule)
    sent = 0
    for reminder in pending.select_related("recipient", "rule"):
        if _claim(Reminder.objects.filter(pk=reminder.pk)) != 1:
            continue
        address = reminder.recipient.email
        if not address:
            Reminder.objects.filter(pk=reminder.pk).update(email_error="no e-mail address")
            continue
        context = {
            "reminder": reminder,
            "url": _absolute(reminder.link),
            "user": reminder.recipient,
        }
        try:
            send_mail(
                subject=_("[SalesPerf] %(title)s") % {"title": reminder.title},
                message=render_to_string("reminders/email/reminder.txt", context),
                from_email=None,
                recipient_list=[address],
            )
        except Exception as exc:  # noqa: BLE001 — any backend failure is retried later
            Reminder.objects.filter(pk=reminder.pk).update(
                emailed_at=None,
                email_attempts=reminder.email_attempts + 1,
                email_error=str(exc)[:300],
            )
            logger.warning("Reminder e-mail %s failed: %s", reminder.pk, exc)
            continue
        Reminder.objects.filter(pk=reminder.pk).update(email_attempts=reminder.email_attempts + 1)
        sent += 1
    return sent


def digests_send(*, day: datetime.date | None = None) -> int:
    """One e-mail per person who chose the daily digest, listing their reminders not yet
    e-mailed. The (person, day) claim is a unique row, so the digest goes once a day."""
    day = day or timezone.localdate()
    user_ids = set(
        Reminder.objects.filter(
            status=ReminderStatus.OPEN, by_email=True, digest=True, emailed_at__isnull=True
        ).values_list("recipient", flat=True)
    )
    sent = 0
    for user in User.objects.filter(pk__in=user_ids):
        try:
            with transaction.atomic():
                claim = DigestSent.objects.create(user=user, day=day)
        except IntegrityError:
            continue
        pending = Reminder.objects.filter(
            recipient=user,
            status=ReminderStatus.OPEN,
            by_email=True,
            digest=True,
            emailed_at__isnull=True,
        )
        ids = list(pending.values_list("pk", flat=True))
        now = timezone.now()
        Reminder.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
        reminders = list(
            Reminder.objects.filter(pk__in=ids, emailed_at=now)
            .select_related("rule")
            .order_by("due_on", "pk")
        )
        if not reminders or not user.email:
            continue
        rows = [(r, _absolute(r.link)) for r in reminders]
        try:
            send_mail(
                subject=ngettext(
                    "[SalesPerf] %(count)s reminder for %(day)s",
                    "[SalesPerf] %(count)s reminders for %(day)s",
                    len(rows),
                )
                % {"count": len(rows), "day": day.isoformat()},
                message=render_to_string(
                    "reminders/email/digest.txt", {"rows": rows, "user": user, "day": day}
                ),
                from_email=None,
                recipient_list=[user.email],
            )
        except Exception as exc:  # noqa: BLE001
            # Give the rows and the day back so tomorrow's (or a retried) digest includes them.
            Reminder.objects.filter(pk__in=ids, emailed_at=now).update(
                emailed_at=None, email_error=str(exc)[:300]
            )
            claim.delete()
            logger.warning("Digest for %s failed: %s", user.pk, exc)
            continue
        DigestSent.objects.filter(pk=claim.pk).update(sent_at=now, reminder_count=len(rows))
        sent += 1
    return sent


# --- Inbox -------------------------------------------------------------------------------------
def _own(actor, reminder: Reminder) -> None:
    if not permissions.owns_reminder(actor, reminder):
        raise PermissionDenied


def reminder_mark_done(*, actor, reminder: Reminder) -> Reminder:
    """Mark one's own reminder done (again is harmless; an auto-closed one stays closed)."""
    _own(actor, reminder)
    now = timezone.now()
    Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.OPEN).update(
        status=ReminderStatus.DONE, done_at=now
    )
    Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=now)
    reminder.refresh_from_db()
    return reminder


def reminder_mark_read(*, actor, reminder: Reminder) -> Reminder:
    _own(actor, reminder)
    Reminder.objects.filter(pk=reminder.pk, read_at__isnull=True).update(read_at=timezone.now())
    reminder.refresh_from_db()
    return reminder


def reminders_mark_all_read(*, actor) -> int:
    return Reminder.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences -------------------------------------------------------------------------------
@transaction.atomic
def preferences_update(
    *, user, choices: dict[str, dict], digest: bool, expected_version=None
) -> None:
    """Set ``user``'s delivery choice per rule (``{code: {"inbox": bool, "email": bool}}``)
    and the digest switch. Unknown rule codes are refused and nothing is saved.

    ``expected_version``: the version of the preferences the user opened
    (``selectors.preferences_version``); preferences saved since (another tab, another device)
    are refused with :class:`~apps.core.versions.StaleVersionError` and nothing is saved."""
    rows = rules_ensure()
    unknown = sorted(set(choices) - set(rows))
    if unknown:
        raise ValidationError(
            {"rule": [_("Unknown reminder rule: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    locked = [
        *NotificationPreference.objects.select_for_update().filter(user=user),
        *DigestPreference.objects.select_for_update().filter(user=user),
    ]
    check_combined_version(locked, expected_version)
    for code, choice in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user,
            rule=rows[code],
            defaults={"inbox": bool(choice.get("inbox")), "email": bool(choice.get("email"))},
        )
    DigestPreference.objects.update_or_create(user=user, defaults={"digest": bool(digest)})


# --- Calendar ----------------------------------------------------------------------------------
@transaction.atomic
def calendar_exception_create(
    *, actor, date: datetime.date | None, kind: str, name: str = ""
) -> CalendarException:
    if not permissions.can_configure(actor):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if date is None:
        errors["date"] = [_("Enter the date.")]
    elif CalendarException.objects.filter(date=date).exists():
        errors["date"] = [_("This date already has an exception; delete it first.")]
    if kind not in ExceptionKind.values:
        errors["kind"] = [_("Choose an extra holiday or a make-up working day.")]
    name = (name or "").strip()
    if len(name) > 120:
        errors["name"] = [_("Use at most 120 characters.")]
    if errors:
        raise ValidationError(errors)
    exception = CalendarException.objects.create(date=date, kind=kind, name=name, created_by=actor)
    audit_record(
        actor=actor,
        action="reminders.calendar_exception_create",
        target=exception,
        changes={"date": date.isoformat(), "kind": kind, "name": name},
    )
    return exception


@transaction.atomic
def calendar_exception_delete(*, actor, exception: CalendarException) -> None:
    if not permissions.can_configure(actor):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="reminders.calendar_exception_delete",
        target=exception,
        changes={"date": exception.date.isoformat(), "kind": exception.kind},
    )
    exception.delete()


# --- Schedules ---------------------------------------------------------------------------------
DIGEST_SCHEDULE = ("0", "18")


def schedules_ensure(periodic_task_model=None, crontab_model=None) -> int:
    """Create or refresh one django-celery-beat entry per rule plus the daily digest
    (idempotent; the data migration calls it with the historical models)."""
    import json

    if periodic_task_model is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        periodic_task_model, crontab_model = PeriodicTask, CrontabSchedule
    entries = [
        (f"reminders: {code}", "reminders.run_rule", [code], rule.schedule)
        for code, rule in registry.items()
    ]
    entries.append(("reminders: daily digest", "reminders.send_digests", [], DIGEST_SCHEDULE))
    for name, task, args, (minute, hour) in entries:
        crontab, _created = crontab_model.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        periodic_task_model.objects.update_or_create(
            name=name, defaults={"task": task, "args": json.dumps(args), "crontab": crontab}
        )
    return len(entries)
