"""Forms of the calibration screen: move a grade (with a reason), and the cycle actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.grades.choices import Grade
from apps.grades.selectors import annual_cycles


class GradeMoveForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,  # the service names the field when it is missing
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown beside the proposal, with your name and the date."),
    )


class CycleForm(forms.Form):
    """The annual cycle an action (propose, finalise) applies to."""

    cycle = forms.ModelChoiceField(
        label=_("Annual review cycle"), queryset=annual_cycles(), widget=forms.HiddenInput
    )


class ReopenForm(CycleForm):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded on every grade of the cycle."),
    )


class CycleChoiceForm(forms.Form):
    """Which annual cycle the calibration screen shows (``?cycle=<id>``)."""

    cycle = forms.ModelChoiceField(
        label=_("Annual review cycle"), queryset=annual_cycles(), empty_label=None
    )
