"""The API's one write path: scoped reads, writes parsed by an input serializer and made by one
service call, answered with the output serializer re-read through the scoped queryset.

A viewset names ``serializer_class`` (output), ``create_serializer_class`` /
``update_serializer_class`` (input), ``write_rule`` (who may write at all; 403 otherwise) and
implements ``perform_service_create`` / ``perform_service_update``; an action calls
:meth:`ServiceViewSet.run_service`. Services raise ``ValidationError`` (400 naming the field,
see :mod:`apps.core.api.exceptions`) and ``PermissionDenied`` (403).

Lost updates: a versioned record's detail and every write answer carry ``ETag: "<version>"``;
a write on a record (PATCH, PUT, POST action) with ``If-Match`` is refused with 412
``{"detail": …, "current": {…}}`` when the record has changed since (nothing is written); no
``If-Match``, no check (see :mod:`apps.core.versions`).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ParseError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from apps.core import versions
from apps.core.api.field_rules import FieldRulesMixin, WriteErrorsSchemaMixin
from apps.core.api.permissions import WriteRulePermission
from apps.core.api.schema import ApiAutoSchema


class ScopedViewSetMixin:
    """Restricts ``queryset`` to what the requesting user may see (``visible_to``).

    A record outside the user's scope is simply not found (404), so nothing leaks.
    """

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ServiceSchema(WriteErrorsSchemaMixin, ApiAutoSchema):
    """Documents ``create`` and ``partial_update`` with the viewset's input serializers, and
    every write's 400 and 403 answers."""

    def get_request_serializer(self):
        action = getattr(self.view, "action", None)
        if action == "create" and getattr(self.view, "create_serializer_class", None):
            return self.view.create_serializer_class()
        if action == "partial_update" and getattr(self.view, "update_serializer_class", None):
            return self.view.update_serializer_class()
        return super().get_request_serializer()

    # --- versions: ETag, If-Match, 412 ----------------------------------------------------

    def _on_versioned_record(self) -> bool:
        """A detail route of a viewset whose records carry a ``version``, or a route answering
        one versioned setting without an id in its path (``versioned_singleton``: the pipeline
        settings, your reminder preferences)."""
        if getattr(self.view, "versioned_singleton", False):
            return True
        queryset = getattr(self.view, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is None or not any(f.name == "version" for f in model._meta.concrete_fields):
            return False
        lookup = getattr(self.view, "lookup_url_kwarg", None) or self.view.lookup_field
        # drf-spectacular names a ``pk`` lookup ``{id}`` in the path.
        return any(f"{{{name}}}" in self.path for name in {lookup, "id"})

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if not self._on_versioned_record():
            return parameters
        parameters.append(
            OpenApiParameter(
                "ETag",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=True,
                description=str(
                    _('The record\'s version, e.g. "3": send it back in If-Match to write.')
                ),
            )
        )
        if self.method not in SAFE_METHODS:
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=str(
                        _(
                            "The ETag of the version you read. If the record has changed "
                            "since, the answer is 412 and nothing is written. Without it, "
                            "no check."
                        )
                    ),
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method in SAFE_METHODS or not self._on_versioned_record():
            return responses
        responses["412"] = {
            "description": str(
                _("The record was changed by someone else since the If-Match version.")
            ),
            "headers": self._get_response_headers_for_code("412", direction),
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "detail": {"type": "string"},
                            "current": {
                                "type": "object",
                                "additionalProperties": {},
                                "description": str(_("The record as it is now.")),
                            },
                        },
                        "required": ["detail", "current"],
                    }
                }
            },
        }
        return responses


class ServiceViewSet(FieldRulesMixin, ScopedViewSetMixin, viewsets.GenericViewSet):
    """Scoped reads; writes through services. See the module docstring. A body key the input
    serializer ignores is a 400 naming it (pointing to ``field_routes``); a field the caller
    may not set (``field_rules``) a 403 naming it (:mod:`apps.core.api.field_rules`)."""

    permission_classes = [WriteRulePermission]
    schema = ServiceSchema()
    http_method_names = ["get", "post", "patch", "head", "options"]
    #: Who may write at all (a plain function of the user); ``None``: everyone signed in.
    write_rule = None
    write_denied_message = None
    create_serializer_class = None
    update_serializer_class = None

    #: The version the answer's ``ETag`` names (the record answered), if it has one.
    etag_version = None

    def get_input_serializer_context(self):
        return self.get_serializer_context()

    # --- versions: ETag and If-Match ------------------------------------------------------

    def _checks_if_match(self, request) -> bool:
        return request.method not in SAFE_METHODS and bool(request.headers.get("If-Match"))

    def dispatch(self, request, *args, **kwargs):
        """A write with ``If-Match`` runs in one transaction: the version check locks the row
        until the service's write is committed (a refused write leaves nothing behind)."""
        if not self._checks_if_match(request):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            return response

    def get_object(self):
        """The scoped record; on a write with ``If-Match``, locked and checked against it."""
        instance = super().get_object()
        if self.request.method in SAFE_METHODS:
            if getattr(self, "action", None) == "retrieve" and versions.is_versioned(instance):
                self.etag_version = instance.version
        elif self._checks_if_match(self.request):
            try:
                versions.check_if_match(instance, self.request.headers.get("If-Match"))
            except versions.BadIfMatch:
                raise ParseError(_('If-Match must be the ETag of the record, e.g. "3".')) from None
        return instance

    def if_match_expected(self):
        """The versions the request's ``If-Match`` accepts (``None``: no check), for a
        service's ``expected_version`` where the record written is not the URL's object (a
        singleton setting, the user's own preferences)."""
        if not self._checks_if_match(self.request):
            return None
        try:
            return versions.if_match_versions(self.request.headers.get("If-Match"))
        except versions.BadIfMatch:
            raise ParseError(_('If-Match must be the ETag of the record, e.g. "3".')) from None

    def stale_representation(self, exc) -> tuple[int, dict]:
        """The current version and representation a 412 answers with."""
        current = self.get_queryset().filter(pk=exc.current.pk).first() or exc.current
        return current.version, self.get_serializer(current).data

    def handle_exception(self, exc):
        if isinstance(exc, versions.StaleVersionError):
            self.etag_version, current = self.stale_representation(exc)
            body = {"detail": str(versions.STALE_MESSAGE), "current": current}
            return Response(body, status=status.HTTP_412_PRECONDITION_FAILED)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        ok = 200 <= response.status_code < 300 or response.status_code == 412
        if self.etag_version is not None and ok and not response.has_header("ETag"):
            response["ETag"] = versions.etag(self.etag_version)
        return response

    def parse(self, serializer_class, *, partial: bool = False) -> dict:
        """The request body validated by ``serializer_class`` (400 on bad input, and on any
        key it does not accept)."""
        payload = serializer_class(
            data=self.request.data, partial=partial, context=self.get_input_serializer_context()
        )
        self.check_body_fields(payload)
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)

    def respond(self, instance, *, created: bool = False, status_code: int | None = None):
        """``instance`` re-read through the scoped queryset, in the output representation."""
        instance = self.get_queryset().get(pk=instance.pk)
        self.etag_version = instance.version if versions.is_versioned(instance) else None
        if status_code is None:
            status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(instance).data, status=status_code)

    def run_service(self, serializer_class, call, *, instance=None, created: bool = False):
        """An action's write: parse the body with ``serializer_class`` (or nothing when it is
        ``None``), ``call(data)`` the service and answer with what it returns (or
        ``instance``), re-read and serialized."""
        data = self.parse(serializer_class) if serializer_class is not None else {}
        result = call(data)
        target = result if hasattr(result, "pk") else instance
        return self.respond(target, created=created)


class ServiceCreateMixin:
    def perform_service_create(self, data):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        self.check_field_rules(request.data)
        instance = self.perform_service_create(self.parse(self.create_serializer_class))
        return self.respond(instance, created=True)


class ServiceUpdateMixin:
    def perform_service_update(self, instance, data):
        raise NotImplementedError

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        self.check_field_rules(request.data, instance)
        data = self.parse(self.update_serializer_class, partial=True)
        result = self.perform_service_update(instance, data)
        return self.respond(result if hasattr(result, "pk") else instance)


class ServiceModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceViewSet,
):
    """List, retrieve, create and partially update through services."""


class ServiceReadCreateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceViewSet
):
    """List, retrieve and create through a service (no update)."""
