"""Serializer fields every app's API shares."""

from rest_framework import serializers


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key of a record the requesting user may see (others are "does not exist",
    so an id outside the caller's scope reveals nothing)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)
