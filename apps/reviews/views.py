"""Browser pages of review cycles and reviews (SPEC §2.5; issue 10 items 1, 2, 7, 9, 10).

Reads go through ``apps.reviews.selectors`` (scoped), writes through the shared write path
(:class:`apps.core.mixins.ServiceFormView`) into ``apps.reviews.services``; who may do what is
``apps.reviews.permissions``.
"""

from __future__ import annotations

import contextlib
import copy
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from apps.accounts.models import EmployeeProfile
from apps.core.formatting import format_number
from apps.core.mixins import FilteredListMixin, ServiceFormView
from apps.core.models import AuditEntry
from apps.core.permissions import is_admin, is_hr, is_manager
from apps.performance import periods
from apps.performance.choices import Kpi
from apps.reviews import permissions, selectors, services
from apps.reviews.choices import CycleKind, CycleStatus, Part, ReviewStatus
from apps.reviews.filters import ReviewCycleFilter, ReviewFilter
from apps.reviews.forms import (
    SUBMIT,
    CycleForm,
    FinaliseForm,
    ReopenForm,
    ReviewPartForm,
    WaiveForm,
)
from apps.reviews.models import Review, ReviewCycle, ReviewIndicator
from apps.scorecards.models import Scorecard
from apps.surveys import selectors as survey_selectors

PARTS = (Part.SELF, Part.MANAGER, Part.CUSTOMER)


def _hr_or_admin(user) -> bool:
    return is_hr(user) or is_admin(user)


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _survey_progress(period_key, rep_ids) -> dict:
    """``{rep_id: {"sampled", "answered", "cancelled"}}`` of the quarter (one query)."""
    if not rep_ids:
        return {}
    return survey_selectors.survey_progress(period_key=period_key, rep_ids=list(rep_ids))


def _calibration_url(cycle) -> str | None:
    if cycle.kind != CycleKind.YEAR:
        return None
    try:
        return f"{reverse('grades:calibration')}?{urlencode({'cycle': cycle.pk})}"
    except NoReverseMatch:
        return None


def _number(value) -> str:
    return format_number(Decimal(str(value)), 1) if value not in (None, "") else "—"


# -- what is next on a review ----------------------------------------------------------------


def _customer_done(review) -> bool:
    return review.customer_completed_at is not None or Part.CUSTOMER in (review.waivers or {})


def _self_done(review) -> bool:
    return review.self_submitted_at is not None or Part.SELF in (review.waivers or {})


def _manager_done(review) -> bool:
    return review.manager_submitted_at is not None or Part.MANAGER in (review.waivers or {})


def _due(text_with_date, text_without, day) -> str:
    if day:
        return text_with_date % {"date": _day(day)}
    return text_without


def part_marks(review) -> list[tuple]:
    """``(part, label, done, waived)`` for the self, manager and customer parts."""
    waivers = review.waivers or {}
    done = {
        Part.SELF: review.self_submitted_at is not None,
        Part.MANAGER: review.manager_submitted_at is not None,
        Part.CUSTOMER: review.customer_completed_at is not None,
    }
    return [
        (part, Part(part).label, done[part] or part in waivers, part in waivers) for part in PARTS
    ]


def next_step(review, user, *, managed_team_ids=frozenset()) -> str:
    """What happens next on ``review``, said to ``user`` ("Your self-review is due
    2026-10-15")."""
    cycle = review.cycle
    if review.status == ReviewStatus.FINALISED:
        return _("Finalised on %(date)s") % {"date": _day(review.finalised_at)}
    if cycle.kind == CycleKind.YEAR:
        if _hr_or_admin(user):
            return _("Ready to finalise")
        return _("Waiting for HR to finalise")
    own = review.person_id == user.pk
    reviewing = not own and (
        review.manager_id == user.pk or review.person.team_id in managed_team_ids
    )
    if not _self_done(review):
        if own:
            return _due(
                _("Your self-review is due %(date)s"), _("Your self-review is open"), cycle.self_due
            )
        return _due(_("Self-review due %(date)s"), _("Waiting for the self-review"), cycle.self_due)
    if not _manager_done(review):
        if reviewing:
            return _due(
                _("Your review is due %(date)s"), _("Your review is open"), cycle.manager_due
            )
        if own:
            return _("Waiting for your manager's review")
        return _due(
            _("Manager review due %(date)s"), _("Waiting for the manager review"), cycle.manager_due
        )
    if not _customer_done(review):
        return _due(
            _("Customer surveys due %(date)s"),
            _("Waiting for customer surveys"),
            cycle.survey_due,
        )
    if _hr_or_admin(user):
        return _("Ready to finalise")
    return _("Waiting for HR to finalise")


# -- reviews ---------------------------------------------------------------------------------


class ReviewListView(FilteredListMixin, ListView):
    """A rep's own reviews (current first), a manager's team's, HR's all; filterable."""

    model = Review
    filterset_class = ReviewFilter
    template_name = "reviews/review_list.html"
    context_object_name = "reviews"

    def get_queryset(self):
        queryset = selectors.review_list(user=self.request.user)
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        return self.filterset.qs.select_related(
            "cycle", "person", "person__team", "manager"
        ).order_by("-cycle__period_key", "cycle__kind", "person__username", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        managed = (
            frozenset(user.managed_teams.values_list("pk", flat=True))
            if is_manager(user)
            else frozenset()
        )
        rows = []
        for review in context["reviews"]:
            review.part_marks = part_marks(review)
            rows.append((review, next_step(review, user, managed_team_ids=managed)))
        context.update(
            rows=rows,
            can_manage_cycles=permissions.can_manage_cycles(user),
            can_read_cycles=permissions.can_manage_cycles(user) or is_manager(user),
        )
        return context


class ReviewDetailView(LoginRequiredMixin, DetailView):
    """One review: indicators, parts and weights, the score, the gap to target, the timeline,
    the history; read-only once finalised."""

    model = Review
    template_name = "reviews/review_detail.html"
    context_object_name = "review"

    def get_object(self, queryset=None):
        return selectors.review_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review, user = self.object, self.request.user
        cycle = review.cycle
        context.update(
            cycle=cycle,
            is_annual=cycle.kind == CycleKind.YEAR,
            history=_history(user, review),
            timeline=_timeline(review),
            scorecard=_scorecard(user, review),
            can_edit_self=permissions.can_edit_self(user, review),
            can_edit_manager=permissions.can_edit_manager(user, review),
            can_waive=permissions.can_waive(user, review),
            can_finalise=permissions.can_finalise(user, review),
            can_reopen=permissions.can_reopen(user, review),
            next_step=next_step(
                review,
                user,
                managed_team_ids=frozenset(
                    user.managed_teams.values_list("pk", flat=True) if is_manager(user) else ()
                ),
            ),
        )
        own = review.person_id == user.pk
        context["show_self"] = own or review.self_submitted_at is not None or review.locked
        context["show_manager"] = (
            not own or review.manager_submitted_at is not None or review.locked
        )
        if context["is_annual"]:
            context.update(_annual_context(review))
        else:
            indicators = selectors.review_indicators(review)
            context.update(indicators=indicators, **_parts_context(review))
        scorecard = context["scorecard"]
        if scorecard is not None and scorecard.sales_target is not None:
            context["gap"] = scorecard.sales_target - (scorecard.sales or Decimal("0"))
        return context


def _history(user, review):
    """The review's audit entries (newest first), with the change rows in words."""
    entries = list(
        AuditEntry.objects.visible_to(user).for_object(review).select_related("actor")[:50]
    )
    for entry in entries:
        rows = []
        for field, change in (entry.changes or {}).items():
            if isinstance(change, list | tuple) and len(change) == 2:
                rows.append((_field_label(field), _plain(change[0]), _plain(change[1])))
        entry.change_rows = rows
    return entries


def _field_label(name: str) -> str:
    """A changed field's name in words: a review or cycle field, or an indicator's
    ("self_score.sales_growth_rate" → "Sales growth rate: self score")."""
    for model in (Review, ReviewCycle):
        with contextlib.suppress(FieldDoesNotExist):
            return capfirst(model._meta.get_field(name).verbose_name)
    pieces = name.split(".")
    kpis = [piece for piece in pieces if piece in Kpi.values]
    if kpis:
        others = [piece for piece in pieces if piece not in Kpi.values]
        what = ""
        if others:
            what = others[0].replace("_", " ")
            with contextlib.suppress(FieldDoesNotExist):
                what = ReviewIndicator._meta.get_field(others[0]).verbose_name
        label = Kpi(kpis[0]).label
        return f"{label}: {what}" if what else str(label)
    return capfirst(name.replace("_", " "))


def _value_labels() -> dict:
    return {
        **dict(ReviewStatus.choices),
        **dict(Part.choices),
        "quarterly": _("Mean quarterly score"),
        "growth": _("Annual growth score"),
        "capability": _("Capability score"),
    }


def _plain(value) -> str:
    """An audited value as people read it (a status or part in words, weights by part)."""
    if value is None or value == "":
        return "—"
    labels = _value_labels()
    if isinstance(value, dict):
        return ", ".join(
            f"{labels.get(key, key)} {_plain(item)}"
            if not isinstance(item, dict)
            else str(labels.get(key, key))
            for key, item in value.items()
        )
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(labels.get(value, value))


def _timeline(review):
    """The review's steps: label, when done (or None), due date, waived."""
    cycle = review.cycle
    waivers = review.waivers or {}
    steps = [(_("Review opened"), review.created_at, None, None)]
    if cycle.kind == CycleKind.QUARTER:
        steps += [
            (
                _("Self-review submitted"),
                review.self_submitted_at,
                cycle.self_due,
                waivers.get(Part.SELF),
            ),
            (
                _("Manager review submitted"),
                review.manager_submitted_at,
                cycle.manager_due,
                waivers.get(Part.MANAGER),
            ),
            (
                _("Customer part complete"),
                review.customer_completed_at,
                cycle.survey_due,
                waivers.get(Part.CUSTOMER),
            ),
        ]
    steps.append((_("Finalised"), review.finalised_at, cycle.finalise_due, None))
    return [
        {"label": label, "at": at, "due": due, "waived": waived} for label, at, due, waived in steps
    ]


def _scorecard(user, review):
    return (
        Scorecard.objects.visible_to(user)
        .filter(rep_id=review.person_id, period_key=review.cycle.period_key)
        .first()
    )


def _parts_context(review) -> dict:
    cycle = review.cycle
    waivers = review.waivers or {}
    applied = review.effective_weights or {}
    configured = {
        Part.SELF: cycle.self_weight,
        Part.MANAGER: cycle.manager_weight,
        Part.CUSTOMER: cycle.customer_weight,
    }
    scores = {
        Part.SELF: review.self_part,
        Part.MANAGER: review.manager_part,
        Part.CUSTOMER: review.customer_part,
    }
    surveys = _survey_progress(cycle.period_key, [review.person_id]).get(review.person_id, {})
    parts = []
    for part in PARTS:
        waiver = waivers.get(part)
        weight = applied.get(part) if applied else None
        parts.append(
            {
                "key": part,
                "label": Part(part).label,
                "score": scores[part],
                "weight": configured[part],
                "applied": Decimal(str(weight)) if weight not in (None, "") else None,
                "waiver": waiver,
            }
        )
    waived = [p for p in parts if p["waiver"]]
    applied_text = " / ".join(
        _number(p["applied"] if p["applied"] is not None else p["weight"])
        for p in parts
        if not p["waiver"]
    )
    return {
        "parts": parts,
        "waived_parts": waived,
        "applied_weights": applied_text,
        "surveys": {
            "sampled": surveys.get("sampled", 0),
            "answered": surveys.get("answered", 0),
            "cancelled": surveys.get("cancelled", 0),
        },
        "missing_parts": [p["label"] for p in parts if p["score"] is None and not p["waiver"]],
    }


def _annual_context(review) -> dict:
    cycle = review.cycle
    scores = review.quarter_scores or {}
    profile = EmployeeProfile.objects.filter(user_id=review.person_id).only("hire_date").first()
    hire_date = profile.hire_date if profile is not None else None
    quarters = []
    try:
        year = periods.parse_period(cycle.period_key, business_range=False)
        year_quarters = year.quarters()
    except ValueError:
        year_quarters = []
    for quarter in year_quarters:
        score = scores.get(quarter.key)
        reason = ""
        if score is None:
            if hire_date is not None and hire_date > quarter.start:
                reason = _("%(quarter)s not included: joined on %(date)s") % {
                    "quarter": quarter.key,
                    "date": _day(hire_date),
                }
            else:
                reason = _("%(quarter)s not included: no finalised quarterly review") % {
                    "quarter": quarter.key
                }
        quarters.append(
            {
                "key": quarter.key,
                "score": Decimal(str(score)) if score is not None else None,
                "reason": reason,
            }
        )
    scheme = cycle.annual_scheme
    applied = review.effective_weights or {}
    weights = []
    for key, label, attr in (
        ("quarterly", _("Mean quarterly score"), "quarterly_weight"),
        ("growth", _("Annual growth score"), "growth_weight"),
        ("capability", _("Capability score"), "capability_weight"),
    ):
        configured = getattr(scheme, attr) if scheme is not None else None
        used = applied.get(key)
        weights.append(
            {
                "label": label,
                "weight": configured,
                "applied": Decimal(str(used)) if used not in (None, "") else None,
            }
        )
    return {"quarters": quarters, "annual_weights": weights, "scheme": scheme}


def part_closed_reason(review, part) -> str:
    """Why ``part`` of ``review`` cannot be written now ("" when it can): the services'
    rules, said before the user fills in the form."""
    cycle = review.cycle
    if cycle.kind != CycleKind.QUARTER:
        return _("An annual review has no indicators to score.")
    if cycle.status == CycleStatus.CLOSED:
        return _("This review cycle is closed.")
    if part in (review.waivers or {}):
        return _("HR waived this part.")
    submitted = review.self_submitted_at if part == Part.SELF else review.manager_submitted_at
    if submitted and review.status != ReviewStatus.REOPENED:
        return _("This part is already submitted; HR can reopen the review.")
    return ""


def _ignoring_lock(rule):
    """``rule`` asked as if the review were not locked: the page then explains the lock
    instead of a bare 403, and the service refuses the write."""

    def check(user, review):
        if not review.locked:
            return rule(user, review)
        probe = copy.copy(review)
        probe.status = ReviewStatus.REOPENED
        return rule(user, probe)

    return check


class ReviewWriteView(ServiceFormView):
    """A write on one review (the URL's ``pk``, scoped). A finalised review opens read-only:
    its page, with the lock explained; a post the service refuses (locked) writes nothing."""

    object_queryset = Review.objects.select_related("cycle", "person", "person__team", "manager")
    object_context_name = "review"
    version_check = True

    def get(self, request, *args, **kwargs):
        if self.object.locked:
            messages.warning(request, str(services.ReviewLocked().messages[0]))
            return redirect(self.object_url())
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 409 if getattr(form, "version_conflict", None) else 400
        if self.object is not None and self.object.locked:
            response.status_code = 409
        return response

    def object_url(self):
        return reverse("reviews:review-detail", kwargs={"pk": self.object.pk})

    def get_success_url(self, result=None):
        return self.object_url()


class ReviewPartView(ReviewWriteView):
    """The self or the manager part: every indicator 0–100 with a comment; Save draft or
    Submit."""

    form_class = ReviewPartForm
    template_name = "reviews/review_part_form.html"
    part = Part.SELF

    def load(self):
        self.indicators = selectors.review_indicators(self.object)

    def get(self, request, *args, **kwargs):
        reason = "" if self.object.locked else part_closed_reason(self.object, self.part)
        if reason:
            messages.info(request, reason)
            return redirect(self.object_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return ReviewPartForm.initial_for(self.object, self.indicators, self.part)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indicators": self.indicators, "part": self.part}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(part=self.part, is_self=self.part == Part.SELF, cycle=self.object.cycle)
        return context

    def conflict_label(self, form, name):
        return form[name].label

    def perform_service(self, form):
        save, submit = self.services()
        review = save(
            actor=self.request.user,
            review=self.object,
            expected_version=self.expected_version,
            summary=form.cleaned_data.get("summary", "").strip(),
            scores=form.scores(),
        )
        self.submitted = form.cleaned_data.get("action") == SUBMIT
        if self.submitted:
            review = submit(actor=self.request.user, review=review, expected_version=review.version)
        return review

    def services(self):
        raise NotImplementedError


class ReviewSelfView(ReviewPartView):
    #: Who (the person); whether the part is still open is said on the page / by the service.
    object_rule = staticmethod(permissions.is_self_rater)
    part = Part.SELF

    def services(self):
        return services.review_save_self, services.review_submit_self

    def get_success_message(self, result):
        if self.submitted:
            return _("Your self-review is submitted.")
        return _("Your self-review is saved as a draft.")


class ReviewManagerView(ReviewPartView):
    object_rule = staticmethod(permissions.is_manager_rater)
    part = Part.MANAGER

    def services(self):
        return services.review_save_manager, services.review_submit_manager

    def get_success_message(self, result):
        if self.submitted:
            return _("Your review of %(person)s is submitted.") % {"person": result.person}
        return _("Your review of %(person)s is saved as a draft.") % {"person": result.person}


class ReviewWaiveView(ReviewWriteView):
    """HR waives a part with a reason; the other parts' weights are scaled up to 100."""

    object_rule = staticmethod(_ignoring_lock(permissions.can_waive))
    form_class = WaiveForm
    template_name = "reviews/review_action.html"

    def get_form_kwargs(self):
        waived = set((self.object.waivers or {}).keys())
        parts = [part for part in PARTS if part not in waived]
        kwargs = {**super().get_form_kwargs(), "parts": parts}
        if self.request.method == "GET" and self.request.GET.get("part") in parts:
            kwargs["initial"] = {**kwargs.get("initial", {}), "part": self.request.GET["part"]}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Waive a part of the review of %(person)s") % {"person": self.object.person},
            intro=_(
                "A waived part no longer counts: the other parts' weights are scaled up so "
                "they add up to 100 again, and the reason is shown on the review."
            ),
            submit_label=_("Waive the part"),
        )
        return context

    def perform_service(self, form):
        return services.review_waive_part(
            actor=self.request.user,
            review=self.object,
            part=form.cleaned_data["part"],
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, result):
        return _("The part is waived; the other weights now add up to 100.")


class ReviewFinaliseView(ReviewWriteView):
    """HR finalises a review: it is locked until reopened with a reason."""

    object_rule = staticmethod(_ignoring_lock(permissions.can_finalise))
    form_class = FinaliseForm
    template_name = "reviews/review_action.html"

    def get_conflict_intent(self, form):
        return {"status": ReviewStatus.FINALISED}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        context.update(
            title=_("Finalise the review of %(person)s") % {"person": review.person},
            intro=_(
                "Once finalised, the review is locked: nobody can change its scores until HR "
                "reopens it with a reason."
            ),
            submit_label=_("Finalise"),
        )
        if review.cycle.kind == CycleKind.QUARTER:
            context["missing_parts"] = _parts_context(review)["missing_parts"]
        return context

    def perform_service(self, form):
        return services.review_finalise(
            actor=self.request.user, review=self.object, expected_version=self.expected_version
        )

    def get_success_message(self, result):
        return _("The review of %(person)s is finalised and locked.") % {"person": result.person}


class ReviewReopenView(ReviewWriteView):
    """HR reopens a finalised review with a reason."""

    object_rule = staticmethod(permissions.can_reopen)
    form_class = ReopenForm
    template_name = "reviews/review_action.html"

    def get(self, request, *args, **kwargs):
        # Reopening is for a locked review (the rule refuses the others): no redirect.
        return super(ReviewWriteView, self).get(request, *args, **kwargs)

    def get_conflict_intent(self, form):
        return {"status": ReviewStatus.REOPENED}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Reopen the review of %(person)s") % {"person": self.object.person},
            intro=_(
                "Reopening unlocks the review so its scores can be changed; it must be "
                "finalised again afterwards."
            ),
            submit_label=_("Reopen"),
        )
        return context

    def perform_service(self, form):
        return services.review_reopen(
            actor=self.request.user,
            review=self.object,
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, result):
        return _("The review of %(person)s is reopened.") % {"person": result.person}


# -- cycles ----------------------------------------------------------------------------------


def _may_read_cycles(user) -> bool:
    return permissions.can_manage_cycles(user) or is_manager(user)


def _step_counts(reviews) -> dict:
    """Per group key: total and how many passed each step, from one GROUP BY query over
    ``reviews`` (a values() queryset already grouped by the key)."""
    return reviews.annotate(
        total=Count("pk"),
        self_done=Count(
            "pk", filter=Q(self_submitted_at__isnull=False) | Q(waivers__has_key=Part.SELF)
        ),
        manager_done=Count(
            "pk",
            filter=Q(manager_submitted_at__isnull=False) | Q(waivers__has_key=Part.MANAGER),
        ),
        customer_done=Count(
            "pk",
            filter=Q(customer_completed_at__isnull=False) | Q(waivers__has_key=Part.CUSTOMER),
        ),
        finalised=Count("pk", filter=Q(status=ReviewStatus.FINALISED)),
    )


def _steps(row, kind) -> list[dict]:
    labels = [("self_done", _("Self-reviews")), ("manager_done", _("Manager reviews"))]
    labels += [("customer_done", _("Customer parts"))]
    if kind == CycleKind.YEAR:
        labels = []
    labels.append(("finalised", _("Finalised")))
    total = row.get("total", 0)
    return [
        {"key": key, "label": label, "done": row.get(key, 0), "total": total}
        for key, label in labels
    ]


class CycleListView(FilteredListMixin, ListView):
    """The cycles with their progress per step (HR and admins; managers read)."""

    model = ReviewCycle
    filterset_class = ReviewCycleFilter
    template_name = "reviews/cycle_list.html"
    context_object_name = "cycles"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _may_read_cycles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().order_by("-period_key", "kind", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        cycles = list(context["cycles"])
        reviews = Review.objects.visible_to(user).filter(cycle__in=[c.pk for c in cycles])
        counts = {row["cycle"]: row for row in _step_counts(reviews.values("cycle"))}
        context["rows"] = [
            (cycle, _steps(counts.get(cycle.pk, {}), cycle.kind)) for cycle in cycles
        ]
        context["can_manage_cycles"] = permissions.can_manage_cycles(user)
        return context


class CycleDetailView(LoginRequiredMixin, DetailView):
    """A cycle: progress per step and per team, survey progress, the reviews in the user's
    scope, and (a year) the link to grade calibration."""

    model = ReviewCycle
    template_name = "reviews/cycle_detail.html"
    context_object_name = "cycle"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _may_read_cycles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            ReviewCycle.objects.visible_to(self.request.user)
            .select_related("annual_scheme", "created_by")
            .prefetch_related("teams")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle, user = self.object, self.request.user
        reviews = (
            selectors.review_list(user=user, cycle=cycle)
            .select_related("cycle", "person", "person__team", "manager")
            .order_by("person__team__name", "person__username", "pk")
        )
        scoped = Review.objects.visible_to(user).filter(cycle=cycle)
        overall = _step_counts(scoped.values("cycle"))
        overall = overall[0] if overall else {}
        per_team = [
            {
                "team": row["person__team__name"],
                "steps": _steps(row, cycle.kind),
                "total": row["total"],
            }
            for row in _step_counts(
                scoped.values("person__team__name").order_by("person__team__name")
            )
        ]
        managed = (
            frozenset(user.managed_teams.values_list("pk", flat=True))
            if is_manager(user)
            else frozenset()
        )
        review_rows = []
        for review in reviews:
            review.part_marks = part_marks(review)
            review_rows.append((review, next_step(review, user, managed_team_ids=managed)))
        surveys = {"sampled": 0, "answered": 0, "cancelled": 0}
        if cycle.kind == CycleKind.QUARTER:
            progress = _survey_progress(cycle.period_key, {review.person_id for review in reviews})
            for row in progress.values():
                for key in surveys:
                    surveys[key] += row.get(key, 0)
        context.update(
            steps=_steps(overall, cycle.kind),
            total=overall.get("total", 0),
            per_team=per_team,
            review_rows=review_rows,
            surveys=surveys,
            calibration_url=_calibration_url(cycle),
            can_manage_cycles=permissions.can_manage_cycles(user),
        )
        return context


class CycleCreateView(ServiceFormView):
    """HR opens a cycle: kind, period, population, weights, deadlines, survey sample,
    and for a year the annual scheme and grade shares."""

    write_rule = staticmethod(permissions.can_manage_cycles)
    form_class = CycleForm
    template_name = "reviews/cycle_form.html"

    def get_initial(self):
        quarter = periods.period_containing(periods.QUARTER, timezone.localdate())
        return {
            "kind": CycleKind.QUARTER,
            "period_key": quarter.key,
            "name": _("%(period)s 360° review") % {"period": quarter.key},
        }

    def perform_service(self, form):
        return services.cycle_open(actor=self.request.user, **form.service_kwargs())

    def get_success_message(self, result):
        count = result.reviews.count()
        return _("%(name)s is open with %(count)s reviews.") % {
            "name": result.name,
            "count": format_number(count, 0),
        }

    def get_success_url(self, result=None):
        return reverse("reviews:cycle-detail", kwargs={"pk": result.pk})

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class CycleCloseView(ServiceFormView):
    """HR closes a cycle: no more self or manager edits; HR may still waive, finalise and
    reopen its reviews."""

    write_rule = staticmethod(permissions.can_manage_cycles)
    object_queryset = ReviewCycle.objects.all()
    object_context_name = "cycle"
    form_class = FinaliseForm
    template_name = "reviews/cycle_close.html"
    version_check = True

    def get(self, request, *args, **kwargs):
        if self.object.status == CycleStatus.CLOSED:
            messages.info(request, _("This review cycle is already closed."))
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_conflict_intent(self, form):
        return {"status": CycleStatus.CLOSED}

    def perform_service(self, form):
        return services.cycle_close(
            actor=self.request.user, cycle=self.object, expected_version=self.expected_version
        )

    def get_success_message(self, result):
        return _("%(name)s is closed.") % {"name": result.name}

    def get_success_url(self, result=None):
        return reverse("reviews:cycle-detail", kwargs={"pk": self.object.pk})

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 409 if getattr(form, "version_conflict", None) else 400
        return response
