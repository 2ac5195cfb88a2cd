"""Authorization registry for the pay app, read by tests/core/test_authorization.py.

- Pay runs are HR's: rep_a and manager_a get 403 on every run route (page and API), HR and
  admin read them. Their record routes are registered under :class:`PayRunRecord` rather than
  ``PayRun`` so that the walker's "API lists answer rep_a with 200" check does not apply to
  ``/api/v1/pay-runs/`` (a rep gets 403 there by design; tests/pay/test_api.py).
- A statement of rep_b (team Bravo): rep_a and manager_a get 404; HR and admin read it.
- Pay policies are organisation-wide rules: every role reads them; only HR and admins create.
"""

import datetime

from django.utils import timezone

from apps.pay import services
from apps.pay.models import PayPolicy, PayRun, PayStatement


class PayRunRecord:
    """Marker: a route serving one pay run (HR and admins only)."""


def _run(key="2026-09"):
    policy = services.ensure_default_policy()
    run, _created = PayRun.objects.get_or_create(
        period_key=key,
        defaults={
            "period_start": datetime.date(int(key[:4]), int(key[5:]), 1),
            "period_end": datetime.date(int(key[:4]), int(key[5:]) + 1, 1),
            "policy": policy,
            "policy_version": policy.version,
            "status": "open",
        },
    )
    return run


def _statement(cast):
    return PayStatement.objects.create(
        run=_run(), person=cast.rep_b, team=cast.team_b, computed_at=timezone.now()
    )


OUT_OF_SCOPE: dict = {
    PayRunRecord: lambda cast: _run(),
    PayStatement: _statement,
}

ORGANISATION_WIDE: dict = {
    PayPolicy: lambda cast: services.ensure_default_policy(),
}

ROUTE_MODELS: dict = {
    "pay:run-detail": PayRunRecord,
    "pay:run-recompute": PayRunRecord,
    "pay:run-close": PayRunRecord,
    "pay:run-correct": PayRunRecord,
    "pay-run-detail": PayRunRecord,
    "pay-run-recompute": PayRunRecord,
    "pay-run-close": PayRunRecord,
    "pay-run-correct": PayRunRecord,
}
