"""Authorization registry for this app, read by tests/core/test_authorization.py.

Ratings, learning entries and goals belong to rep_b (team Bravo): rep_a and manager_a get
404/403. A rating is owned by the person rated; rep_a also never gives one to rep_b.
The case library is shared knowledge (every role reads a case) but only its author, a manager of
their team, HR and admins change it: it is walked as ORGANISATION_WIDE with a case by rep_b.
"""

from apps.accounts.models import User
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase
from tests.factories.accounts import RepFactory
from tests.factories.development import (
    CapabilityGoalFactory,
    CollaborationRatingFactory,
    LearningEntryFactory,
    SalesCaseFactory,
)

OUT_OF_SCOPE: dict = {
    CollaborationRating: lambda cast: CollaborationRatingFactory(
        rated=cast.rep_b, rater=RepFactory(team=cast.team_b)
    ),
    LearningEntry: lambda cast: LearningEntryFactory(rep=cast.rep_b),
    CapabilityGoal: lambda cast: CapabilityGoalFactory(rep=cast.rep_b),
}

ORGANISATION_WIDE: dict = {
    SalesCase: lambda cast: SalesCaseFactory(author=cast.rep_b, team=cast.team_b),
}

ROUTE_MODELS: dict = {
    "development:rating-give": User,
    "development:learning-update": LearningEntry,
    "development:learning-delete": LearningEntry,
    "development:goal-update": CapabilityGoal,
    "development:case-update": SalesCase,
    "development:case-delete": SalesCase,
}
