"""A recompute of a period outside the business dates (issue #9): a 400 with the reason
(it was a 202, then the job failed), and no job."""

import pytest
from django.urls import reverse

from apps.scorecards.models import RecomputeJob

pytestmark = pytest.mark.django_db

URL = "/api/v1/scorecards/recompute/"


@pytest.mark.parametrize("period", ["0001-01", "1999-Q4", "2204"])
def test_api_recompute_of_a_period_outside_the_range_is_a_400(api_as, cast, period):
    response = api_as(cast.hr).post(URL, {"period": period}, format="json")
    assert response.status_code == 400
    [message] = response.json()["period"]
    assert message.startswith(f"{period} is outside the business dates: use a period from ")
    assert not RecomputeJob.objects.exists()


def test_browser_recompute_of_year_one_is_refused_with_the_reason(client_as, cast):
    response = client_as(cast.hr).post(
        reverse("scorecards:recompute"), {"period": "0001-01"}, follow=True
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any(text.startswith("0001-01 is outside the business dates") for text in shown)
    assert not RecomputeJob.objects.exists()
