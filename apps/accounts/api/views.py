from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.accounts import permissions, services
from apps.accounts.api.serializers import (
    TeamInputSerializer,
    TeamSerializer,
    TeamUpdateSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
    split_profile,
)
from apps.accounts.filters import TeamFilter, UserFilter
from apps.accounts.models import Team, User
from apps.core.api.views import ServiceModelViewSet


class TokenThrottle(AnonRateThrottle):
    rate = "30/minute"


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (header ``Authorization: Token …``)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    # The schema documents JSON only (a client generated from it gets one plain body type);
    # a form post is still understood, as DRF parses it.
    @extend_schema(
        request={"application/json": TokenRequestSerializer}, responses=TokenResponseSerializer
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with the username and password given.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class UserViewSet(ServiceModelViewSet):
    """People. Everyone reads within their scope; HR and admin create and change."""

    queryset = User.objects.select_related("team", "profile").order_by("username")
    serializer_class = UserSerializer
    create_serializer_class = UserCreateSerializer
    update_serializer_class = UserUpdateSerializer
    filterset_class = UserFilter
    write_rule = permissions.can_manage_people
    ordering_fields = ["username", "last_name", "role"]

    def perform_service_create(self, data):
        fields, profile = split_profile(data)
        return services.user_create(actor=self.request.user, profile=profile, **fields)

    def perform_service_update(self, instance, data):
        fields, profile = split_profile(data)
        return services.user_update(
            actor=self.request.user, user=instance, profile=profile, **fields
        )


class TeamViewSet(ServiceModelViewSet):
    """Teams. Everyone reads the teams they belong to or manage; HR and admin create and change."""

    queryset = Team.objects.prefetch_related("managers", "members").order_by("name")
    serializer_class = TeamSerializer
    create_serializer_class = TeamInputSerializer
    update_serializer_class = TeamUpdateSerializer
    filterset_class = TeamFilter
    write_rule = permissions.can_manage_people

    def perform_service_create(self, data):
        return services.team_create(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        return services.team_update(actor=self.request.user, team=instance, **data)
