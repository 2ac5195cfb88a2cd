import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.activities.choices import ActivityKind
from apps.activities.models import Activity
from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER
from apps.reminders.rules.base import Candidate, Param, Rule, RunContext, managers_of, registry
from apps.sales.choices import DeliveryStatus
from apps.sales.models import Delivery


def _visit_after_delivery():
    return Exists(
        Activity.objects.filter(
            customer=OuterRef("order__customer"),
            kind=ActivityKind.VISIT,
            occurred_at__date__gte=OuterRef("delivered_on"),
        )
    )


@registry.register
class FirstVisitAfterDelivery(Rule):
    """SPEC §1.3: the first follow-up visit within 3 working days after a delivery. The
    reminder closes itself when a visit to the customer on or after the delivery day is
    logged; once overdue, the owner's team managers get an escalation reminder."""

    code = "first_visit"
    name = _("First follow-up visit after delivery")
    description = _(
        "Reminds the order owner to visit the customer within the given working days after a "
        "delivery; overdue visits are escalated to the owner's managers."
    )
    model = "sales.Delivery"
    defaults = {"working_days": 3, "lookback_days": 60, "escalate": 1}
    params = {
        "working_days": Param(_("Working days after delivery"), minimum=1, maximum=30),
        "lookback_days": Param(_("Look at deliveries of the last N days"), minimum=1, maximum=366),
        "escalate": Param(
            _("Escalate overdue visits to managers (1 = yes, 0 = no)"), minimum=0, maximum=1
        ),
    }
    schedule = ("15", "7")
    same_occurrence_days = None

    def candidates(self, ctx: RunContext):
        since = ctx.today - datetime.timedelta(days=int(ctx.params["lookback_days"]))
        rows = list(
            Delivery.objects.filter(
                status=DeliveryStatus.DELIVERED,
                delivered_on__gte=since,
                delivered_on__lte=ctx.today,
            )
            .annotate(visited=_visit_after_delivery())
            .filter(visited=False)
            .values(
                "pk",
                "delivered_on",
                "order_id",
                "order__number",
                "order__owner_id",
                "order__customer_id",
                "order__customer__name",
            )
        )
        overdue_owner_ids = set()
        planned = []
        for row in rows:
            due = ctx.calendar.add_working_days(
                row["delivered_on"], int(ctx.params["working_days"])
            )
            planned.append((row, due))
            if due < ctx.today:
                overdue_owner_ids.add(row["order__owner_id"])
        managers = managers_of(overdue_owner_ids) if int(ctx.params["escalate"]) else {}
        for row, due in planned:
            details = {
                "customer": row["order__customer__name"],
                "order": row["order__number"],
                "delivered_on": row["delivered_on"].isoformat(),
            }
            link = reverse("customers:customer-detail", args=[row["order__customer_id"]])
            yield Candidate(row["pk"], row["order__owner_id"], due, details, link, LEVEL_OWNER)
            if due < ctx.today:
                for manager_id in managers.get(row["order__owner_id"], ()):
                    yield Candidate(row["pk"], manager_id, due, details, link, LEVEL_MANAGER)

    def resolved(self, ctx, open_reminders, candidates):
        ids = {reminder.object_id for reminder in open_reminders}
        visited = set(
            Delivery.objects.filter(pk__in=ids)
            .annotate(visited=_visit_after_delivery())
            .filter(visited=True)
            .values_list("pk", flat=True)
        )
        still = set(
            Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.DELIVERED).values_list(
                "pk", flat=True
            )
        )
        return {r.pk for r in open_reminders if r.object_id in visited or r.object_id not in still}

    def title(self, details, level):
        if level == LEVEL_MANAGER:
            return (
                gettext(
                    "Overdue: no follow-up visit to %(customer)s after the delivery of %(order)s"
                )
                % details
            )
        return gettext("Visit %(customer)s after the delivery of %(order)s") % details
