"""REST routes of this app, registered on the one /api/v1/ router."""


def register(router):
    """Register this app's viewsets: ``router.register("things", ThingViewSet, basename=...)``."""
