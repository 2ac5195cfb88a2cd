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
from django.views.generic import DetailView, ListView

from apps.accounts.models import User
from apps.core.mixins import FilteredListMixin, ServiceFormView
from apps.development.choices import LearningKind
from apps.performance.choices import KPI_UNITS, Kpi
from apps.performance.periods import MONTH, parse_period, period_containing
from apps.scorecards import selectors, services
from apps.scorecards.choices import FIELD_LABELS, QUALITATIVE_NOTES, SECTION_LABELS
from apps.scorecards.filters import ORDERING_LABELS, TIE_BREAK, ScorecardFilter
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
    """The period's scorecards (the current month by default), sortable by every column
    (``?ordering=``, shared with the API); people with no figures only on request."""

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
        queryset = self.filterset.qs
        if not self._ordering():
            queryset = queryset.order_by(*TIE_BREAK)
        return queryset

    def _ordering(self) -> str:
        """The valid ``ordering`` key in force ("" for the default order)."""
        if not self.filterset.is_valid():
            return ""
        return (self.filterset.form.cleaned_data.get("ordering") or [""])[0]

    def _columns(self) -> list[dict]:
        """The sortable headers: a link that sorts by the column (ascending first, then
        the other way), its arrow and ``aria-sort``."""
        current = self._ordering()
        query = self.request.GET.copy()
        query.pop("page", None)
        query["period"] = self.filterset.form.cleaned_data.get("period") or current_month_key()
        columns = []
        for key, label in ORDERING_LABELS.items():
            direction = ""
            if current.lstrip("-") == key:
                direction = "descending" if current.startswith("-") else "ascending"
            query["ordering"] = key if direction != "ascending" else f"-{key}"
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "url": f"?{query.urlencode()}",
                    "aria_sort": direction or "none",
                    "arrow": {"ascending": "▲", "descending": "▼"}.get(direction, ""),
                    "numeric": key not in ("rep", "team"),
                }
            )
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.filterset.form.cleaned_data.get("period") if self.filterset.is_bound else None
        context["period"] = period or current_month_key()
        context["columns"] = self._columns()
        context["kpi_fields"] = [(field, kpi.label) for field, kpi in KPI_FIELDS]
        context["can_recompute"] = can_recompute(self.request.user)
        context["recompute_form"] = RecomputeForm(initial={"period": context["period"]})
        context["qualitative"] = _carries_qualitative(context["period"])
        return context


def _carries_qualitative(period_key: str) -> bool:
    """Whether scorecards of ``period_key`` carry the qualitative KPIs (quarters, years)."""
    try:
        return parse_period(period_key, business_range=False).kind in selectors.QUALITATIVE_KINDS
    except (ValueError, TypeError):
        return False


class ScorecardDetailView(LoginRequiredMixin, DetailView):
    model = Scorecard
    template_name = "scorecards/scorecard_detail.html"
    context_object_name = "scorecard"

    def get_queryset(self):
        return selectors.scorecard_list(user=self.request.user).select_related("weight_scheme")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(Kpi.choices)
        url = reverse("scorecards:scorecard-sources", args=[self.object.pk])
        sources_urls = {kpi: f"{url}?kpi={kpi}" for kpi in selectors.sources_kpis(self.object)}
        context["sources_urls"] = sources_urls
        context["kpis"] = [
            {
                "kpi": kpi,
                "label": labels.get(kpi, kpi),
                "sources_url": sources_urls.get(kpi),
                # A rate's value and target read as percentages; every other KPI (the
                # qualitative scores too) as a number with two decimals.
                "is_rate": KPI_UNITS.get(kpi) == "percent",
                **values,
            }
            for kpi, values in self.object.kpi_scores.items()
        ]
        context["qualitative"] = [
            {
                "field": name,
                "label": FIELD_LABELS[name],
                "value": getattr(self.object, name),
                "note": QUALITATIVE_NOTES[name],
                "sources_url": sources_urls.get(name),
            }
            for name in selectors.QUALITATIVE_FIELDS
            if self.object.period_kind in selectors.QUALITATIVE_KINDS
        ]
        context["team_average"] = selectors.team_average(self.object)
        context["can_recompute"] = can_recompute(self.request.user)
        return context


class DashboardRedirectView(LoginRequiredMixin, View):
    """The old monthly dashboards, moved: ``/scorecards/dashboard/`` to ``dashboards:my`` and
    ``/scorecards/dashboard/<id>/`` (a person the user may see, else 404) to ``dashboards:rep``,
    permanently."""

    def get(self, request, rep_id=None):
        if rep_id is None:
            return redirect("dashboards:my", permanent=True)
        rep = get_object_or_404(User.objects.visible_to(request.user), pk=rep_id)
        return redirect("dashboards:rep", rep_id=rep.pk, permanent=True)


MONEY_FIELDS = frozenset({"sales", "sales_last_year", "receivable_due", "collected"})


class ScorecardSourcesView(LoginRequiredMixin, ListView):
    """The records behind one KPI of a scorecard (``?kpi=``, ``&section=``), 50 a page, with
    totals equal to the scorecard's figures (unless it is stale: the rows are today's). An
    unknown KPI shows the first one, with a message."""

    model = Scorecard
    template_name = "scorecards/scorecard_sources.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        self.scorecard = get_object_or_404(
            selectors.scorecard_list(user=self.request.user), pk=self.kwargs["pk"]
        )
        kpi = self.request.GET.get("kpi") or ""
        self.kpis = selectors.sources_kpis(self.scorecard)
        if kpi not in self.kpis:
            first = next(iter(self.kpis))
            if kpi:
                messages.info(
                    self.request,
                    _("There are no records to show for “%(kpi)s”; showing %(first)s.")
                    % {"kpi": kpi, "first": Kpi(first).label},
                )
            kpi = first
        section = self.request.GET.get("section") or None
        self.sources = selectors.scorecard_sources(
            self.scorecard, kpi, section, viewer=self.request.user
        )
        return self.sources.rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sources, scorecard = self.sources, self.scorecard
        url = reverse("scorecards:scorecard-sources", args=[scorecard.pk])
        context["scorecard"] = scorecard
        context["sources"] = sources
        context["kpi_label"] = Kpi(sources.kpi).label
        context["kpi_tabs"] = [
            {"label": Kpi(kpi).label, "url": f"{url}?kpi={kpi}", "current": kpi == sources.kpi}
            for kpi in self.kpis
        ]
        context["section_tabs"] = [
            {
                "label": SECTION_LABELS[key],
                "url": f"{url}?kpi={sources.kpi}"
                + ("" if key == sources.sections[0] else f"&section={key}"),
                "current": key == sources.section,
            }
            for key in sources.sections
        ]
        context["section_label"] = SECTION_LABELS[sources.section]
        context["rows"] = [
            selectors.source_row(sources.section, record) for record in context["records"]
        ]
        context["totals"] = [
            {
                "field": name,
                "label": FIELD_LABELS[name],
                "total": sources.totals[name],
                "figure": sources.figures[name],
                "money": name in MONEY_FIELDS,
                "score": name in selectors.QUALITATIVE_FIELDS,
                "matches": sources.totals[name] == sources.figures[name],
                "current": name in selectors.section_fields(sources.section),
            }
            for name in sources.totals
        ]
        if sources.section == "learning":
            for row in context["rows"]:
                row["kind_label"] = LearningKind(row["kind"]).label
        context["querystring"] = f"kpi={sources.kpi}&section={sources.section}"
        context["money_section"] = sources.section in selectors.MONEY_SECTIONS
        context["qualitative_section"] = sources.section in selectors.QUALITATIVE_SECTION_FIELDS
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
