"""The survey's forms: the customer's answer (public link), the phone interview typed in by HR
or the manager (the same questions), sending a link and cancelling."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import Form
from apps.surveys.services import MAX_DAYS_VALID


def _score_field(label, help_text):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        help_text=help_text,
        widget=forms.NumberInput(
            attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric", "class": "score"}
        ),
    )


class SurveyAnswerForm(Form):
    """The three questions of SPEC §2.3, each 0–100, a comment and who answers."""

    solution_fit = _score_field(
        _("How well does our solution fit your needs?"),
        _("0 = not at all, 100 = perfectly."),
    )
    response_speed = _score_field(
        _("How quickly do we respond to your requests?"),
        _("0 = far too slowly, 100 = always right away."),
    )
    problem_resolution = _score_field(
        _("How well do we solve your problems?"),
        _("0 = not solved, 100 = fully solved."),
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    respondent = forms.CharField(label=_("Your name (optional)"), required=False, max_length=120)


class PhoneInterviewForm(SurveyAnswerForm):
    """The same questions, asked by phone and typed in by HR or the rep's manager."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution_fit"].label = _("Solution fit (0–100)")
        self.fields["response_speed"].label = _("Response speed (0–100)")
        self.fields["problem_resolution"].label = _("Problem resolution (0–100)")
        self.fields["comment"].label = _("What the customer said (optional)")
        self.fields["respondent"].label = _("Contact interviewed (optional)")


class IssueLinkForm(Form):
    days_valid = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS_VALID,
        initial=14,
        help_text=_("A new link replaces any earlier one, which then stops working."),
    )


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Why is the survey cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
