"""Authorization registry for this app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it. ROUTE_MODELS maps a URL name
("app:name" or the API basename route name like "scorecard-detail") to the model when the view
class has no ``model``/``queryset`` attribute.
"""

from apps.accounts.models import User
from apps.scorecards.models import RecomputeJob, Scorecard
from tests.factories.scorecards import RecomputeJobFactory, ScorecardFactory

OUT_OF_SCOPE: dict = {
    Scorecard: lambda cast: ScorecardFactory(rep=cast.rep_b),
    RecomputeJob: lambda cast: RecomputeJobFactory(requested_by=cast.rep_b),
}
ROUTE_MODELS: dict = {
    "scorecards:job-status": RecomputeJob,
    "scorecards:rep-dashboard": User,
    "scorecards:scorecard-sources": Scorecard,
    "scorecard-sources": Scorecard,
}
