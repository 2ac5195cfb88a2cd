"""Performance API: targets (scoped by rep), weight schemes and period settings (the whole
organisation reads them; HR and admins write). Writes go through the services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.core.api.field_rules import refuse_unknown_fields
from apps.core.api.permissions import WriteRulePermission
from apps.core.api.views import ServiceModelViewSet, ServiceReadCreateViewSet
from apps.performance import permissions, services
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

TARGETS_DENIED = _("Only managers, HR and admins set targets.")


class TargetViewSet(ServiceModelViewSet):
    """Targets per rep and period (``period`` is a key: 2026-10, 2026-Q4, 2026).

    Filters: ``?period=&rep=&team=&period_kind=``. Managers set their team members' targets,
    HR and admins everyone's; reps read their own. Targets are never deleted, only changed
    (every change is audited)."""

    queryset = Target.objects.select_related("rep").order_by(
        "-period_start", "period_kind", "rep__username", "pk"
    )
    serializer_class = TargetSerializer
    create_serializer_class = TargetCreateSerializer
    update_serializer_class = TargetValuesSerializer
    filterset_class = TargetFilter
    write_rule = permissions.can_write_targets
    write_denied_message = TARGETS_DENIED
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def perform_service_create(self, data):
        rep, period = data.pop("rep"), data.pop("period")
        return services.target_set(
            actor=self.request.user, rep=rep, period_key=period, must_be_new=True, **data
        )

    def perform_service_update(self, instance, data):
        return services.target_set(
            actor=self.request.user, rep=instance.rep, period_key=instance.period_key, **data
        )

    @extend_schema(request=TargetValuesSerializer, responses={200: TargetSerializer})
    def update(self, request, *args, **kwargs):
        """PUT replaces every value: one left out is cleared."""
        target = self.get_object()
        data = self.parse(self.update_serializer_class)
        values = {field: data.get(field) for field in TARGET_VALUE_FIELDS}
        return self.respond(self.perform_service_update(target, values))


class TargetBulkViewSet(viewsets.ViewSet):
    """``POST /api/v1/targets/bulk/``: a team's targets for one period in one transaction.

    Body: ``{"period": "2026-Q4", "team": <id>, "team_sales_total": "100000.00" (optional),
    "targets": [{"rep": <id>, "sales_target": ..., ...}]}``. The rows are the full state of each
    rep's targets (a value left out is cleared); when ``team_sales_total`` is given the sales
    targets must add up to it. All or nothing; every change is audited."""

    # A bulk write with no record of its own: the shared write rule, no queryset to scope.
    permission_classes = [WriteRulePermission]
    write_rule = permissions.can_write_targets
    write_denied_message = TARGETS_DENIED

    @extend_schema(request=TargetBulkSerializer, responses={200: TargetSerializer(many=True)})
    def create(self, request):
        payload = TargetBulkSerializer(data=request.data, context={"request": request})
        refuse_unknown_fields(request.data, payload)
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


class WeightSchemeViewSet(ServiceReadCreateViewSet):
    """Versioned KPI weight schemes with their items. ``?cycle=&in_force_on=2026-10-01`` gives
    the version of each cycle in force on that day. Everyone reads; HR and admins create new
    versions; a version is never edited or deleted."""

    queryset = schemes_with_items().order_by("cycle", "-effective_from")
    serializer_class = WeightSchemeSerializer
    create_serializer_class = WeightSchemeCreateSerializer
    filterset_class = WeightSchemeFilter
    write_rule = permissions.can_configure

    def perform_service_create(self, data):
        common = {
            "actor": self.request.user,
            "cycle": data["cycle"],
            "effective_from": data["effective_from"],
            "name": data.get("name", ""),
            "notes": data.get("notes", ""),
        }
        if data.get("items"):
            return services.weight_scheme_create(
                items=[dict(item) for item in data["items"]],
                preset=data.get("preset", ""),
                **common,
            )
        return services.weight_scheme_create_from_preset(preset=data["preset"], **common)


class PeriodSettingViewSet(ServiceModelViewSet):
    """Industry growth rate and challenge margin per period (growth target = their sum).
    Everyone reads; HR and admins write. POST on an existing period updates it."""

    queryset = PeriodSetting.objects.order_by("-period_start", "period_kind")
    serializer_class = PeriodSettingSerializer
    create_serializer_class = PeriodSettingInputSerializer
    update_serializer_class = PeriodSettingUpdateSerializer
    filterset_class = PeriodSettingFilter
    write_rule = permissions.can_configure
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_service_create(self, data):
        return services.period_setting_set(
            actor=self.request.user,
            period_key=data["period"],
            industry_growth_rate=data["industry_growth_rate"],
            **(
                {"challenge_margin": data["challenge_margin"]} if "challenge_margin" in data else {}
            ),
        )

    def perform_service_update(self, instance, data):
        if not data:
            raise ValidationError({"industry_growth_rate": [_("Nothing to change.")]})
        return services.period_setting_set(
            actor=self.request.user,
            period_key=instance.period_key,
            industry_growth_rate=data.get("industry_growth_rate", instance.industry_growth_rate),
            challenge_margin=data.get("challenge_margin", instance.challenge_margin),
        )

    @extend_schema(request=PeriodSettingUpdateSerializer, responses={200: PeriodSettingSerializer})
    def update(self, request, *args, **kwargs):
        """PUT: the same as PATCH (every field is optional)."""
        return self.partial_update(request, *args, **kwargs)
