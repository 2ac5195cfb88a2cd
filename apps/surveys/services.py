"""Writes of customer satisfaction surveys (SPEC §2.3 item 6).

- :func:`surveys_sample`: the quarter's draw of 10–15 customers per rep, reproducible from the
  review cycle's seed, idempotent and set-based;
- :func:`survey_issue_link`: a one-time link (only the SHA-256 of its token is stored);
- :func:`survey_answer_by_link`: the customer's answer through that link (no account);
- :func:`survey_record_interview`: HR or the rep's manager types in a phone interview;
- :func:`survey_cancel`: HR withdraws a survey with a reason (it never counts).

An answer (or a cancellation) sets the customer's health: the satisfaction of the health report
of that quarter and the customer's latest satisfaction, which drive the < 80 / ≥ 90 reminder
rules. Every change is audited; bad input is a ``ValidationError`` naming the field, nothing
written.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.kpi_facts import kpi_periods_changed
from apps.core.models import AuditEntry
from apps.core.permissions import is_admin, is_hr, is_rep, require
from apps.core.services import audit_record, audit_value
from apps.core.versions import check_version
from apps.customers.choices import CustomerStatus
from apps.customers.models import Customer
from apps.customers.services import customer_set_survey_satisfaction
from apps.surveys import calculations, permissions, selectors
from apps.surveys.choices import Dimension, SurveyChannel, SurveyStatus
from apps.surveys.models import Survey
from apps.surveys.signals import survey_changed

#: The site's default survey language when the customer has none (customers carry no language).
DEFAULT_LANGUAGE = "zh-hans"
#: How long a link may be valid at most (days).
MAX_DAYS_VALID = 90
DIMENSIONS = tuple(Dimension.values)


def _announce(survey: Survey) -> None:
    """Inside the write's transaction: the rep's quarter and year scorecards are stale (their
    satisfaction changed) and listeners (the review's customer part) may follow."""
    kpi_periods_changed(
        period_keys=[survey.period_key, survey.period_key[:4]], rep_ids=[survey.rep_id]
    )
    survey_changed.send(sender=Survey, rep_id=survey.rep_id, period_key=survey.period_key)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- sampling ----------------------------------------------------------------------------------


def _rep_ids(reps) -> list[int]:
    ids = []
    for rep in reps:
        pk = getattr(rep, "pk", rep)
        if pk is not None and pk not in ids:
            ids.append(int(pk))
    return ids


def _sample_errors(period_key, seed, minimum, maximum, language) -> dict:
    errors: dict[str, list[str]] = {}
    if selectors.parse_period_key(period_key) is None:
        errors["period_key"] = [_("Name the quarter as 2026-Q3.")]
    if not str(seed or "").strip():
        errors["seed"] = [_("Give the draw a seed, so it can be repeated.")]
    elif len(str(seed)) > 64:
        errors["seed"] = [_("The seed is at most 64 characters long.")]
    if not isinstance(minimum, int) or minimum < 1:
        errors["minimum"] = [_("Draw at least one customer per rep.")]
    if not isinstance(maximum, int) or (isinstance(minimum, int) and maximum < minimum):
        errors["maximum"] = [_("The most customers drawn cannot be fewer than the least.")]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the site's languages.")]
    return errors


def draw(customer_ids: list[int], *, seed: str, rep_id: int, minimum: int, maximum: int):
    """The rep's customers in the order of the draw and how many to take: the same seed, rep and
    customers give the same answer. ``customer_ids`` ordered by id."""
    rng = random.Random(f"{seed}:{rep_id}")
    size = rng.randint(minimum, maximum)
    order = rng.sample(customer_ids, len(customer_ids))
    return order, min(size, len(customer_ids))


@transaction.atomic
def surveys_sample(
    *,
    period_key: str,
    seed: str,
    reps: Iterable,
    minimum: int = 10,
    maximum: int = 15,
    actor=None,
    language: str | None = None,
) -> list[Survey]:
    """Draw the quarter's surveys: for each rep (users or ids), ``randint(minimum, maximum)``
    of their active customers (all of them when fewer), at random but reproducibly from
    ``seed``. Idempotent: a customer already surveyed for the quarter is kept and never drawn
    twice, and a rep who already has their share gets no more. One query for all reps'
    customers, one for the existing surveys, one insert. Returns every survey of these reps for
    the quarter (kept and new), by rep and customer. ``actor`` ``None`` is the system (the
    review cycle's opening); otherwise HR or an admin."""
    require(
        actor is None or is_hr(actor) or is_admin(actor),
        _("Only HR opens the quarter's customer surveys."),
    )
    language = language or DEFAULT_LANGUAGE
    errors = _sample_errors(period_key, seed, minimum, maximum, language)
    if errors:
        raise ValidationError(errors)
    seed = str(seed).strip()
    rep_ids = _rep_ids(reps)
    if not rep_ids:
        return []
    # Two draws of the same people at once (HR opening a cycle twice) take turns: the second
    # then finds the first's surveys and keeps them.
    rep_ids = list(
        Survey._meta.get_field("rep")
        .related_model.objects.select_for_update()
        .filter(pk__in=rep_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    customers_of: dict[int, list[int]] = defaultdict(list)
    for customer_id, owner_id in (
        Customer.objects.filter(owner_id__in=rep_ids, status=CustomerStatus.ACTIVE)
        .order_by("owner_id", "pk")
        .values_list("pk", "owner_id")
    ):
        customers_of[owner_id].append(customer_id)
    # Kept: the reps' surveys of the quarter, and any of their customers' (drawn before a
    # customer changed hands).
    existing = list(
        Survey.objects.filter(period_key=period_key)
        .filter(Q(rep_id__in=rep_ids) | Q(customer__owner_id__in=rep_ids))
        .only("pk", "rep_id", "customer_id")
    )
    surveyed = {survey.customer_id for survey in existing}
    kept_per_rep: dict[int, int] = defaultdict(int)
    for survey in existing:
        kept_per_rep[survey.rep_id] += 1

    new = []
    for rep_id in rep_ids:
        order, target = draw(
            customers_of.get(rep_id, []),
            seed=seed,
            rep_id=rep_id,
            minimum=minimum,
            maximum=maximum,
        )
        wanted = target - kept_per_rep[rep_id]
        for customer_id in order:
            if wanted <= 0:
                break
            if customer_id in surveyed:
                continue
            surveyed.add(customer_id)
            wanted -= 1
            new.append(
                Survey(
                    rep_id=rep_id,
                    customer_id=customer_id,
                    period_key=period_key,
                    sample_seed=seed,
                    language=language,
                )
            )
    Survey.objects.bulk_create(new, batch_size=1000)
    _audit_sample(actor, new, period_key=period_key, seed=seed)
    return list(
        Survey.objects.filter(period_key=period_key, rep_id__in=rep_ids)
        .select_related("customer", "rep")
        .order_by("rep_id", "customer_id")
    )


def _audit_sample(actor, new: list[Survey], *, period_key: str, seed: str) -> None:
    """One audit entry per rep with new surveys: which customers were drawn (one insert)."""
    if not new:
        return
    drawn: dict[int, list[int]] = defaultdict(list)
    for survey in new:
        drawn[survey.rep_id].append(survey.customer_id)
    content_type = ContentType.objects.get_for_model(Survey._meta.get_field("rep").related_model)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor_id=actor_id,
                action="survey.sample",
                content_type=content_type,
                object_id=str(rep_id),
                subject_user_id=rep_id,
                changes={
                    "period_key": [None, period_key],
                    "customers": [None, sorted(customer_ids)],
                    "seed": [None, seed],
                },
            )
            for rep_id, customer_ids in drawn.items()
        ]
    )


# --- one-time links ----------------------------------------------------------------------------


@transaction.atomic
def survey_issue_link(*, survey: Survey, actor, days_valid: int = 14, expected_version=None) -> str:
    """A new one-time link for the customer: returns the raw token once (the URL is
    ``/surveys/answer/<token>/``); only its SHA-256 is stored, so a link issued again
    replaces the old one, which stops working."""
    check_version(survey, expected_version)
    require(permissions.can_handle(actor, survey), permissions.handle_denied_message(actor, survey))
    survey.refresh_from_db()
    errors: dict[str, list[str]] = {}
    if survey.status != SurveyStatus.PENDING:
        errors["status"] = [_("This survey is already answered or cancelled: it needs no link.")]
    if not isinstance(days_valid, int) or not 1 <= days_valid <= MAX_DAYS_VALID:
        errors["days_valid"] = [
            _("A link is valid for 1 to %(days)s days.") % {"days": MAX_DAYS_VALID}
        ]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    before = survey.expires_at
    now = timezone.now()
    survey.token_hash = token_hash(token)
    survey.link_issued_at = now
    survey.expires_at = now + datetime.timedelta(days=days_valid)
    survey.save(update_fields=["token_hash", "link_issued_at", "expires_at", "updated_at"])
    audit_record(
        actor=actor,
        action="survey.issue_link",
        target=survey,
        subject_user=survey.rep,
        changes={"expires_at": [audit_value(before), audit_value(survey.expires_at)]},
    )
    return token


def survey_for_token(token: str, *, user=None, lock: bool = False) -> Survey | None:
    """The pending survey a link's token opens, or ``None`` — for a guessed, altered, replaced,
    used or expired token, a cancelled or answered survey, and for a signed-in rep (never the
    customer; in particular never the rep the survey is about). Every refusal looks the same."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    digest = token_hash(token)
    queryset = Survey.objects.select_related("customer", "rep")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    survey = queryset.filter(token_hash=digest).first()
    if survey is None or not hmac.compare_digest(survey.token_hash or "", digest):
        return None
    if survey.status != SurveyStatus.PENDING:
        return None
    if survey.expires_at is None or survey.expires_at <= timezone.now():
        return None
    if user is not None and user.is_authenticated and (survey.rep_id == user.pk or is_rep(user)):
        return None
    return survey


class InvalidLink(Exception):
    """The link does not open a survey (any reason: nothing more is said)."""


# --- answers -----------------------------------------------------------------------------------


def _answer_errors(answers: dict, comment, respondent) -> dict:
    errors: dict[str, list[str]] = {}
    labels = dict(Dimension.choices)
    for dimension in DIMENSIONS:
        value = answers.get(dimension)
        if value in (None, ""):
            errors[dimension] = [
                _("Score %(dimension)s from 0 to 100.") % {"dimension": labels[dimension]}
            ]
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors[dimension] = [
                _("%(dimension)s must be a whole number from 0 to 100.")
                % {"dimension": labels[dimension]}
            ]
    if len(respondent or "") > 120:
        errors["respondent"] = [_("The name is at most 120 characters long.")]
    if len(comment or "") > 4000:
        errors["comment"] = [_("The comment is at most 4,000 characters long.")]
    return errors


def _write_answers(survey: Survey, *, answers, channel, actor, comment, respondent) -> Survey:
    errors = _answer_errors(answers, comment, respondent)
    if errors:
        raise ValidationError(errors)
    for dimension in DIMENSIONS:
        setattr(survey, dimension, answers[dimension])
    survey.score = calculations.survey_score(survey.answers, survey.weights)
    survey.status = SurveyStatus.ANSWERED
    survey.channel = channel
    survey.answered_at = timezone.now()
    survey.comment = (comment or "").strip()
    survey.respondent = (respondent or "").strip()
    survey.recorded_by = actor if channel == SurveyChannel.PHONE else None
    survey.token_hash = None  # single use
    survey.save()
    audit_record(
        actor=actor,
        action="survey.answer",
        target=survey,
        subject_user=survey.rep,
        changes={
            "status": [SurveyStatus.PENDING, SurveyStatus.ANSWERED],
            "channel": [None, channel],
            "score": [None, audit_value(survey.score)],
            **{dimension: [None, answers[dimension]] for dimension in DIMENSIONS},
        },
    )
    _customer_health_follows(survey)
    _announce(survey)
    return survey


def _customer_health_follows(survey: Survey) -> None:
    """The customer's health takes the survey's result: that quarter's health report and the
    latest satisfaction (the latest answered survey's; none left: back to the reports)."""
    quarter = selectors.parse_period_key(survey.period_key)
    latest = selectors.latest_answered(survey.customer_id)
    customer_set_survey_satisfaction(
        customer=Customer.objects.get(pk=survey.customer_id),
        year=quarter[0],
        quarter=quarter[1],
        satisfaction=survey.score if survey.status == SurveyStatus.ANSWERED else None,
        latest_satisfaction=latest.score if latest is not None else None,
    )


def _dimensions(solution_fit, response_speed, problem_resolution) -> dict:
    return {
        "solution_fit": solution_fit,
        "response_speed": response_speed,
        "problem_resolution": problem_resolution,
    }


@transaction.atomic
def survey_answer_by_link(
    *,
    token: str,
    solution_fit,
    response_speed,
    problem_resolution,
    comment: str = "",
    respondent: str = "",
    user=None,
) -> Survey:
    """The customer's answer through the link: the survey is answered (channel link), its score
    computed with its weights and the token cleared (single use). Raises :class:`InvalidLink`
    when the token opens nothing (see :func:`survey_for_token`), ``ValidationError`` naming
    the field on a bad answer; either way nothing is written."""
    survey = survey_for_token(token, user=user, lock=True)
    if survey is None:
        raise InvalidLink
    return _write_answers(
        survey,
        answers=_dimensions(solution_fit, response_speed, problem_resolution),
        channel=SurveyChannel.LINK,
        actor=None,
        comment=comment,
        respondent=respondent,
    )


@transaction.atomic
def survey_record_interview(
    *,
    actor,
    survey: Survey,
    solution_fit,
    response_speed,
    problem_resolution,
    comment: str = "",
    respondent: str = "",
    expected_version=None,
) -> Survey:
    """HR or the rep's manager types in the answers of a phone interview with the customer
    (channel phone, ``recorded_by`` = the actor). Never the rep the survey is about."""
    check_version(survey, expected_version)
    require(permissions.can_record(actor, survey), permissions.handle_denied_message(actor, survey))
    survey = Survey.objects.select_for_update(of=("self",)).select_related("rep").get(pk=survey.pk)
    if survey.status != SurveyStatus.PENDING:
        raise ValidationError(
            {"status": [_("This survey is already answered or cancelled: nothing to record.")]}
        )
    return _write_answers(
        survey,
        answers=_dimensions(solution_fit, response_speed, problem_resolution),
        channel=SurveyChannel.PHONE,
        actor=actor,
        comment=comment,
        respondent=respondent,
    )


@transaction.atomic
def survey_cancel(*, actor, survey: Survey, reason: str, expected_version=None) -> Survey:
    """HR withdraws a survey (the contact left, the customer refused…) with a reason: it never
    counts, its link stops working, and an answered one no longer sets the customer's
    health."""
    check_version(survey, expected_version)
    require(permissions.can_cancel(actor, survey), permissions.cancel_denied_message())
    survey = Survey.objects.select_for_update(of=("self",)).select_related("rep").get(pk=survey.pk)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the survey is cancelled.")]
    if survey.status == SurveyStatus.CANCELLED:
        errors["status"] = [_("This survey is already cancelled.")]
    if errors:
        raise ValidationError(errors)
    before = survey.status
    survey.status = SurveyStatus.CANCELLED
    survey.cancel_reason = reason
    survey.token_hash = None
    survey.save(update_fields=["status", "cancel_reason", "token_hash", "updated_at"])
    audit_record(
        actor=actor,
        action="survey.cancel",
        target=survey,
        subject_user=survey.rep,
        changes={"status": [before, SurveyStatus.CANCELLED]},
        reason=reason,
    )
    if before == SurveyStatus.ANSWERED:
        _customer_health_follows(survey)
    _announce(survey)
    return survey
