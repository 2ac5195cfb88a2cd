from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Team
from apps.core.forms import ISO_DATE, Form
from apps.development.choices import CaseKind, LearningKind, Skill

RATING_CHOICES = [
    (1, _("1 – no contribution")),
    (2, _("2 – occasional")),
    (3, _("3 – solid")),
    (4, _("4 – strong")),
    (5, _("5 – clearly drives the team")),
]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)


class RatingForm(Form):
    """One person's collaboration rating for a quarter (the quarter rides along hidden)."""

    cross_department = forms.TypedChoiceField(
        label=_("Cross-department collaboration"),
        choices=[("", "---------"), *RATING_CHOICES],
        coerce=int,
    )
    knowledge_sharing = forms.TypedChoiceField(
        label=_("Knowledge sharing"), choices=[("", "---------"), *RATING_CHOICES], coerce=int
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    period_key = forms.CharField(widget=forms.HiddenInput, max_length=16)


class LearningForm(Form):
    kind = forms.ChoiceField(label=_("What"), choices=LearningKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    on = forms.DateField(label=_("Date"), widget=_date_input(), input_formats=[ISO_DATE])
    skill = forms.ChoiceField(
        label=_("Skill"),
        choices=[("", "---------"), *Skill.choices],
        required=False,
        help_text=_("Required for a sandbox exercise."),
    )
    score = forms.DecimalField(
        label=_("Score (0–100)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_(
            "Required for a course exam or sandbox exercise; none for a course or meeting."
        ),
    )
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, required=False)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=500,
        help_text=_("Certificate number, course record, exam result or meeting minutes."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class GoalForm(Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    progress = forms.DecimalField(
        label=_("Progress (%)"), max_digits=5, decimal_places=2, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CaseForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    lessons = forms.CharField(
        label=_("What to copy or avoid"), widget=forms.Textarea(attrs={"rows": 4})
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Separate tags with commas, e.g. negotiation, manufacturing."),
    )
    meeting_on = forms.DateField(
        label=_("Sales meeting"), widget=_date_input(), input_formats=[ISO_DATE], required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
