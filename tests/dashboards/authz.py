"""Authorization registry for the dashboards (read by tests/core/test_authorization.py): the
drill-down ``dashboards:rep`` serves a person (a ``User``), found with ``visible_to``."""

from apps.accounts.models import User

OUT_OF_SCOPE: dict = {}
ROUTE_MODELS: dict = {
    "dashboards:rep": User,
}
