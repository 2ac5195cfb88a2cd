"""The range of business dates the product accepts, in one place.

A business date (an order's signing date, a payment, a delivery, an activity, a period ...)
lies between ``settings.SALESPERF_EARLIEST_BUSINESS_DATE`` and today plus
``settings.SALESPERF_BUSINESS_DATE_HORIZON_DAYS``. Anything outside is a typo (``0001-01-01``,
``2204-05-01``) that would otherwise be stored, break date arithmetic (``OverflowError``) or
make a period nobody can compute.

- services call :func:`business_date_error` (a message or ``None``) or
  :func:`check_business_date` (adds the message to their ``errors`` dict under the field);
- forms, serializers and filters use :func:`validate_business_date` (a Django validator) or
  :class:`BusinessDateField`.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

__all__ = [
    "BusinessDateField",
    "business_date_error",
    "business_date_range",
    "check_business_date",
    "validate_business_date",
]


def business_date_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The earliest and the latest business date accepted (both included)."""
    today = today or timezone.localdate()
    return (
        settings.SALESPERF_EARLIEST_BUSINESS_DATE,
        today + datetime.timedelta(days=settings.SALESPERF_BUSINESS_DATE_HORIZON_DAYS),
    )


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            try:
                return timezone.localtime(value).date()
            except OverflowError:  # year 1 or 9999 shifted across midnight by the offset
                return value.date()
        return value.date()
    return value


def _range_message(label, earliest: datetime.date, latest: datetime.date) -> str:
    return _("%(label)s must be between %(earliest)s and %(latest)s.") % {
        "label": label,
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
    }


def business_date_error(value, *, label) -> str | None:
    """Why ``value`` (a date or datetime; ``None`` is not checked) is not an acceptable
    business date, in a sentence starting with ``label``; ``None`` when it is fine."""
    if value is None:
        return None
    day = _as_date(value)
    earliest, latest = business_date_range()
    if day < earliest or day > latest:
        return _range_message(label, earliest, latest)
    return None


def check_business_date(value, *, field: str, label, errors: dict) -> bool:
    """Add the range error for ``value`` to ``errors[field]``; ``True`` when it is fine."""
    message = business_date_error(value, label=label)
    if message is None:
        return True
    errors.setdefault(field, []).append(message)
    return False


def validate_business_date(value) -> None:
    """A Django validator (forms, serializers, filters): a date or datetime in range."""
    if value is None:
        return
    day = _as_date(value)
    earliest, latest = business_date_range()
    if day < earliest or day > latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
            code="business_date_range",
        )


class BusinessDateField(forms.DateField):
    """A form date field limited to the business date range."""

    default_validators = [validate_business_date]
