"""Browser forms. They only parse input; the services check the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import Form
from apps.performance.calculations import DEFAULT_CAP
from apps.performance.choices import CYCLE_KPIS, Cycle, Kpi, SchemePreset
from apps.performance.filters import PeriodKeyField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount(label, **kwargs):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        **kwargs,
    )


# -- targets ----------------------------------------------------------------------------------


class TeamPeriodForm(Form):
    """Which team and period to set targets for (GET)."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=None, empty_label=None)
    period = PeriodKeyField(
        label=_("Period"),
        help_text=_("A month (2026-10), a quarter (2026-Q4) or a year (2026)."),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class TeamTotalForm(Form):
    team_sales_total = _amount(
        _("Team sales target"),
        help_text=_(
            "Split it evenly across the reps with the button, or type each rep's share: "
            "the rows must add up to this total."
        ),
    )


class TargetRowForm(Form):
    rep = forms.IntegerField(widget=forms.HiddenInput)
    #: The version of the rep's target the row was opened on (0: none yet): a target changed
    #: by someone else since is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    sales_target = _amount(_("Sales target"))
    new_customer_sales_target = _amount(_("of which new customers"))
    repeat_sales_target = _amount(_("of which repeat"))
    new_customers_target = forms.DecimalField(
        label=_("New customers (weighted)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
    )
    collection_rate_target = forms.DecimalField(
        label=_("Collection rate (%)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100"}),
    )


TargetRowFormSet = forms.formset_factory(TargetRowForm, extra=0)


# -- period settings --------------------------------------------------------------------------


class PeriodSettingForm(Form):
    period = PeriodKeyField(
        label=_("Period"), help_text=_("Usually a quarter (2026-Q4) or a year (2026).")
    )
    industry_growth_rate = forms.DecimalField(
        label=_("Industry growth rate (%)"), max_digits=7, decimal_places=2
    )
    challenge_margin = forms.DecimalField(
        label=_("Challenge margin (points)"),
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("5"),
        help_text=_("Growth target = industry growth rate + challenge margin."),
    )
    #: The version of the period's setting the form was opened on (0: none yet): a setting
    #: changed since is refused with both values, nothing is overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


# -- weight schemes ---------------------------------------------------------------------------


class WeightSchemeForm(Form):
    """A new scheme version: name, effective date and, per KPI of the cycle, weight / target /
    cap (a KPI without a weight is left out)."""

    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE_INPUT)
    preset = forms.ChoiceField(
        label=_("Based on preset"),
        choices=[("", "—"), *SchemePreset.choices],
        required=False,
        widget=forms.HiddenInput,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the weights change (e.g. the half-yearly review)."),
    )

    def __init__(self, *args, cycle: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        for kpi in CYCLE_KPIS[cycle]:
            label = Kpi(kpi).label
            self.fields[f"weight_{kpi}"] = forms.DecimalField(
                label=_("%(kpi)s: weight") % {"kpi": label},
                required=False,
                max_digits=5,
                decimal_places=2,
            )
            self.fields[f"target_{kpi}"] = forms.DecimalField(
                label=_("%(kpi)s: target") % {"kpi": label},
                required=False,
                max_digits=12,
                decimal_places=2,
            )
            self.fields[f"cap_{kpi}"] = forms.DecimalField(
                label=_("%(kpi)s: cap (%%)") % {"kpi": label},
                required=False,
                max_digits=6,
                decimal_places=2,
                initial=DEFAULT_CAP,
            )

    @property
    def general_fields(self):
        """The visible fields that are not per-KPI (name, effective date, notes)."""
        return [self[name] for name in ("name", "effective_from", "notes")]

    @property
    def kpi_rows(self) -> list[dict]:
        """``[{"kpi", "label", "weight", "target", "cap"}]`` bound fields for the table."""
        return [
            {
                "kpi": kpi,
                "label": Kpi(kpi).label,
                "weight": self[f"weight_{kpi}"],
                "target": self[f"target_{kpi}"],
                "cap": self[f"cap_{kpi}"],
            }
            for kpi in CYCLE_KPIS[self.cycle]
        ]

    def items(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "kpi": kpi,
                "weight": data.get(f"weight_{kpi}"),
                "target": data.get(f"target_{kpi}"),
                "cap": data.get(f"cap_{kpi}"),
            }
            for kpi in CYCLE_KPIS[self.cycle]
            if data.get(f"weight_{kpi}") is not None
        ]

    @staticmethod
    def initial_from_items(items) -> dict:
        initial = {}
        for item in items:
            kpi = item["kpi"]
            initial[f"weight_{kpi}"] = item["weight"]
            initial[f"target_{kpi}"] = item["target"]
            initial[f"cap_{kpi}"] = item.get("cap") or DEFAULT_CAP
        return initial


class CycleChoiceForm(Form):
    cycle = forms.ChoiceField(label=_("Cycle"), choices=Cycle.choices)


# -- PDCA -------------------------------------------------------------------------------------


class PdcaNoteForm(Form):
    period = PeriodKeyField(label=_("Quarter"), help_text=_("For example 2026-Q4."))
    plan = forms.CharField(
        label=_("Plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("This quarter's goals broken down: sales, new customers, actions."),
    )
    do = forms.CharField(
        label=_("Do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you did."),
    )
    check_notes = forms.CharField(
        label=_("Check"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Results against the plan; the gap and its causes."),
    )
    act = forms.CharField(
        label=_("Act"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you will change next quarter."),
    )
