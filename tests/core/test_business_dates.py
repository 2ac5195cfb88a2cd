"""The business date range (issue #9): one setting, one check (apps/core/dates.py), used by
services, forms, filters and serializers."""

import datetime
import subprocess

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

from apps.core import dates
from apps.core.api.fields import BusinessDateTimeField
from apps.core.dates import (
    BusinessDateField,
    business_date_error,
    business_date_range,
    check_business_date,
    validate_business_date,
)
from tests.core.test_settings import _settings_in_subprocess

D = datetime.date
TODAY = D(2026, 11, 28)
MESSAGE = "The signing date must be between 2000-01-01 and 2027-11-29."


@pytest.fixture(autouse=True)
def fixed_today(settings, monkeypatch):
    settings.SALESPERF_EARLIEST_BUSINESS_DATE = D(2000, 1, 1)
    settings.SALESPERF_BUSINESS_DATE_HORIZON_DAYS = 366
    monkeypatch.setattr(dates.timezone, "localdate", lambda *args: TODAY)


def test_the_range_runs_from_the_setting_to_the_horizon_after_today():
    assert business_date_range() == (D(2000, 1, 1), D(2027, 11, 29))


@pytest.mark.parametrize("value", [D(2000, 1, 1), TODAY, D(2027, 11, 29), None])
def test_dates_inside_the_range_and_none_pass(value):
    assert business_date_error(value, label="The signing date") is None
    validate_business_date(value)


@pytest.mark.parametrize(
    "value", [D(1, 1, 1), D(1999, 12, 31), D(2027, 11, 30), D(9999, 12, 31), D(2204, 5, 1)]
)
def test_dates_outside_the_range_get_a_message_naming_the_field(value):
    assert business_date_error(value, label="The signing date") == MESSAGE
    errors = {}
    assert (
        check_business_date(value, field="signed_on", label="The signing date", errors=errors)
        is False
    )
    assert errors == {"signed_on": [MESSAGE]}
    with pytest.raises(ValidationError) as excinfo:
        validate_business_date(value)
    assert excinfo.value.messages == ["Enter a date between 2000-01-01 and 2027-11-29."]


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(1, 1, 1),
        datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),  # to Shanghai: fine
        timezone.make_aware(datetime.datetime(1, 1, 1)),  # to UTC: would overflow
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.UTC),  # to Shanghai: overflows
    ],
)
def test_datetimes_at_the_ends_of_the_calendar_are_refused_not_a_crash(value):
    assert business_date_error(value, label="The signing date") == MESSAGE


def test_an_aware_datetime_counts_by_its_local_day():
    # 2027-11-29 20:00 UTC is 2027-11-30 04:00 in Shanghai: one day beyond the horizon.
    late = datetime.datetime(2027, 11, 29, 20, tzinfo=datetime.UTC)
    assert business_date_error(late, label="The signing date") == MESSAGE
    assert business_date_error(late.replace(hour=10), label="The signing date") is None


def test_the_range_follows_the_settings(settings):
    settings.SALESPERF_EARLIEST_BUSINESS_DATE = D(2020, 1, 1)
    settings.SALESPERF_BUSINESS_DATE_HORIZON_DAYS = 0
    assert business_date_range() == (D(2020, 1, 1), TODAY)
    assert business_date_error(D(2019, 12, 31), label="X") is not None
    assert business_date_error(TODAY + datetime.timedelta(days=1), label="X") is not None


def test_the_form_field_refuses_a_date_outside_the_range():
    class Form(forms.Form):
        day = BusinessDateField()

    form = Form({"day": "0001-01-01"})
    assert form.errors == {"day": ["Enter a date between 2000-01-01 and 2027-11-29."]}
    assert Form({"day": "2026-11-28"}).is_valid()


def test_the_serializer_field_refuses_year_one_before_applying_the_time_zone():
    class Payload(serializers.Serializer):
        at = BusinessDateTimeField()

    payload = Payload(data={"at": "0001-01-01"})
    assert not payload.is_valid()
    assert payload.errors == {"at": ["Enter a date between 2000-01-01 and 2027-11-29."]}
    ok = Payload(data={"at": "2026-11-28T10:00:00+08:00"})
    assert ok.is_valid(), ok.errors


def test_the_settings_read_the_environment(tmp_path):
    env = {
        "SALESPERF_VAR_DIR": str(tmp_path),
        "SALESPERF_EARLIEST_BUSINESS_DATE": "2010-07-01",
        "SALESPERF_BUSINESS_DATE_HORIZON_DAYS": "30",
    }
    value = _settings_in_subprocess(
        "salesperf.settings.local",
        env,
        "settings.SALESPERF_EARLIEST_BUSINESS_DATE, settings.SALESPERF_BUSINESS_DATE_HORIZON_DAYS",
    )
    assert value == "2010-07-01 30"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SALESPERF_EARLIEST_BUSINESS_DATE", "01/07/2010", "must be a date (YYYY-MM-DD)"),
        ("SALESPERF_BUSINESS_DATE_HORIZON_DAYS", "-1", "must be between 0 and 3660"),
    ],
)
def test_nonsense_settings_stop_the_start(tmp_path, name, value, message):
    env = {"SALESPERF_VAR_DIR": str(tmp_path), name: value}
    with pytest.raises(subprocess.CalledProcessError) as excinfo:
        _settings_in_subprocess("salesperf.settings.local", env, "settings.DEBUG")
    assert message in excinfo.value.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/activities/",
        "/api/v1/customers/",
        "/api/v1/leads/",
        "/api/v1/opportunities/",
        "/api/v1/orders/",
    ],
)
def test_owned_list_date_filters_outside_the_range_are_a_400(cast, api_as, url):
    response = api_as(cast.admin).get(
        url, {"date_after": "0001-01-01", "date_before": "2204-01-01"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "date_after": ["Enter a date between 2000-01-01 and 2027-11-29."],
        "date_before": ["Enter a date between 2000-01-01 and 2027-11-29."],
    }
