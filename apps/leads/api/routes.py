"""REST routes of this app, registered on the one /api/v1/ router."""


def register(router):
    from apps.leads.api.views import LeadImportViewSet, LeadViewSet

    # Before "leads", whose detail route would otherwise take "import" for an id.
    router.register("leads/import", LeadImportViewSet, basename="lead-import")
    router.register("leads", LeadViewSet, basename="lead")
