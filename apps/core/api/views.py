from rest_framework import viewsets


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
