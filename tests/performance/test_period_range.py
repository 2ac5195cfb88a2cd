"""Period keys outside the business dates (issue #9): refused when parsed, with the range."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.performance import services
from apps.performance.models import Target, WeightScheme
from apps.performance.periods import business_period_error, parse_period
from tests.performance.conftest import alpha_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_range(settings, monkeypatch):
    """Business dates 2000-01-01 .. 2027-11-29 (today 2026-11-28, horizon 366 days)."""
    settings.SALESPERF_EARLIEST_BUSINESS_DATE = datetime.date(2000, 1, 1)
    settings.SALESPERF_BUSINESS_DATE_HORIZON_DAYS = 366
    monkeypatch.setattr(
        "apps.core.dates.timezone.localdate", lambda *args: datetime.date(2026, 11, 28)
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("0001-01", "0001-01 is outside the business dates: use a period from 2000-01 to 2027-11."),
        ("1999-12", "1999-12 is outside the business dates: use a period from 2000-01 to 2027-11."),
        ("1999-Q4", "1999-Q4 is outside the business dates: use a period from 2000-Q1 to 2027-Q4."),
        ("2028", "2028 is outside the business dates: use a period from 2000 to 2027."),
        ("2027-12", "2027-12 is outside the business dates: use a period from 2000-01 to 2027-11."),
    ],
)
def test_periods_wholly_outside_the_range_are_refused(fixed_range, key, message):
    with pytest.raises(ValueError) as excinfo:
        parse_period(key)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("key", ["2000-01", "2000-Q1", "2000", "2027-11", "2027-Q4", "2027"])
def test_periods_overlapping_the_range_are_accepted(fixed_range, key):
    assert parse_period(key).key == key
    assert business_period_error(parse_period(key)) is None


def test_stored_keys_can_still_be_read_without_the_range(fixed_range):
    assert parse_period("0001-01", business_range=False).start == datetime.date(1, 1, 1)


def test_targets_for_a_period_outside_the_range_are_refused_and_nothing_saved(cast):
    with pytest.raises(ValidationError) as excinfo:
        services.team_targets_save(
            actor=cast.manager_a, team=cast.team_a, period_key="0001-01", rows=alpha_rows(cast)
        )
    assert "0001-01 is outside the business dates" in excinfo.value.message_dict["period"][0]
    assert not Target.objects.exists()


def test_a_weight_scheme_effective_before_the_business_dates_is_refused(cast):
    before = WeightScheme.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.weight_scheme_create(
            actor=cast.hr,
            cycle="monthly",
            effective_from=datetime.date(1, 1, 1),
            items=[{"kpi": "sales_achievement_rate", "weight": 100, "target": 100}],
        )
    assert list(caught.value.message_dict) == ["effective_from"]
    assert "must be between" in caught.value.message_dict["effective_from"][0]
    assert WeightScheme.objects.count() == before
