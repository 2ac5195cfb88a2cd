from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.accounts import services
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
from apps.core.api.permissions import ReadOnlyOrOrganisationWide
from apps.core.api.views import ScopedModelViewSet


class TokenThrottle(AnonRateThrottle):
    rate = "30/minute"


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (header ``Authorization: Token …``)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
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


class UserViewSet(ScopedModelViewSet):
    """People. Everyone reads within their scope; HR and admin create and change."""

    queryset = User.objects.select_related("team", "profile").order_by("username")
    serializer_class = UserSerializer
    filterset_class = UserFilter
    permission_classes = [ReadOnlyOrOrganisationWide]
    ordering_fields = ["username", "last_name", "role"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request, *args, **kwargs):
        payload = UserCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields, profile = split_profile(payload.validated_data)
        user = services.user_create(actor=request.user, profile=profile, **fields)
        user = self.get_queryset().get(pk=user.pk)
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UserUpdateSerializer, responses=UserSerializer)
    def partial_update(self, request, *args, **kwargs):
        user = self.get_object()
        payload = UserUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        fields, profile = split_profile(payload.validated_data)
        services.user_update(actor=request.user, user=user, profile=profile, **fields)
        return Response(self.get_serializer(self.get_queryset().get(pk=user.pk)).data)


class TeamViewSet(ScopedModelViewSet):
    """Teams. Everyone reads the teams they belong to or manage; HR and admin create and change."""

    queryset = Team.objects.prefetch_related("managers", "members").order_by("name")
    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    permission_classes = [ReadOnlyOrOrganisationWide]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=TeamInputSerializer, responses={201: TeamSerializer})
    def create(self, request, *args, **kwargs):
        payload = TeamInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        team = services.team_create(actor=request.user, **payload.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=team.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=TeamUpdateSerializer, responses=TeamSerializer)
    def partial_update(self, request, *args, **kwargs):
        team = self.get_object()
        payload = TeamUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.team_update(actor=request.user, team=team, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=team.pk)).data)
