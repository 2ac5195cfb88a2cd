from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core import home as home_pages
from apps.core import selectors


@never_cache
@require_GET
def healthz(request):
    """Database and broker status: 200 when both answer, 503 otherwise. Public, no secrets."""
    db_ok, db_detail = selectors.database_status()
    broker_ok, broker_detail = selectors.broker_status()
    beat = selectors.last_heartbeat() if db_ok else None
    ok = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
            "scheduler": {"last_heartbeat": beat.beat_at.isoformat() if beat else None},
        },
        status=200 if ok else 503,
    )


@login_required
def home(request):
    """The signed-in person's dashboard (the view registered for their role in
    :mod:`apps.core.home`), or the page of tiles when no app registered one."""
    view = home_pages.home_view_for(request.user)
    if view is not None:
        return view(request)
    return render(request, "core/home.html", {})
