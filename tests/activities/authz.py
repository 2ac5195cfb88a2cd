"""Authorization registry for this app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it.
"""

from apps.activities.models import Activity
from tests.factories.activities import ActivityFactory
from tests.factories.customers import CustomerFactory

OUT_OF_SCOPE: dict = {
    Activity: lambda cast: ActivityFactory(customer=CustomerFactory(owner=cast.rep_b)),
}

ROUTE_MODELS: dict = {
    "activities:activity-update": Activity,
}
