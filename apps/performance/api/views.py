"""Performance API: targets (scoped by rep), weight schemes and period settings (the whole
organisation reads them; HR and admins write). Writes go through the services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from apps.core.api.permissions import ReadOnlyOrOrganisationWide
from apps.core.api.views import ScopedViewSetMixin
from apps.core.choices import Role
from apps.core.scoping import sees_everything
from apps.performance import services
from apps.performance.api.serializers import (
    TARGET_VALUE_FIELDS,
    PeriodSettingInputSerializer,
    PeriodSettingSerializer,
    PeriodSettingUpdateSerializer,
    TargetBulkSerializer,
    TargetCreateSerializer,
    TargetSerializer,
    TargetValuesSerializer,
    WeightSchemeCreateSerializer,
    WeightSchemeSerializer,
)
from apps.performance.filters import PeriodSettingFilter, TargetFilter, WeightSchemeFilter
from apps.performance.models import PeriodSetting, Target
from apps.performance.selectors import schemes_with_items


class TargetWritePermission(BasePermission):
    """Everyone signed in reads (within scope); managers, HR and admins write. Whose targets a
    manager may set is decided by the service."""

    message = _("Only managers, HR and admins set targets.")

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return (
            request.method in SAFE_METHODS
            or sees_everything(request.user)
            or request.user.role == Role.MANAGER
        )


class TargetViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Targets per rep and period (``period`` is a key: 2026-10, 2026-Q4, 2026).

    Filters: ``?period=&rep=&team=&period_kind=``. Managers set their team members' targets,
    HR and admins everyone's; reps read their own. Targets are never deleted, only changed
    (every change is audited)."""

    queryset = Target.objects.select_related("rep").order_by(
        "-period_start", "period_kind", "rep__username", "pk"
    )
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    permission_classes = [TargetWritePermission]
    lookup_value_regex = r"\d+"

    def _respond(self, target, code=status.HTTP_200_OK):
        return Response(TargetSerializer(target).data, status=code)

    @extend_schema(request=TargetCreateSerializer, responses={201: TargetSerializer})
    def create(self, request, *args, **kwargs):
        payload = TargetCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        rep, period = data.pop("rep"), data.pop("period")
        target = services.target_set(
            actor=request.user, rep=rep, period_key=period, must_be_new=True, **data
        )
        return self._respond(target, status.HTTP_201_CREATED)

    @extend_schema(request=TargetValuesSerializer, responses={200: TargetSerializer})
    def update(self, request, *args, **kwargs):
        target = self.get_object()
        payload = TargetValuesSerializer(data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        if not kwargs.get("partial"):
            values = {field: values.get(field) for field in TARGET_VALUE_FIELDS}
        target = services.target_set(
            actor=request.user, rep=target.rep, period_key=target.period_key, **values
        )
        return self._respond(target)


class TargetBulkViewSet(viewsets.ViewSet):
    """``POST /api/v1/targets/bulk/``: a team's targets for one period in one transaction.

    Body: ``{"period": "2026-Q4", "team": <id>, "team_sales_total": "100000.00" (optional),
    "targets": [{"rep": <id>, "sales_target": ..., ...}]}``. The rows are the full state of each
    rep's targets (a value left out is cleared); when ``team_sales_total`` is given the sales
    targets must add up to it. All or nothing; every change is audited."""

    permission_classes = [TargetWritePermission]

    @extend_schema(request=TargetBulkSerializer, responses={200: TargetSerializer(many=True)})
    def create(self, request):
        payload = TargetBulkSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        saved = services.team_targets_save(
            actor=request.user,
            team=data["team"],
            period_key=data["period"],
            rows=[dict(row) for row in data["targets"]],
            team_sales_total=data.get("team_sales_total"),
        )
        return Response(TargetSerializer(saved, many=True).data)


class WeightSchemeViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Versioned KPI weight schemes with their items. ``?cycle=&in_force_on=2026-10-01`` gives
    the version of each cycle in force on that day. Everyone reads; HR and admins create new
    versions; a version is never edited or deleted."""

    queryset = schemes_with_items().order_by("cycle", "-effective_from")
    serializer_class = WeightSchemeSerializer
    filterset_class = WeightSchemeFilter
    permission_classes = [ReadOnlyOrOrganisationWide]

    @extend_schema(request=WeightSchemeCreateSerializer, responses={201: WeightSchemeSerializer})
    def create(self, request, *args, **kwargs):
        payload = WeightSchemeCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        common = {
            "actor": request.user,
            "cycle": data["cycle"],
            "effective_from": data["effective_from"],
            "name": data.get("name", ""),
            "notes": data.get("notes", ""),
        }
        if data.get("items"):
            scheme = services.weight_scheme_create(
                items=[dict(item) for item in data["items"]],
                preset=data.get("preset", ""),
                **common,
            )
        else:
            scheme = services.weight_scheme_create_from_preset(preset=data["preset"], **common)
        scheme = self.get_queryset().get(pk=scheme.pk)
        return Response(WeightSchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)


class PeriodSettingViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Industry growth rate and challenge margin per period (growth target = their sum).
    Everyone reads; HR and admins write. POST on an existing period updates it."""

    queryset = PeriodSetting.objects.order_by("-period_start", "period_kind")
    serializer_class = PeriodSettingSerializer
    filterset_class = PeriodSettingFilter
    permission_classes = [ReadOnlyOrOrganisationWide]

    @extend_schema(request=PeriodSettingInputSerializer, responses={201: PeriodSettingSerializer})
    def create(self, request, *args, **kwargs):
        payload = PeriodSettingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        setting = services.period_setting_set(
            actor=request.user,
            period_key=data["period"],
            industry_growth_rate=data["industry_growth_rate"],
            **(
                {"challenge_margin": data["challenge_margin"]} if "challenge_margin" in data else {}
            ),
        )
        return Response(PeriodSettingSerializer(setting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PeriodSettingUpdateSerializer, responses={200: PeriodSettingSerializer})
    def update(self, request, *args, **kwargs):
        setting = self.get_object()
        payload = PeriodSettingUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not data:
            raise ValidationError({"industry_growth_rate": [_("Nothing to change.")]})
        setting = services.period_setting_set(
            actor=request.user,
            period_key=setting.period_key,
            industry_growth_rate=data.get("industry_growth_rate", setting.industry_growth_rate),
            challenge_margin=data.get("challenge_margin", setting.challenge_margin),
        )
        return Response(PeriodSettingSerializer(setting).data)
