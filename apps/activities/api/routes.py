"""REST routes of this app, registered on the one /api/v1/ router."""


def register(router):
    from apps.activities.api.views import ActivityViewSet

    router.register("activities", ActivityViewSet, basename="activity")
