"""Serializer fields every app's API shares."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from apps.core.dates import validate_business_date


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key of a record the requesting user may see (others are "does not exist",
    so an id outside the caller's scope reveals nothing)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)


class BusinessDateTimeField(serializers.DateTimeField):
    """A date and time within the business date range (:mod:`apps.core.dates`).

    Checked before the time zone is applied: moving ``0001-01-01`` to UTC overflows (a 500
    before); such a value is a 400 naming the field."""

    def enforce_timezone(self, value):
        try:
            validate_business_date(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return super().enforce_timezone(value)
