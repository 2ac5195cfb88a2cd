"""Forms of performance pay: open a month's run, confirm a recompute or the close, correct a
closed run, and a new pay policy version. The services check the rules and name the field on
bad input; the forms only parse."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.pay.filters import month_key

MONTH_INPUT = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})


class MonthField(forms.CharField):
    """A month picker ("2026-10"); the cleaned value is the month key."""

    widget = MONTH_INPUT

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        return month_key(value)


class PayRunOpenForm(forms.Form):
    period_key = MonthField(
        label=_("Month"),
        help_text=_("The month to pay (not a future month); one run per month."),
    )


class PayRunConfirmForm(forms.Form):
    """Recompute or close: nothing to fill in, a button (and the record's version)."""


class PayRunCorrectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What was wrong in the closed month (e.g. a late payment changed a score). The "
            "differences are paid in the next open run."
        ),
    )


PERCENT_FIELD = {"max_digits": 6, "decimal_places": 2}


class MonthStartField(MonthField):
    """A month picker whose cleaned value is the month's first day (a full date is also
    accepted, so the service can say why a day other than the 1st is refused)."""

    def clean(self, value):
        raw = forms.CharField.clean(self, value)
        if raw in self.empty_values:
            return None
        try:
            return datetime.date.fromisoformat(raw.strip())
        except ValueError:
            pass
        key = month_key(raw)
        return datetime.date(int(key[:4]), int(key[5:7]), 1)


class PayPolicyForm(forms.Form):
    effective_from = MonthStartField(
        label=_("Effective from (month)"),
        help_text=_("After the latest version's month; no closed run may exist for it or later."),
    )
    base_share = forms.DecimalField(label=_("Base performance pay (%)"), **PERCENT_FIELD)
    performance_share = forms.DecimalField(label=_("Performance bonus (%)"), **PERCENT_FIELD)
    capability_share = forms.DecimalField(label=_("Capability bonus (%)"), **PERCENT_FIELD)
    score_cap = forms.DecimalField(label=_("Score cap (%)"), **PERCENT_FIELD)
    satisfaction_threshold = forms.DecimalField(
        label=_("Satisfaction bonus threshold"), **PERCENT_FIELD
    )
    satisfaction_bonus_rate = forms.DecimalField(
        # xgettext:no-python-format
        label=_("Satisfaction bonus (% of base salary)"),
        **PERCENT_FIELD,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
