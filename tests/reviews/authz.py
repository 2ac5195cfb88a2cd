"""Authorization registry for the reviews app, read by tests/core/test_authorization.py.

- Reviews belong to the person reviewed: rep_b's review is a 404 (or 403) for rep_a and
  manager_a; HR and admin read it.
- Review cycles and annual weight schemes are organisation-wide: everyone signed in may see
  that they exist (the reviews inside are scoped), only HR and admins write.
"""

from apps.reviews.models import AnnualScheme, Review, ReviewCycle
from tests.factories.reviews import (
    AnnualSchemeFactory,
    QuarterReviewFactory,
    ReviewCycleFactory,
)

OUT_OF_SCOPE: dict = {
    Review: lambda cast: QuarterReviewFactory(person=cast.rep_b, manager=cast.manager_b),
}

ORGANISATION_WIDE: dict = {
    ReviewCycle: lambda cast: ReviewCycleFactory(),
    AnnualScheme: lambda cast: AnnualSchemeFactory(),
}

ROUTE_MODELS: dict = {
    "reviews:review-self": Review,
    "reviews:review-manager": Review,
    "reviews:review-waive": Review,
    "reviews:review-finalise": Review,
    "reviews:review-reopen": Review,
}
