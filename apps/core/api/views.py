"""The API's one write path: scoped reads, writes parsed by an input serializer and made by one
service call, answered with the output serializer re-read through the scoped queryset.

A viewset names ``serializer_class`` (output), ``create_serializer_class`` /
``update_serializer_class`` (input), ``write_rule`` (who may write at all; 403 otherwise) and
implements ``perform_service_create`` / ``perform_service_update``; an action calls
:meth:`ServiceViewSet.run_service`. Services raise ``ValidationError`` (400 naming the field,
see :mod:`apps.core.api.exceptions`) and ``PermissionDenied`` (403).
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from apps.core.api.permissions import WriteRulePermission


class ScopedViewSetMixin:
    """Restricts ``queryset`` to what the requesting user may see (``visible_to``).

    A record outside the user's scope is simply not found (404), so nothing leaks.
    """

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ServiceSchema(AutoSchema):
    """Documents ``create`` and ``partial_update`` with the viewset's input serializers."""

    def get_request_serializer(self):
        action = getattr(self.view, "action", None)
        if action == "create" and getattr(self.view, "create_serializer_class", None):
            return self.view.create_serializer_class()
        if action == "partial_update" and getattr(self.view, "update_serializer_class", None):
            return self.view.update_serializer_class()
        return super().get_request_serializer()


class ServiceViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Scoped reads; writes through services. See the module docstring."""

    permission_classes = [WriteRulePermission]
    schema = ServiceSchema()
    http_method_names = ["get", "post", "patch", "head", "options"]
    #: Who may write at all (a plain function of the user); ``None``: everyone signed in.
    write_rule = None
    write_denied_message = None
    create_serializer_class = None
    update_serializer_class = None

    def get_input_serializer_context(self):
        return self.get_serializer_context()

    def parse(self, serializer_class, *, partial: bool = False) -> dict:
        """The request body validated by ``serializer_class`` (400 on bad input)."""
        payload = serializer_class(
            data=self.request.data, partial=partial, context=self.get_input_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)

    def respond(self, instance, *, created: bool = False, status_code: int | None = None):
        """``instance`` re-read through the scoped queryset, in the output representation."""
        instance = self.get_queryset().get(pk=instance.pk)
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
        instance = self.perform_service_create(self.parse(self.create_serializer_class))
        return self.respond(instance, created=True)


class ServiceUpdateMixin:
    def perform_service_update(self, instance, data):
        raise NotImplementedError

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
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
