from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import Form
from apps.reminders.choices import ExceptionKind


class PreferencesForm(Form):
    """Per rule: inbox and e-mail switches (``inbox_<code>``, ``email_<code>``), plus digest."""

    digest = forms.BooleanField(
        label=_("Daily digest: one e-mail a day instead of one per reminder"), required=False
    )

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            code = row["code"]
            self.fields[f"inbox_{code}"] = forms.BooleanField(
                label=_("Inbox"), required=False, initial=row["inbox"]
            )
            self.fields[f"email_{code}"] = forms.BooleanField(
                label=_("E-mail"), required=False, initial=row["email"]
            )

    def table(self):
        return [
            (row, self[f"inbox_{row['code']}"], self[f"email_{row['code']}"]) for row in self.rows
        ]

    def choices(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            row["code"]: {
                "inbox": data[f"inbox_{row['code']}"],
                "email": data[f"email_{row['code']}"],
            }
            for row in self.rows
        }


class RuleForm(Form):
    """The switch plus one text field per parameter; the rule's own validation runs in the
    service and its messages land on the matching field."""

    enabled = forms.BooleanField(label=_("Switched on"), required=False)

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        definition = rule.definition
        values = rule.effective_params()
        for name, spec in definition.params.items():
            self.fields[name] = forms.CharField(
                label=spec.label,
                initial=spec.display(values.get(name, "")),
                help_text=spec.help_text,
                max_length=200,
            )
        self.fields["enabled"].initial = rule.enabled

    def params(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "enabled"}


class CalendarExceptionForm(Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
