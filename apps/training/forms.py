"""Forms of training proposals; the services check the rules and name the field on bad
input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.development.choices import Skill
from apps.training.choices import DIMENSIONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SKILL_LABELS = dict(Skill.choices)


class ConfirmForm(forms.Form):
    """An action without input (accept, generate)."""


class ScheduleForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    location = forms.CharField(
        label=_("Place or online link"),
        required=False,
        max_length=300,
        help_text=_("A meeting room, an address or the link of the online session."),
    )


class DoneForm(forms.Form):
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=DATE,
        help_text=_("Empty: today. The learning log of each participant shows the training."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is declined"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SettingsForm(forms.Form):
    weak_score = forms.DecimalField(
        label=_("Weak skill score"),
        max_digits=5,
        decimal_places=2,
        help_text=_("A skill whose evidence averages below this score (0–100) is weak."),
    )
    kpi_gap_score = forms.DecimalField(
        label=_("KPI gap score"),
        max_digits=5,
        decimal_places=2,
        help_text=_(
            "A KPI scored below this in the latest monthly scorecard points to a skill: "
            "customer development → needs discovery; sales achievement or collection → "
            "negotiation."
        ),
    )
    workshop_share = forms.DecimalField(
        label=_("Team share for a workshop (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_(
            "At least this share of a team weak in a skill (and two people) proposes "
            "a team workshop."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for skill in DIMENSIONS:
            label = SKILL_LABELS[skill]
            self.fields[f"workshop_{skill}"] = forms.CharField(
                label=_("%(skill)s: workshop title") % {"skill": label},
                required=False,
                max_length=200,
            )
            self.fields[f"courses_{skill}"] = forms.CharField(
                label=_("%(skill)s: suggested courses") % {"skill": label},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("One course a line."),
            )

    def catalogue(self) -> dict:
        data = self.cleaned_data
        return {
            str(skill): {
                "workshop": data.get(f"workshop_{skill}", ""),
                "courses": data.get(f"courses_{skill}", ""),
            }
            for skill in DIMENSIONS
        }
