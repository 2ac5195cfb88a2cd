"""Authorization registry for this app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it.
"""

from apps.leads.models import Lead
from tests.factories.leads import LeadFactory

OUT_OF_SCOPE: dict = {
    Lead: lambda cast: LeadFactory(owner=cast.rep_b),
}

#: Form views that act on the lead named in the URL.
ROUTE_MODELS: dict = {
    "leads:lead-detail": Lead,
    "leads:lead-update": Lead,
    "leads:lead-transition": Lead,
    "leads:lead-convert": Lead,
    "leads:lead-override": Lead,
    "leads:lead-touch-create": Lead,
}
