"""How choice and date fields read in the browser (SPEC §3).

* A select in a *form* starts with "Choose…" when an answer is required and "None" when it may
  stay empty — never Django's ``---------``.
* A select in a *filter* starts with "All"; a date filter is a date picker
  (``<input type="date">``).

Forms get this by inheriting :class:`Form` / :class:`ModelForm` (or :class:`PromptsMixin`);
filter sets by inheriting :class:`apps.core.filters.FilterSet`. Both only change what a field
shows; what it accepts stays the same (so the API, which validates through the same forms,
is unaffected).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

CHOOSE = _("Choose…")
NONE = _("None")
ALL = _("All")

#: The empty labels Django and django-filter put first in a select.
DASHES = "---------"

#: Date inputs post and show ISO dates (what ``<input type="date">`` speaks), whatever the
#: language's display format.
ISO_DATE = "%Y-%m-%d"


def _relabel_empty_choice(field, label) -> None:
    """Give the empty choice of a plain ``ChoiceField`` (``("", "---------")``) ``label``."""
    choices = list(field.choices)
    if any(value == "" and str(text) == DASHES for value, text in choices):
        field.choices = [
            (value, label if value == "" and str(text) == DASHES else text)
            for value, text in choices
        ]


def _empty_label_field(field) -> bool:
    """A field whose first choice comes from its ``empty_label`` attribute (Django's and
    django-filter's model choice fields, django-filter's choice fields)."""
    return hasattr(field, "empty_label") and not isinstance(field, forms.ModelMultipleChoiceField)


def _set_empty_label(field, label) -> None:
    """Set ``field.empty_label`` and rebind the widget's choices to ``field`` (a copied form
    field's widget may still iterate the choices of the class's original field)."""
    field.empty_label = label
    if isinstance(field, forms.ModelChoiceField):
        field.widget.choices = field.choices
    else:  # django-filter's ChoiceField: its choices are an iterator over the raw choices
        raw = getattr(field.choices, "choices", None)
        if raw is not None:
            field.choices = raw


def use_prompts(form) -> None:
    """Replace the dashes of every select of ``form`` with "Choose…" / "None"."""
    for field in form.fields.values():
        if _empty_label_field(field):
            if field.empty_label is not None and str(field.empty_label) == DASHES:
                _set_empty_label(field, CHOOSE if field.required else NONE)
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            _relabel_empty_choice(field, CHOOSE if field.required else NONE)


def date_picker(field) -> None:
    """Show ``field`` (a date field) as ``<input type="date">`` with an ISO value."""
    widget = field.widget
    if isinstance(widget, forms.DateInput):
        widget.input_type = "date"
        widget.format = ISO_DATE
        return
    if isinstance(widget, forms.HiddenInput):
        return
    field.widget = forms.DateInput(attrs={**widget.attrs, "type": "date"}, format=ISO_DATE)


def use_filter_prompts(form) -> None:
    """Make a filter form read as filters: every select starts with "All" (yes/no selects
    included: "All" instead of "Unknown"), every date is a date picker."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
            date_picker(field)
            continue
        if _empty_label_field(field):
            if field.empty_label is not None:
                _set_empty_label(field, ALL)
            continue
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", ALL), *list(widget.choices)[1:]]
        elif isinstance(widget, forms.Select) and isinstance(field, forms.NullBooleanField):
            widget.choices = [
                (value, ALL if value in ("", "unknown") else text) for value, text in widget.choices
            ]
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            _relabel_empty_choice(field, ALL)


class PromptsMixin:
    """A form whose selects start with "Choose…" / "None" instead of dashes. Applied when the
    form's fields are first rendered or read, so choices set in ``__init__`` are covered."""

    _prompts_applied = False

    def __getitem__(self, name):
        if not self._prompts_applied:
            self._prompts_applied = True
            use_prompts(self)
        return super().__getitem__(name)


class Form(PromptsMixin, forms.Form):
    pass


class ModelForm(PromptsMixin, forms.ModelForm):
    pass
