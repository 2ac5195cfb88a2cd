"""Exports API (HR and admin tokens only; 403 for everyone else):

* ``GET /api/v1/exports/<dataset>/?format=csv|xlsx&<filters>`` — the file (``file_format`` is
  accepted as a synonym of ``format``); the filters are those of the dataset's list
  (``/api/v1/grades/``, ``/api/v1/scorecards/``).
* ``GET /api/v1/export-log/`` — every export: who, what, filters, rows, when.
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import BasePermission

from apps.core.api.schema import ApiAutoSchema
from apps.exports import datasets, services
from apps.exports.api.serializers import ExportLogSerializer
from apps.exports.models import ExportLog
from apps.exports.writers import XLSX_CONTENT_TYPE

DENIED = _("Only HR and admins may export data.")


class ExporterPermission(BasePermission):
    """HR and admins (anyone who may export at least one dataset)."""

    message = DENIED

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and datasets.available_to(user))


class ExportNegotiation(DefaultContentNegotiation):
    """``?format=`` names the file format here, not a renderer: answers (errors) are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type


class ExportSchema(ApiAutoSchema):
    """A download answers a file, not a list, yet takes the list's filters: document them."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(services.FORMATS),
    description=str(_("The file format: csv (UTF-8 with a byte order mark) or xlsx.")),
)


class DatasetExportViewSet(viewsets.GenericViewSet):
    """Base of one dataset's download (subclassed per dataset by :func:`export_viewset`)."""

    dataset_key = ""
    permission_classes = [ExporterPermission]
    content_negotiation_class = ExportNegotiation
    filter_backends = [DjangoFilterBackend]  # documents the dataset's filters
    schema = ExportSchema()
    pagination_class = None

    @property
    def dataset(self):
        return datasets.get(self.dataset_key)

    def get_queryset(self):
        return self.dataset.rows(self.request.user)

    def list(self, request, *args, **kwargs):
        dataset = self.dataset
        params = request.query_params
        file_format = params.get("format") or params.get("file_format") or ""
        if file_format not in services.FORMATS:
            raise ValidationError({"format": [_("Choose a file format: csv or xlsx.")]})
        filterset = dataset.filterset(params, request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return services.export_response(
            user=request.user, dataset=dataset, file_format=file_format, filterset=filterset
        )


def export_viewset(dataset) -> type:
    """A viewset downloading ``dataset``, documented with its filters and binary answers."""
    view = type(
        f"{dataset.key.title()}ExportViewSet",
        (DatasetExportViewSet,),
        {
            "dataset_key": dataset.key,
            "filterset_class": dataset.filterset_class,
            "__doc__": f"Download {dataset.key} as CSV or XLSX (HR and admins).",
        },
    )
    return extend_schema(
        tags=["exports"],
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
        summary=str(dataset.label),
        description=str(
            _(
                "The file, every row that the filters match. Every download is recorded in "
                "the export log. HR and admins only."
            )
        ),
    )(view)


@extend_schema(tags=["exports"])
class ExportLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every export: who (user id), which data, format, filters, row count and when. HR and
    admins only."""

    queryset = ExportLog.objects.select_related("user")
    serializer_class = ExportLogSerializer
    permission_classes = [ExporterPermission]
    filter_backends = []

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)
