"""Authorization registry for the pips app, read by tests/core/test_authorization.py.

A running plan of ``cast.rep_b`` (team Bravo) and its session: rep_a and manager_a get 404 on
them (a rep sees only their own plan, a manager their teams'); HR and admin read them.
"""

from apps.pips.models import CoachingSession, Pip
from tests.factories.pips import ActivePipFactory, CoachingSessionFactory

OUT_OF_SCOPE: dict = {
    Pip: lambda cast: ActivePipFactory(person=cast.rep_b, manager=cast.manager_b),
    CoachingSession: lambda cast: CoachingSessionFactory(
        pip=ActivePipFactory(person=cast.rep_b, manager=cast.manager_b)
    ),
}

ROUTE_MODELS: dict = {
    "pips:pip-complete": Pip,
    "pips:pip-outcome": Pip,
    "pips:session-log": CoachingSession,
    "pips:session-missed": CoachingSession,
}
