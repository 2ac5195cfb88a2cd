import datetime

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.quarters import quarter_end, quarter_of
from apps.customers.choices import CustomerStatus
from apps.customers.models import Customer, HealthReport
from apps.customers.selectors import health_report_due
from apps.reminders.rules.base import Candidate, Param, Rule, RunContext, registry


@registry.register
class QuarterlyHealthReport(Rule):
    """SPEC §1.3: a health report per active customer per quarter, due on the quarter's last
    working day; the reminder appears ``notice_days`` before and closes itself when the
    report for that quarter is filed (or the customer is lost)."""

    code = "health_report"
    name = _("Quarterly customer health report")
    description = _(
        "Reminds the owner of each active customer that the quarter's health report is due on "
        "the quarter's last working day."
    )
    model = "customers.Customer"
    defaults = {"notice_days": 14}
    params = {
        "notice_days": Param(_("Days of notice before the quarter ends"), minimum=0, maximum=90)
    }
    schedule = ("45", "7")
    same_occurrence_days = 14

    def due_for(self, ctx, year, quarter) -> datetime.date:
        return ctx.calendar.last_working_day_on_or_before(quarter_end(year, quarter))

    def candidates(self, ctx: RunContext):
        year, quarter = quarter_of(ctx.today)
        due = self.due_for(ctx, year, quarter)
        if ctx.today < due - datetime.timedelta(days=int(ctx.params["notice_days"])):
            return
        rows = health_report_due(year=year, quarter=quarter, skip_added_later=False).values(
            "pk", "owner_id", "name"
        )
        for row in rows:
            yield Candidate(
                row["pk"],
                row["owner_id"],
                due,
                {"customer": row["name"], "year": year, "quarter": quarter},
                reverse("customers:customer-detail", args=[row["pk"]]),
            )

    def resolved(self, ctx, open_reminders, candidates):
        ids = {r.object_id for r in open_reminders}
        filed = set(
            HealthReport.objects.filter(customer__in=ids).values_list("customer", "year", "quarter")
        )
        active = set(
            Customer.objects.filter(pk__in=ids, status=CustomerStatus.ACTIVE).values_list(
                "pk", flat=True
            )
        )
        return {
            r.pk
            for r in open_reminders
            if r.object_id not in active or (r.object_id, *quarter_of(r.due_on)) in filed
        }

    def title(self, details, level):
        return gettext("Health report %(year)s-Q%(quarter)s due for %(customer)s") % details
