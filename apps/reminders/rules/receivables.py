import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.reminders.choices import LEVEL_MANAGER, LEVEL_OWNER
from apps.reminders.rules.base import Candidate, Param, Rule, RunContext, managers_of, registry
from apps.sales.models import Receivable

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def open_receivables():
    """Receivables with an open amount (amount − Σ payments > 0), annotated ``open_amount``."""
    return (
        Receivable.objects.annotate(paid=Coalesce(Sum("payments__amount"), ZERO))
        .annotate(open_amount=F("amount") - F("paid"))
        .filter(open_amount__gt=0)
    )


@registry.register
class ReceivableOverdue(Rule):
    """SPEC §1.2: a receivable past its due date reminds the order owner, and again when it
    is 30, 60 and 90 days overdue (one reminder per stage reached; the stage's date is the
    reminder's due date). From ``escalate_from_days`` the owner's managers are told too.
    Paying the receivable in full closes every stage's reminder."""

    code = "receivable_overdue"
    name = _("Receivable overdue")
    description = _(
        "Reminds the order owner of an unpaid receivable the day after its due date and again at "
        "each further stage; later stages also go to the owner's managers."
    )
    model = "sales.Receivable"
    defaults = {"stages": [0, 30, 60, 90], "escalate_from_days": 60}
    params = {
        "stages": Param(
            _("Stages (days overdue, comma-separated)"), kind="int_list", minimum=0, maximum=3650
        ),
        "escalate_from_days": Param(
            _("Tell managers from this many days overdue"), minimum=0, maximum=3650
        ),
    }
    schedule = ("0", "9")

    def candidates(self, ctx: RunContext):
        stages = sorted(int(s) for s in ctx.params["stages"])
        escalate_from = int(ctx.params["escalate_from_days"])
        rows = list(
            open_receivables()
            .filter(due_on__lt=ctx.today)
            .values("pk", "due_on", "order_id", "order__number", "order__owner_id", "open_amount")
        )
        planned = []
        for row in rows:
            overdue = (ctx.today - row["due_on"]).days
            reached = [s for s in stages if overdue >= max(s, 1)]
            if reached:
                planned.append((row, reached[-1]))
        managers = managers_of(
            row["order__owner_id"] for row, stage in planned if stage >= escalate_from
        )
        for row, stage in planned:
            due = row["due_on"] + datetime.timedelta(days=stage)
            details = {
                "order": row["order__number"],
                "open": str(Decimal(row["open_amount"]).quantize(Decimal("0.01"))),
                "days": stage,
            }
            link = reverse("sales:receivable-detail", args=[row["pk"]])
            yield Candidate(row["pk"], row["order__owner_id"], due, details, link, LEVEL_OWNER)
            if stage >= escalate_from:
                for manager_id in managers.get(row["order__owner_id"], ()):
                    yield Candidate(row["pk"], manager_id, due, details, link, LEVEL_MANAGER)

    def resolved(self, ctx, open_reminders, candidates):
        ids = {r.object_id for r in open_reminders}
        still_open = set(open_receivables().filter(pk__in=ids).values_list("pk", flat=True))
        return {r.pk for r in open_reminders if r.object_id not in still_open}

    def validate_together(self, cleaned):
        return {}

    def title(self, details, level):
        if not details.get("days"):
            return gettext("Receivable of %(order)s is overdue: %(open)s open") % details
        return gettext("Receivable of %(order)s is %(days)s days overdue: %(open)s open") % details
