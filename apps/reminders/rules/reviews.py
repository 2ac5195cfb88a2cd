"""Review deadlines (issue 10 item 1): one rule per step of a quarterly 360° review cycle.

Each reminds from ``notice_days`` working days before the step's deadline until the step is
done (and keeps reminding after the deadline: the reminder stays open until then), and
closes itself when the step is done, the review is finalised or the cycle is closed.

- self-review due → the person reviewed;
- manager review due → the reviewing manager (HR when the review has none);
- customer surveys due → the reviewing manager and HR, while surveys of the person's sample are
  still waiting for an answer (or none is answered yet);
- finalisation due → HR, one reminder per cycle while some of its reviews are not finalised.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.choices import Role
from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER
from apps.reminders.rules.base import Candidate, Param, Rule, RunContext, registry
from apps.reviews.choices import CycleKind, CycleStatus, ReviewStatus
from apps.reviews.models import Review, ReviewCycle

NOTICE = Param(_("Working days of notice before the deadline"), minimum=0, maximum=60)


def hr_ids() -> list[int]:
    """The active HR people (they run the review process)."""
    return list(
        User.objects.filter(role=Role.HR, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _in_notice(ctx: RunContext, due) -> bool:
    """From ``notice_days`` working days before ``due`` on (and after it)."""
    return ctx.calendar.working_days_between(ctx.today, due) <= int(ctx.params["notice_days"])


def _open_reviews(due_field: str):
    """Reviews of open quarter cycles with a ``due_field`` deadline, not finalised."""
    return Review.objects.filter(
        cycle__kind=CycleKind.QUARTER,
        cycle__status=CycleStatus.OPEN,
        **{f"cycle__{due_field}__isnull": False},
    ).exclude(status=ReviewStatus.FINALISED)


def _details(row: dict) -> dict:
    return {"cycle": row["cycle__name"], "person": row["person_name"]}


class _ReviewStepRule(Rule):
    """A step of a review (self or manager) due by the cycle's deadline."""

    model = "reviews.Review"
    defaults = {"notice_days": 3}
    params = {"notice_days": NOTICE}
    schedule = ("15", "8")
    #: ``self`` or ``manager``.
    part = ""
    due_field = ""

    def pending(self):
        return (
            _open_reviews(self.due_field)
            .filter(**{f"{self.part}_submitted_at__isnull": True})
            .exclude(waivers__has_key=self.part)
        )

    def recipients(self, row: dict, hr: list[int]) -> list[tuple[int, int]]:
        raise NotImplementedError

    def candidates(self, ctx: RunContext):
        rows = list(
            self.pending().values(
                "pk",
                "person_id",
                "manager_id",
                "person__username",
                "person__first_name",
                "person__last_name",
                "cycle__name",
                f"cycle__{self.due_field}",
            )
        )
        hr = hr_ids() if rows else []
        for row in rows:
            due = row[f"cycle__{self.due_field}"]
            if not _in_notice(ctx, due):
                continue
            row["person_name"] = (
                f"{row['person__first_name']} {row['person__last_name']}".strip()
                or row["person__username"]
            )
            link = reverse("reviews:review-detail", args=[row["pk"]])
            for recipient, level in self.recipients(row, hr):
                yield Candidate(row["pk"], recipient, due, _details(row), link, level)

    def resolved(self, ctx, open_reminders, candidates):
        ids = {r.object_id for r in open_reminders}
        still = set(self.pending().filter(pk__in=ids).values_list("pk", flat=True))
        return {r.pk for r in open_reminders if r.object_id not in still}


@registry.register
class ReviewSelfDue(_ReviewStepRule):
    code = "review_self_due"
    name = _("Self-review due")
    description = _(
        "Reminds each person of their self-review from a few working days before the cycle's "
        "self-review deadline until they submit it."
    )
    part = "self"
    due_field = "self_due"

    def recipients(self, row, hr):
        return [(row["person_id"], LEVEL_OWNER)]

    def title(self, details, level):
        return gettext("Your self-review for %(cycle)s is due") % details


@registry.register
class ReviewManagerDue(_ReviewStepRule):
    code = "review_manager_due"
    name = _("Manager review due")
    description = _(
        "Reminds the reviewing manager (HR when there is none) of each manager review from a "
        "few working days before the cycle's deadline until it is submitted."
    )
    part = "manager"
    due_field = "manager_due"

    def recipients(self, row, hr):
        if row["manager_id"]:
            return [(row["manager_id"], LEVEL_OWNER)]
        return [(pk, LEVEL_MANAGER) for pk in hr if pk != row["person_id"]]

    def title(self, details, level):
        return gettext("Manager review of %(person)s for %(cycle)s is due") % details


@registry.register
class ReviewSurveysDue(Rule):
    """Customer surveys of a person's sample still waiting near the survey deadline."""

    code = "review_surveys_due"
    name = _("Customer surveys due")
    description = _(
        "Tells the reviewing manager and HR, a few working days before the survey deadline, "
        "whose customer surveys are still waiting for an answer (phone the customers or send "
        "the link again)."
    )
    model = "reviews.Review"
    defaults = {"notice_days": 3}
    params = {"notice_days": NOTICE}
    schedule = ("30", "8")

    def pending(self):
        return (
            _open_reviews("survey_due")
            .filter(customer_completed_at__isnull=True)
            .exclude(waivers__has_key="customer")
        )

    def _waiting(self, rows) -> dict[tuple[int, str], int]:
        """``{(person, quarter): surveys waiting}`` (one query)."""
        from apps.surveys.choices import SurveyStatus
        from apps.surveys.models import Survey

        people = {row["person_id"] for row in rows}
        quarters = {row["cycle__period_key"] for row in rows}
        counts = (
            Survey.objects.filter(rep_id__in=people, period_key__in=quarters)
            .order_by()
            .values("rep_id", "period_key")
            .annotate(
                waiting=Count("pk", filter=Q(status=SurveyStatus.PENDING)),
                answered=Count("pk", filter=Q(status=SurveyStatus.ANSWERED)),
            )
        )
        return {
            (row["rep_id"], row["period_key"]): row["waiting"]
            for row in counts
            if row["waiting"] or not row["answered"]
        }

    def candidates(self, ctx: RunContext):
        rows = [
            row
            for row in self.pending().values(
                "pk",
                "person_id",
                "manager_id",
                "person__username",
                "person__first_name",
                "person__last_name",
                "cycle__name",
                "cycle__period_key",
                "cycle__survey_due",
            )
            if _in_notice(ctx, row["cycle__survey_due"])
        ]
        if not rows:
            return
        waiting = self._waiting(rows)
        hr = hr_ids()
        for row in rows:
            key = (row["person_id"], row["cycle__period_key"])
            if key not in waiting:
                continue
            row["person_name"] = (
                f"{row['person__first_name']} {row['person__last_name']}".strip()
                or row["person__username"]
            )
            details = {**_details(row), "waiting": waiting[key]}
            link = reverse("reviews:review-detail", args=[row["pk"]])
            due = row["cycle__survey_due"]
            if row["manager_id"]:
                yield Candidate(row["pk"], row["manager_id"], due, details, link, LEVEL_OWNER)
            for pk in hr:
                yield Candidate(row["pk"], pk, due, details, link, LEVEL_MANAGER)

    def resolved(self, ctx, open_reminders, candidates):
        called_for = {(c.object_id, c.recipient_id, c.level) for c in candidates}
        ids = {r.object_id for r in open_reminders}
        still = set(self.pending().filter(pk__in=ids).values_list("pk", flat=True))
        return {
            r.pk
            for r in open_reminders
            if r.object_id not in still or (r.object_id, r.recipient_id, r.level) not in called_for
        }

    def title(self, details, level):
        return (
            gettext("%(waiting)s customer surveys of %(person)s (%(cycle)s) still unanswered")
            % details
        )


@registry.register
class ReviewFinaliseDue(Rule):
    """HR: a cycle's reviews to finalise by its deadline."""

    code = "review_finalise_due"
    name = _("Review finalisation due")
    description = _(
        "Reminds HR, a few working days before a cycle's finalisation deadline, while some of "
        "its reviews are not finalised yet."
    )
    model = "reviews.ReviewCycle"
    defaults = {"notice_days": 3}
    params = {"notice_days": NOTICE}
    schedule = ("45", "8")

    def pending(self):
        return (
            ReviewCycle.objects.filter(status=CycleStatus.OPEN, finalise_due__isnull=False)
            .annotate(
                unfinalised=Count("reviews", filter=~Q(reviews__status=ReviewStatus.FINALISED))
            )
            .filter(unfinalised__gt=0)
        )

    def candidates(self, ctx: RunContext):
        rows = [
            row
            for row in self.pending().values("pk", "name", "finalise_due", "unfinalised")
            if _in_notice(ctx, row["finalise_due"])
        ]
        hr = hr_ids() if rows else []
        for row in rows:
            details = {"cycle": row["name"], "open": row["unfinalised"]}
            link = reverse("reviews:cycle-detail", args=[row["pk"]])
            for pk in hr:
                yield Candidate(row["pk"], pk, row["finalise_due"], details, link, LEVEL_OWNER)

    def resolved(self, ctx, open_reminders, candidates):
        ids = {r.object_id for r in open_reminders}
        still = set(self.pending().filter(pk__in=ids).values_list("pk", flat=True))
        return {r.pk for r in open_reminders if r.object_id not in still}

    def title(self, details, level):
        return gettext("%(open)s reviews of %(cycle)s still to finalise") % details
