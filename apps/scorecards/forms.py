from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import Form


class RecomputeForm(Form):
    period = forms.CharField(
        label=_("Period"), max_length=16, help_text=_("2026-10, 2026-Q4 or 2026")
    )
