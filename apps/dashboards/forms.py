"""Browser forms of the dashboards. They only parse input; the rules live in the services
(the weight-scheme rules in :mod:`apps.performance.services`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.performance import periods
from apps.performance.choices import CYCLE_PERIOD_KIND
from apps.performance.filters import PeriodKeyField
from apps.performance.forms import WeightSchemeForm

#: The fields of a scheme version that only publishing needs.
PUBLISH_FIELDS = ("name", "effective_from", "preset", "notes")


class WeightsWhatIfForm(WeightSchemeForm):
    """A draft weight scheme for one cycle (per KPI: weight, target, cap) and the past period
    it is tried on. ``publishing``: the form of the "Publish as a new version" button, which
    also takes the name, effective date (tomorrow at the earliest) and notes."""

    def __init__(self, *args, cycle: str, today: dt.date, publishing: bool = False, **kwargs):
        super().__init__(*args, cycle=cycle, **kwargs)
        self.today = today
        self.publishing = publishing
        self.fields["period"] = PeriodKeyField(
            label=_("Period"),
            required=False,
            help_text=_("A past period of the cycle; empty: the last complete one."),
        )
        if not publishing:
            for name in PUBLISH_FIELDS:
                del self.fields[name]

    def clean_period(self) -> periods.Period:
        key = self.cleaned_data.get("period")
        kind = CYCLE_PERIOD_KIND[self.cycle]
        last = periods.period_containing(kind, self.today).previous()
        if not key:
            return last
        period = periods.parse_period(key)
        if period.kind != kind:
            raise forms.ValidationError(
                _("Choose a period of this cycle, written like %(example)s.")
                % {"example": last.key}
            )
        if period.last_day >= self.today:
            raise forms.ValidationError(
                _("Choose a period that has ended; the last complete one is %(last)s.")
                % {"last": last.key}
            )
        return period

    def clean_effective_from(self):
        day = self.cleaned_data.get("effective_from")
        tomorrow = self.today + dt.timedelta(days=1)
        if day is not None and day < tomorrow:
            raise forms.ValidationError(
                _("A new version takes effect tomorrow (%(date)s) at the earliest.")
                % {"date": tomorrow.isoformat()}
            )
        return day

    @property
    def kpi_hidden_fields(self):
        """The draft's fields, for the publish form that carries the compared draft."""
        return [self[name] for name in self.fields if name.split("_", 1)[0] in KPI_PREFIXES]


KPI_PREFIXES = ("weight", "target", "cap")


def next_period_start(cycle: str, today: dt.date) -> dt.date:
    """The first day of the cycle's next period: the default effective date of a new version."""
    return periods.period_containing(CYCLE_PERIOD_KIND[cycle], today).next().start
