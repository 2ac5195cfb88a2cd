"""Every body key either counts or is refused, naming the field (issue #9: "writes that answer
200 and change nothing").

- A key the input serializer does not accept is a 400 ``{field: [message]}``: the message says
  the field is read-only (the output has it) or unknown (listing what the request accepts),
  and, where the viewset's ``field_routes`` name an action for it (its ``url_name``, or a
  tuple of them), which route changes it (``{"status": "mark-lost"}`` → "Use POST
  /api/v1/customers/7/mark-lost/ to change it.").
- A key the input serializer accepts but the caller may not set is a 403 ``{field: [message]}``
  before the body is even validated: the viewset's ``field_rules`` map a field to
  ``rule(user, value, instance)`` (``value`` as sent, e.g. a primary key; ``instance`` is
  ``None`` on a create) returning the refusal or ``None``.

:class:`FieldRulesMixin` does both for :class:`apps.core.api.views.ServiceViewSet`;
:func:`refuse_unknown_fields` serves views outside it. :class:`WriteErrorsSchemaMixin`
documents the 400 and 403 answers of every write in the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS

#: Body keys that are transport, not data (a browser-made form post through the API).
IGNORED_KEYS = frozenset({"csrfmiddlewaretoken"})

FieldRule = Callable[[object, object, object], "str | None"]


def accepted_fields(serializer) -> set[str]:
    """The names ``serializer`` (an instance) takes as input."""
    return {name for name, field in serializer.fields.items() if not field.read_only}


def unknown_field_errors(
    data,
    accepted: Iterable[str],
    *,
    output: Iterable[str] = (),
    routes: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """``{field: [message]}`` for every key of ``data`` not in ``accepted``.

    ``output`` are the fields the answer shows (a key among them is "read-only");
    ``routes`` maps a field to the route(s) that change it ("POST /api/v1/…/")."""
    if not isinstance(data, Mapping):
        return {}
    accepted = set(accepted)
    output = set(output)
    routes = routes or {}
    errors: dict[str, list[str]] = {}
    for key in data:
        if key in accepted or key in IGNORED_KEYS:
            continue
        if key in routes:
            message = _("%(field)s cannot be changed here. Use %(route)s to change it.") % {
                "field": key,
                "route": routes[key],
            }
        elif key in output:
            message = _("%(field)s is read-only: it cannot be set here.") % {"field": key}
        else:
            message = _("Unknown field %(field)s. This request accepts: %(fields)s.") % {
                "field": key,
                "fields": ", ".join(sorted(accepted)) or "—",
            }
        errors[str(key)] = [message]
    return errors


def _nested_errors(data, serializer) -> dict:
    """The unknown keys inside nested objects and lists of objects ``serializer`` takes, in
    DRF's nested error shape (``{"credits": [{}, {"colour": [message]}]}``)."""
    if not isinstance(data, Mapping):
        return {}
    errors: dict = {}
    for name, field in serializer.fields.items():
        if field.read_only or name not in data:
            continue
        value = data[name]
        if isinstance(field, serializers.ListSerializer) and isinstance(
            field.child, serializers.Serializer
        ):
            if not isinstance(value, list):
                continue
            rows = [
                {
                    **unknown_field_errors(row, accepted_fields(field.child)),
                    **_nested_errors(row, field.child),
                }
                for row in value
            ]
            if any(rows):
                errors[name] = rows
        elif isinstance(field, serializers.Serializer):
            found = {
                **unknown_field_errors(value, accepted_fields(field)),
                **_nested_errors(value, field),
            }
            if found:
                errors[name] = found
    return errors


def refuse_unknown_fields(data, serializer, *, output: Iterable[str] = (), routes=None) -> None:
    """Raise a 400 naming every key of ``data`` that ``serializer`` (an instance) ignores,
    nested objects included (``serializer`` may be a ``many=True`` one for a list body)."""
    if isinstance(serializer, serializers.ListSerializer):
        if isinstance(data, list):
            rows = [
                {
                    **unknown_field_errors(row, accepted_fields(serializer.child)),
                    **_nested_errors(row, serializer.child),
                }
                for row in data
            ]
            if any(rows):
                raise ValidationError(rows)
        return
    errors = {
        **unknown_field_errors(data, accepted_fields(serializer), output=output, routes=routes),
        **_nested_errors(data, serializer),
    }
    if errors:
        raise ValidationError(errors)


class FieldRulesMixin:
    """For :class:`~apps.core.api.views.ServiceViewSet`: refuse ignored keys (400) and fields
    the caller may not set (403). See the module docstring."""

    #: ``{field: action url_name or a tuple of them}``: fields changed by an action route.
    field_routes: dict[str, str | tuple[str, ...]] = {}
    #: ``{field: rule(user, value, instance) -> refusal or None}`` (403 naming the field).
    field_rules: dict[str, FieldRule] = {}

    def field_route(self, url_name: str) -> str:
        """``"<METHOD> <path>"`` of the action ``url_name`` on the record the URL names
        (``{id}`` on a create)."""
        method = "POST"
        for extra in self.get_extra_actions():
            if extra.url_name == url_name:
                writes = [m.upper() for m in extra.mapping if m.upper() not in SAFE_METHODS]
                method = writes[0] if writes else method
        lookup = getattr(self, "lookup_url_kwarg", None) or self.lookup_field
        pk = self.kwargs.get(lookup)
        name = f"{self.basename}-{url_name}"
        try:
            if pk is not None:
                path = reverse(name, kwargs={lookup: pk})
            else:
                path = unquote(reverse(name, kwargs={lookup: "0"})).replace("/0/", "/{id}/", 1)
        except NoReverseMatch:
            path = url_name
        return f"{method} {path}"

    def field_routes_for_body(self) -> dict[str, str]:
        routes = {}
        for field, names in self.field_routes.items():
            names = (names,) if isinstance(names, str) else names
            routes[field] = _(" or ").join(self.field_route(name) for name in names)
        return routes

    def output_field_names(self) -> set[str]:
        serializer_class = self.get_serializer_class()
        if serializer_class is None:
            return set()
        return set(serializer_class(context=self.get_serializer_context()).fields)

    def check_body_fields(self, serializer) -> None:
        """400 naming every body key ``serializer`` (an instance) would silently ignore."""
        refuse_unknown_fields(
            self.request.data,
            serializer,
            output=self.output_field_names(),
            routes=self.field_routes_for_body(),
        )

    def check_field_rules(self, data, instance=None) -> None:
        """403 naming every field of the body ``data`` the caller may not set, before any
        write (``instance`` is the record changed, ``None`` on a create)."""
        if not isinstance(data, Mapping):
            return
        refused = {}
        for field, rule in self.field_rules.items():
            if field not in data:
                continue
            message = rule(self.request.user, data[field], instance)
            if message:
                refused[field] = [str(message)]
        if refused:
            raise PermissionDenied(refused)


# --- schema ---------------------------------------------------------------------------------


class FieldErrorsSerializer(serializers.Serializer):
    """A refused write: each field named with its messages (``non_field_errors`` for the
    record as a whole)."""


class ForbiddenSerializer(serializers.Serializer):
    """A forbidden write: ``detail``, or each field the caller may not set with the reason."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def get_name(self, auto_schema=None, direction=None):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "A refused write: each field named with its messages "
            "(non_field_errors for the record as a whole).",
            "properties": {
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
            },
            # A field's messages; a list field's per item (an object each, {} for a good
            # item); a nested object's per field; "detail": one message for the whole request
            # (a body that is not JSON, a bad If-Match).
            "additionalProperties": {
                "anyOf": [
                    {
                        "type": "array",
                        "items": {
                            "anyOf": [
                                {"type": "string"},
                                {"type": "object", "additionalProperties": {}},
                            ]
                        },
                    },
                    {"type": "object", "additionalProperties": {}},
                    {"type": "string"},
                ]
            },
        }


class ForbiddenExtension(OpenApiSerializerExtension):
    target_class = ForbiddenSerializer

    def get_name(self, auto_schema=None, direction=None):
        return "Forbidden"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "A forbidden write: detail, or each field the caller may not set "
            "with the reason.",
            "properties": {"detail": {"type": "string"}},
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }


BAD_REQUEST_DESCRIPTION = gettext_lazy(
    "Refused, nothing written: each field named with its messages. A field the request does "
    "not accept (read-only or unknown) is named too, with the route that changes it where "
    "there is one."
)
FORBIDDEN_DESCRIPTION = gettext_lazy(
    "Not allowed, nothing written: you may not make this write (detail), or may not set the "
    "fields named."
)


class WriteErrorsSchemaMixin:
    """For the viewsets' AutoSchema: every write documents its 400 and 403 answers (unless
    the operation already documents its own)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method in SAFE_METHODS:
            return responses
        if "400" not in responses and self.get_request_serializer() is not None:
            responses["400"] = self._get_response_for_code(
                FieldErrorsSerializer, "400", direction=direction
            )
            responses["400"]["description"] = str(BAD_REQUEST_DESCRIPTION)
        if "403" not in responses:
            responses["403"] = self._get_response_for_code(
                ForbiddenSerializer, "403", direction=direction
            )
            responses["403"]["description"] = str(FORBIDDEN_DESCRIPTION)
        return responses
