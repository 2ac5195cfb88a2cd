from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.accounts import permissions, security, services
from apps.accounts.api.serializers import (
    ApiTokenSerializer,
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
from apps.accounts.models import ApiToken, Team, User
from apps.core.api.schema import ErrorDetailSerializer
from apps.core.api.views import ServiceModelViewSet


class TokenThrottle(security.ClientAddressMixin, AnonRateThrottle):
    """30 sign-in requests a minute per client address (:func:`security.client_ip`), counted in
    the default cache (shared between processes in production: REDIS_CACHE_URL)."""

    rate = "30/minute"


class SignInLocked(APIException):
    """429: too many failed sign-ins for this account or address (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(security.lockout_message())
        self.wait = security.cool_off_minutes() * 60  # Retry-After


def _method(view) -> str | None:
    """The HTTP method of the request ``view`` serves (``None`` while the schema is built)."""
    return getattr(getattr(view, "request", None), "method", None)


class ObtainTokenView(APIView):
    """``POST``: exchange a username and password for a new API token (header
    ``Authorization: Token …``) valid until ``expires_at``. ``DELETE``: revoke the token this
    request is made with (sign out)."""

    def get_permissions(self):
        if _method(self) == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_throttles(self):
        if _method(self) == "DELETE":
            return []
        return [TokenThrottle()]

    def get_authenticators(self):
        # Signing in needs no credentials: a stale token header must not stop it (401).
        if _method(self) == "POST":
            return []
        return super().get_authenticators()

    # The schema documents JSON only (a client generated from it gets one plain body type);
    # a form post is still understood, as DRF parses it.
    @extend_schema(
        request={"application/json": TokenRequestSerializer}, responses=TokenResponseSerializer
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Through authenticate(request=…): django-axes counts the failure and refuses a
        # locked-out account or address, exactly as on the login page.
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if security.is_locked_out(request):
            raise SignInLocked()
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with the username and password given.")]}
            )
        token, key = services.token_issue(user=user, name=request.META.get("HTTP_USER_AGENT", ""))
        return Response({"token": key, "expires_at": token.expires_at})

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description=_("The token is revoked.")),
            400: OpenApiResponse(
                ErrorDetailSerializer, description=_("This request was not made with a token.")
            ),
        },
    )
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            return Response(
                {"detail": _("This request was not made with a token: there is none to revoke.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        services.token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your API tokens in force (not revoked, not expired), newest first; HR and admins see
    everyone's (``?user=<id>``). ``DELETE`` revokes one. The key itself is never shown again."""

    queryset = ApiToken.objects.select_related("user")
    serializer_class = ApiTokenSerializer
    filterset_fields = ["user"]
    ordering_fields = ["created_at", "expires_at", "last_used_at"]

    def get_queryset(self):
        return super().get_queryset().active().visible_to(self.request.user)

    @extend_schema(responses={204: OpenApiResponse(description=_("The token is revoked."))})
    def destroy(self, request, *args, **kwargs):
        token = self.get_object()
        if token.user_id != request.user.pk and not permissions.can_manage_people(request.user):
            raise NotFound()
        services.token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
