"""HR's export page (pick the data, its filters and a file format; the recent exports below),
the download, and the full export log. HR and admins only (SPEC §0: HR exports)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView

from apps.core.permissions import require
from apps.exports import datasets, services
from apps.exports.models import ExportLog

DENIED = _("Only HR and admins may export data.")
FORMAT_LABELS = {services.CSV: _("CSV (for other programs)"), services.XLSX: _("Excel (XLSX)")}
RECENT = 10


def require_exporter(user) -> None:
    require(bool(datasets.available_to(user)), DENIED)


class ExporterRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_exporter(request.user)
        return super().dispatch(request, *args, **kwargs)


class ExportListView(ExporterRequiredMixin, TemplateView):
    template_name = "exports/export_list.html"

    def page_context(self, dataset, filterset, file_format, format_error=""):
        user = self.request.user
        return {
            "datasets": datasets.available_to(user),
            "dataset": dataset,
            "filterset": filterset,
            "formats": list(FORMAT_LABELS.items()),
            "file_format": file_format,
            "format_error": format_error,
            "recent": ExportLog.objects.visible_to(user).select_related("user")[:RECENT],
            "dataset_labels": {d.key: d.label for d in datasets.DATASETS.values()},
        }

    def get_context_data(self, **kwargs):
        choices = datasets.available_to(self.request.user)
        dataset = datasets.get(self.request.GET.get("dataset")) or choices[0]
        if dataset not in choices:
            dataset = choices[0]
        filterset = dataset.filterset(None, self.request)
        context = super().get_context_data(**kwargs)
        context.update(self.page_context(dataset, filterset, services.XLSX))
        return context


class ExportDownloadView(ExportListView):
    """``?dataset=grades&format=xlsx&<filters>``: the file, or the export page with what is
    wrong (400) and nothing exported."""

    def get(self, request, *args, **kwargs):
        key = request.GET.get("dataset")
        if not key:
            return redirect("exports:export-list")
        dataset = datasets.get(key)
        if dataset is None:
            raise Http404(_("There is no such export."))
        require(dataset.may_export(request.user), dataset.denied_message)
        filterset = dataset.filterset(request.GET, request)
        file_format = request.GET.get("format", "")
        format_error = ""
        if file_format not in services.FORMATS:
            format_error = _("Choose a file format: CSV or Excel.")
        if format_error or not filterset.is_valid():
            context = self.page_context(dataset, filterset, file_format, format_error)
            return self.render_to_response(self.get_context_data(**context), status=400)
        return services.export_response(
            user=request.user, dataset=dataset, file_format=file_format, filterset=filterset
        )

    def get_context_data(self, **kwargs):
        return TemplateView.get_context_data(self, **kwargs)


class ExportLogView(ExporterRequiredMixin, ListView):
    """Every export: who, what, which filters, how many rows, when."""

    model = ExportLog
    template_name = "exports/export_log.html"
    context_object_name = "logs"
    paginate_by = 50

    def get_queryset(self):
        return ExportLog.objects.visible_to(self.request.user).select_related("user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dataset_labels"] = {d.key: d.label for d in datasets.DATASETS.values()}
        return context
