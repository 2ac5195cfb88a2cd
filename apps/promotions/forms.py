from django import forms
from django.utils.translation import gettext_lazy as _

from apps.reviews.choices import CycleKind
from apps.reviews.models import ReviewCycle


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Your sales methodology"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("At least 200 characters: how you find, win and keep customers."),
    )
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_("PDF, Word (docx), Markdown or text, at most 10 MB."),
    )
    submit = forms.BooleanField(
        label=_("Submit to HR now"),
        required=False,
        help_text=_("Leave unticked to save a draft you can still change."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


class AcceptForm(forms.Form):
    pass


class DecideForm(forms.Form):
    promoted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Promote")), ("no", _("Do not promote"))],
        coerce=lambda value: value == "yes",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


class RefreshForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label=_("Annual review cycle"),
        queryset=ReviewCycle.objects.filter(kind=CycleKind.YEAR).order_by("-pk"),
    )
