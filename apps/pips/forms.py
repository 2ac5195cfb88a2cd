"""Forms of improvement plans: open one, complete a proposal, log a session, mark it missed and
record the outcome. The services check the rules and name the field on bad input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.pips.choices import PipOutcome
from apps.pips.selectors import people_for_new_plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PipOpenForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    reason = forms.CharField(
        label=_("Why a plan now"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_for_new_plan(user)


class PipCompleteForm(forms.Form):
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Tie each goal to a weak KPI, with the figure to reach by the end."),
    )
    support = forms.CharField(
        label=_("Support offered"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Training, joint customer visits, a mentor…"),
    )
    start_date = forms.DateField(
        label=_("Start date"),
        required=False,
        widget=DATE,
        help_text=_("A working day; the weekly one-to-one is on this weekday for three months."),
    )


class SessionLogForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    agreed_actions = forms.CharField(
        label=_("Agreed actions"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SessionMissedForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it was missed"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("HR is told at once."),
    )


class PipOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PipOutcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
