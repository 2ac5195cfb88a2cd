import calendar
import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.leads.choices import OPEN_STATUSES, Grade, LeadStatus
from apps.leads.models import Lead
from apps.reminders.rules.base import Candidate, Param, Rule, RunContext, registry


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@registry.register
class ALeadFirstContact(Rule):
    """SPEC §1.1: an A lead not contacted within 1 working day raises a reminder. Due on the
    N-th working day after the lead came in; closes itself once the lead is contacted (or is no
    longer a new A lead)."""

    code = "a_lead_contact"
    name = _("A lead not contacted")
    description = _(
        "Reminds the owner of a new A lead that has not been contacted within the given working "
        "days."
    )
    model = "leads.Lead"
    defaults = {"working_days": 1}
    params = {"working_days": Param(_("Working days to first contact"), minimum=1, maximum=30)}
    schedule = ("0", "*")
    same_occurrence_days = None

    def _rows(self, ids=None):
        queryset = Lead.objects.filter(
            grade=Grade.A, status=LeadStatus.NEW, first_contacted_at__isnull=True
        )
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
        return queryset.values("pk", "created_at", "owner_id", "company_name")

    def candidates(self, ctx: RunContext):
        for row in self._rows():
            came_in = timezone.localdate(row["created_at"])
            due = ctx.calendar.add_working_days(came_in, int(ctx.params["working_days"]))
            if ctx.today >= due:
                yield Candidate(
                    row["pk"],
                    row["owner_id"],
                    due,
                    {"company": row["company_name"]},
                    reverse("leads:lead-detail", args=[row["pk"]]),
                )

    def resolved(self, ctx, open_reminders, candidates):
        waiting = {row["pk"] for row in self._rows({r.object_id for r in open_reminders})}
        return {r.pk for r in open_reminders if r.object_id not in waiting}

    def title(self, details, level):
        return gettext("Contact the A lead %(company)s") % details


@registry.register
class CLeadNurture(Rule):
    """SPEC §1.1: every open C lead gets a nurture touch every month. The touch is due N months
    after the last logged touch (or after the lead came in), moved to a working day; logging a
    touch closes the reminder."""

    code = "c_lead_nurture"
    name = _("C lead nurture touch")
    description = _("Reminds the owner of an open C lead when its monthly nurture touch is due.")
    model = "leads.Lead"
    defaults = {"interval_months": 1}
    params = {"interval_months": Param(_("Months between touches"), minimum=1, maximum=12)}
    schedule = ("30", "7")
    same_occurrence_days = 14

    def _due_by_lead(self, ctx, ids=None) -> dict[int, tuple]:
        queryset = Lead.objects.filter(grade=Grade.C, status__in=OPEN_STATUSES)
        if ids is not None:
            queryset = queryset.filter(pk__in=ids)
        rows = queryset.annotate(last_touch=Max("nurture_touches__touched_on")).values(
            "pk", "created_at", "owner_id", "company_name", "last_touch"
        )
        months = int(ctx.params["interval_months"])
        out = {}
        for row in rows:
            anchor = row["last_touch"] or timezone.localdate(row["created_at"])
            due = ctx.calendar.next_working_day(add_months(anchor, months))
            out[row["pk"]] = (due, row)
        return out

    def candidates(self, ctx: RunContext):
        for pk, (due, row) in self._due_by_lead(ctx).items():
            if ctx.today >= due:
                yield Candidate(
                    pk,
                    row["owner_id"],
                    due,
                    {"company": row["company_name"]},
                    reverse("leads:lead-detail", args=[pk]),
                )

    def resolved(self, ctx, open_reminders, candidates):
        current = self._due_by_lead(ctx, {r.object_id for r in open_reminders})
        return {
            r.pk
            for r in open_reminders
            if r.object_id not in current or current[r.object_id][0] > r.due_on
        }

    def title(self, details, level):
        return gettext("Nurture touch due for the C lead %(company)s") % details
