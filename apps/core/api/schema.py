"""The API's OpenAPI schema documents every answer an operation can give, errors included.

:class:`ApiAutoSchema` is ``DEFAULT_SCHEMA_CLASS`` (and the base of
:class:`apps.core.api.views.ServiceSchema`): after drf-spectacular has built an operation, it adds
the error answers the operation does not document itself, once for the whole API:

- 400 ``FieldErrors`` (``{field: [message, …]}``) where the operation takes a body or query
  parameters (a bad value, an unknown field, a service's refusal);
- 401 ``ErrorDetail`` (``{"detail": …}``) where signing in is required (no or a bad token);
- 403 ``Forbidden`` where signing in is required (the role may not do this; CSRF on a session);
- 404 ``ErrorDetail`` where the path names a record (not found or outside your scope) or the
  answer is a page (``?page=`` past the end);
- 429 ``ErrorDetail`` where the view throttles (the token endpoint).

"Not set" is ``""`` for a text field with choices or a format (an e-mail): the API answers
``""`` where a record has none, as it takes ``""`` to clear one. The schema says so for every
such field, output fields included (a read-only field made from a model field with
``blank=True`` loses DRF's ``allow_blank``; :meth:`ApiAutoSchema._map_serializer_field` puts it
back): an enum lists ``""`` (drf-spectacular's ``BlankEnum``), an e-mail is
``anyOf [e-mail, empty]``.

An operation that documents its own 400 body (duplicates, import rows) answers either that or
``FieldErrors``: its 400 is ``anyOf`` both; one that takes a list (JSON only) may answer a list
of them, one per item. The 400 and 403 bodies are the ones
:mod:`apps.core.api.field_rules` documents for writes.
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from apps.core.api.field_rules import FieldErrorsSerializer, ForbiddenSerializer


class ErrorDetailSerializer(serializers.Serializer):
    """An error answer: ``detail`` says what went wrong."""

    detail = serializers.CharField()


class ErrorDetailExtension(OpenApiSerializerExtension):
    target_class = ErrorDetailSerializer

    def get_name(self, auto_schema=None, direction=None):
        return "ErrorDetail"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "An error answer: detail says what went wrong.",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }


ERROR_ANSWERS = {
    "400": (
        FieldErrorsSerializer,
        _("Refused: each field or query parameter named with its messages; nothing was written."),
    ),
    "401": (ErrorDetailSerializer, _("Not signed in: send Authorization: Token <token>.")),
    "403": (ForbiddenSerializer, _("Not allowed for your role (detail says why).")),
    "404": (ErrorDetailSerializer, _("Not found, or outside what you may see.")),
    "429": (ErrorDetailSerializer, _("Too many requests: wait the seconds detail says.")),
}


def may_be_blank(field) -> bool:
    """Whether ``field`` (a serializer field) may hold ``""``: it allows blank, or it is a
    read-only field showing a model's text field with ``blank=True``."""
    if getattr(field, "allow_blank", True):
        return bool(getattr(field, "allow_blank", False))
    if not field.read_only or not field.source or field.source == "*" or "." in field.source:
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return isinstance(model_field, models.CharField | models.TextField) and model_field.blank


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the error answers and blank values (see the module
    docstring)."""

    @staticmethod
    def _blank_aware(field):
        """``field``, or a copy allowing blank where the record may hold ``""``."""
        if (
            isinstance(field, serializers.CharField | serializers.ChoiceField)
            and not field.allow_blank
            and may_be_blank(field)
        ):
            field = copy.copy(field)
            field.allow_blank = True
        return field

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        return super()._map_serializer_field(self._blank_aware(field), direction, bypass_extensions)

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(self._blank_aware(field), schema)
        # drf-spectacular words "a value or blank" as oneOf [value, maxLength 0]; a pattern
        # that allows "" too would then match twice: anyOf says the same without that trap.
        if "oneOf" in schema and {"type": "string", "maxLength": 0} in schema["oneOf"]:
            schema["anyOf"] = schema.pop("oneOf")

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        if operation.get("security") == [{}]:
            # Open to anyone (the token endpoint): no security requirement at all, so a
            # generated client calls it without credentials.
            operation["security"] = []
        takes_a_list = self._list_body_as_json_only(operation)
        responses = operation.setdefault("responses", {})
        self._or_field_errors(responses.get("400"))
        for code in self.error_codes(operation):
            if code in responses:
                continue
            serializer, description = ERROR_ANSWERS[code]
            answer = self._get_response_for_code(serializer, code)
            answer["description"] = str(description)
            responses[code] = answer
        if takes_a_list and "content" in responses.get("400", {}):
            # A list body is refused item by item: a list of FieldErrors, one per item.
            for content in responses["400"]["content"].values():
                own = content["schema"]
                content["schema"] = {"anyOf": [own, {"type": "array", "items": own}]}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    @staticmethod
    def _list_body_as_json_only(operation) -> bool:
        """Whether the request body is a list; if so it is documented as JSON only (a list
        has no form encoding)."""
        content = operation.get("requestBody", {}).get("content", {})
        json_body = content.get("application/json", {}).get("schema", {})
        if json_body.get("type") != "array":
            return False
        operation["requestBody"]["content"] = {"application/json": content["application/json"]}
        return True

    def _or_field_errors(self, answer) -> None:
        """An operation's own 400 body (duplicates, import rows) may also be the input
        serializer's field errors: its schema becomes ``anyOf [own, FieldErrors]``."""
        if not answer or "content" not in answer:
            return
        field_errors = self._get_response_for_code(FieldErrorsSerializer, "400")["content"]
        field_errors = next(iter(field_errors.values()))["schema"]
        for content in answer["content"].values():
            own = content.get("schema")
            if own and own != field_errors and "anyOf" not in own:
                content["schema"] = {"anyOf": [own, field_errors]}

    def requires_sign_in(self) -> bool:
        return not any(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def error_codes(self, operation) -> list[str]:
        parameters = operation.get("parameters", [])
        codes = []
        if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
            codes.append("400")
        if self.requires_sign_in():
            codes += ["401", "403"]
        names_a_record = any(p.get("in") == "path" for p in parameters)
        if names_a_record or (self.method == "GET" and self._is_list_view()):
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes
