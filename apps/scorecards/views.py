"""Browser pages of scorecards: list, detail, recompute and job progress.

Reads are scoped (``visible_to``: a scorecard outside the user's scope is a 404); a recompute
is allowed to HR, admin and managers (403 otherwise) and goes through the service.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from apps.accounts.models import User
from apps.core.mixins import FilteredListMixin, ServiceFormView
from apps.performance.choices import Kpi
from apps.performance.periods import MONTH, parse_period, period_containing, recent_periods
from apps.scorecards import selectors, services
from apps.scorecards.filters import ScorecardFilter
from apps.scorecards.forms import RecomputeForm
from apps.scorecards.models import RecomputeJob, Scorecard
from apps.scorecards.permissions import can_recompute

#: The KPI columns of the list: (field, label kpi).
KPI_FIELDS = [
    ("sales_achievement_rate", Kpi.SALES_ACHIEVEMENT_RATE),
    ("sales_growth_rate", Kpi.SALES_GROWTH_RATE),
    ("new_customers_weighted", Kpi.NEW_CUSTOMERS),
    ("retention_rate", Kpi.RETENTION_RATE),
    ("collection_rate", Kpi.COLLECTION_RATE),
]


def current_month_key() -> str:
    return period_containing(MONTH, timezone.localdate()).key


def job_payload(job: RecomputeJob) -> dict:
    return {
        "id": job.pk,
        "period": job.period_key,
        "status": job.status,
        "total_chunks": job.total_chunks,
        "done_chunks": job.done_chunks,
        "progress_percent": job.progress_percent,
        "error": job.error,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


class ScorecardListView(FilteredListMixin, ListView):
    model = Scorecard
    filterset_class = ScorecardFilter
    template_name = "scorecards/scorecard_list.html"
    context_object_name = "scorecards"
    paginate_by = 50

    def get_queryset(self):
        data = self.request.GET.copy()
        if not data.get("period"):
            data["period"] = current_month_key()
        self.filterset = self.filterset_class(
            data, queryset=selectors.scorecard_list(user=self.request.user), request=self.request
        )
        return self.filterset.qs.order_by("rep__team__name", "rep__username", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.filterset.form.cleaned_data.get("period") if self.filterset.is_bound else None
        context["period"] = period or current_month_key()
        context["kpi_fields"] = [(field, kpi.label) for field, kpi in KPI_FIELDS]
        context["can_recompute"] = can_recompute(self.request.user)
        context["recompute_form"] = RecomputeForm(initial={"period": context["period"]})
        return context


class ScorecardDetailView(LoginRequiredMixin, DetailView):
    model = Scorecard
    template_name = "scorecards/scorecard_detail.html"
    context_object_name = "scorecard"

    def get_queryset(self):
        return selectors.scorecard_list(user=self.request.user).select_related("weight_scheme")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(Kpi.choices)
        context["kpis"] = [
            {"kpi": kpi, "label": labels.get(kpi, kpi), **values}
            for kpi, values in self.object.kpi_scores.items()
        ]
        context["team_average"] = selectors.team_average(self.object)
        context["can_recompute"] = can_recompute(self.request.user)
        return context


class RepDashboardView(LoginRequiredMixin, TemplateView):
    """A rep's last 13 months: score and monthly KPIs beside the team average (SPEC §2.5).

    ``/scorecards/dashboard/`` is the user's own; ``/scorecards/dashboard/<id>/`` shows a person
    the user may see (a manager their team, HR everyone); anyone else is a 404."""

    template_name = "scorecards/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rep_id = self.kwargs.get("rep_id", self.request.user.pk)
        rep = get_object_or_404(User.objects.visible_to(self.request.user), pk=rep_id)
        months = [p.key for p in recent_periods(MONTH, timezone.localdate(), 13)]
        context["rep"] = rep
        context["rows"] = list(reversed(selectors.rep_monthly_history(rep=rep, months=months)))
        return context


class RecomputeView(ServiceFormView):
    """POST a period: queue its recompute and follow the job's progress (a refused period is
    flashed on the scorecard list)."""

    http_method_names = ["post"]
    write_rule = can_recompute
    form_class = RecomputeForm

    def perform_service(self, form):
        try:  # say exactly why a key is refused (e.g. outside the business dates)
            parse_period(form.cleaned_data["period"])
        except ValueError as error:
            raise ValidationError({"period": [str(error)]}) from error
        return services.recompute_job_create(
            period_key=form.cleaned_data["period"], requested_by=self.request.user
        )

    def get_success_message(self, job) -> str:
        return _("Recompute of %(period)s queued.") % {"period": job.period_key}

    def get_success_url(self, job=None) -> str:
        return reverse("scorecards:job-detail", kwargs={"pk": job.pk})

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect("scorecards:scorecard-list")


class JobDetailView(LoginRequiredMixin, DetailView):
    model = RecomputeJob
    template_name = "scorecards/job_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return selectors.recompute_job_list(user=self.request.user)


class JobStatusView(LoginRequiredMixin, View):
    """The job's progress as JSON (polled by the job page)."""

    def get(self, request, pk):
        job = get_object_or_404(selectors.recompute_job_list(user=request.user), pk=pk)
        return JsonResponse(job_payload(job))
