"""The review follows its surveys: an answered or cancelled survey refreshes the customer part
of the person's open quarterly review of that quarter, in the survey's transaction."""

from apps.reviews.choices import CycleKind, ReviewStatus
from apps.reviews.models import Review
from apps.reviews.services import review_refresh_customer_part


def survey_changed(sender, *, rep_id: int, period_key: str, **kwargs) -> None:
    reviews = Review.objects.filter(
        person_id=rep_id, cycle__kind=CycleKind.QUARTER, cycle__period_key=period_key
    ).exclude(status=ReviewStatus.FINALISED)
    for review in reviews:
        review_refresh_customer_part(review=review)
