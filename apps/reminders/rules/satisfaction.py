"""SPEC §1.3: a customer's latest satisfaction below 80 makes a retention-plan task for the
owner and the owner's managers; at or above 90 an invitation task (case co-creation, referral
programme) for the owner.

The satisfaction is the customer's own: ``Customer.latest_satisfaction`` is set by the latest
answered satisfaction survey (link or phone interview, SPEC §2.3; nobody types it in), and by
the health reports filed before surveys existed. A task is anchored on the reading it answers:
the latest answered survey (its answer date), else the latest health report with a
satisfaction (its filing date), else the customer's creation date. A new low reading makes a
new task and closes the previous one; a recovered satisfaction closes it."""

from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.customers.choices import CustomerStatus
from apps.customers.models import HIGH_RISK_BELOW, INVITE_FROM, Customer, HealthReport
from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER
from apps.reminders.rules.base import Candidate, Param, Rule, RunContext, managers_of, registry
from apps.surveys.choices import SurveyStatus
from apps.surveys.models import Survey


class SatisfactionRule(Rule):
    model = "customers.Customer"
    notify_managers = False
    schedule = ("0", "8")
    same_occurrence_days = 7

    def matches(self, satisfaction: Decimal, threshold: Decimal) -> bool:
        raise NotImplementedError

    def threshold_filter(self, threshold: Decimal) -> dict:
        raise NotImplementedError

    def _rows(self, ctx, ids=None):
        threshold = Decimal(str(ctx.params["threshold"]))
        latest = HealthReport.objects.filter(
            customer=OuterRef("pk"), satisfaction__isnull=False
        ).order_by("-year", "-quarter")
        queryset = Customer.objects.filter(
            status=CustomerStatus.ACTIVE, **self.threshold_filter(threshold)
        )
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
        survey = Survey.objects.filter(
            customer=OuterRef("pk"), status=SurveyStatus.ANSWERED
        ).order_by("-period_key", "-answered_at", "-pk")
        rows = queryset.annotate(
            reading_at=Coalesce(
                Subquery(survey.values("answered_at")[:1]),
                Subquery(latest.values("created_at")[:1]),
            )
        ).values("pk", "owner_id", "name", "latest_satisfaction", "created_at", "reading_at")
        out = []
        for row in rows:
            anchor = timezone.localdate(row["reading_at"] or row["created_at"])
            due = ctx.calendar.add_working_days(anchor, int(ctx.params["working_days"]))
            out.append((row, due))
        return out

    def candidates(self, ctx: RunContext):
        planned = self._rows(ctx)
        managers = (
            managers_of(row["owner_id"] for row, _ in planned) if self.notify_managers else {}
        )
        for row, due in planned:
            details = {"customer": row["name"], "satisfaction": str(row["latest_satisfaction"])}
            link = reverse("customers:customer-detail", args=[row["pk"]])
            yield Candidate(row["pk"], row["owner_id"], due, details, link, LEVEL_OWNER)
            for manager_id in managers.get(row["owner_id"], ()):
                yield Candidate(row["pk"], manager_id, due, details, link, LEVEL_MANAGER)

    def resolved(self, ctx, open_reminders, candidates):
        current = {(c.object_id, c.due_on) for c in candidates}
        return {r.pk for r in open_reminders if (r.object_id, r.due_on) not in current}


@registry.register
class RetentionPlan(SatisfactionRule):
    code = "retention_plan"
    name = _("High-risk customer: retention plan")
    description = _(
        "A customer whose latest satisfaction is below the threshold gets a retention-plan task "
        "for the owner and the owner's managers."
    )
    notify_managers = True
    defaults = {"threshold": str(HIGH_RISK_BELOW), "working_days": 5}
    params = {
        "threshold": Param(_("Satisfaction below"), kind="decimal", minimum=0, maximum=100),
        "working_days": Param(_("Working days to make the plan"), minimum=1, maximum=60),
    }

    def threshold_filter(self, threshold):
        return {"latest_satisfaction__lt": threshold}

    def title(self, details, level):
        return (
            gettext(
                "High-risk customer %(customer)s (satisfaction %(satisfaction)s): "
                "make a retention plan"
            )
            % details
        )


@registry.register
class ReferralInvitation(SatisfactionRule):
    code = "referral_invitation"
    name = _("Satisfied customer: referral and case invitation")
    description = _(
        "A customer whose latest satisfaction is at or above the threshold gets a task for the "
        "owner to invite it to case co-creation and the referral reward programme."
    )
    defaults = {"threshold": str(INVITE_FROM), "working_days": 10}
    params = {
        "threshold": Param(_("Satisfaction from"), kind="decimal", minimum=0, maximum=100),
        "working_days": Param(_("Working days to send the invitation"), minimum=1, maximum=60),
    }

    def threshold_filter(self, threshold):
        return {"latest_satisfaction__gte": threshold}

    def title(self, details, level):
        return (
            gettext(
                "Invite %(customer)s (satisfaction %(satisfaction)s) to case co-creation and the "
                "referral programme"
            )
            % details
        )
