"""Forms of the review pages: the self and manager parts, HR's actions, opening a cycle."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Team
from apps.core.forms import ISO_DATE, Form
from apps.reviews.choices import CalibrationScope, CycleKind, Part
from apps.reviews.models import AnnualScheme

SAVE = "save"
SUBMIT = "submit"


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )


def _weight_field(label, initial):
    return forms.DecimalField(
        label=label,
        initial=Decimal(initial),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100"}),
    )


class ReviewPartForm(Form):
    """One rater's part: every indicator scored 0–100 with a comment, and a summary.

    ``Save draft`` accepts empty scores; ``Submit`` needs every indicator scored (each missing
    one is named). The fields start from what the rater saved, else from the computed score.
    """

    action = forms.ChoiceField(
        choices=[(SAVE, _("Save draft")), (SUBMIT, _("Submit"))], required=False
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 30})
    )

    def __init__(self, *args, indicators, part, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.part = part
        if part == Part.SELF:
            self.fields["summary"].label = _("Your reflection on the gap to target")
            self.fields["summary"].help_text = _(
                "Where you are against your targets, why, and what you will do about it."
            )
        else:
            self.fields["summary"].label = _("Manager's summary")
        for indicator in self.indicators:
            label = indicator.get_kpi_display()
            self.fields[self.score_name(indicator)] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=5,
                decimal_places=2,
                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
                widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100"}),
            )
            comment_label = _("Comment on %(indicator)s") % {"indicator": label}
            self.fields[self.comment_name(indicator)] = forms.CharField(
                label=comment_label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 24, "aria-label": comment_label}),
            )

    @staticmethod
    def score_name(indicator) -> str:
        return f"score_{indicator.kpi}"

    @staticmethod
    def comment_name(indicator) -> str:
        return f"comment_{indicator.kpi}"

    @classmethod
    def initial_for(cls, review, indicators, part) -> dict:
        """The values the form opens with: the rater's saved scores, else the computed ones."""
        summary = review.self_summary if part == Part.SELF else review.manager_summary
        initial = {"summary": summary}
        for indicator in indicators:
            saved = getattr(indicator, f"{part}_score")
            initial[cls.score_name(indicator)] = (
                saved if saved is not None else indicator.computed_score
            )
            initial[cls.comment_name(indicator)] = getattr(indicator, f"{part}_comment")
        return initial

    @property
    def submitting(self) -> bool:
        return self.data.get(self.add_prefix("action")) == SUBMIT

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for indicator in self.indicators:
                name = self.score_name(indicator)
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(
                        name,
                        _("Give %(indicator)s a score from 0 to 100 before submitting.")
                        % {"indicator": indicator.get_kpi_display()},
                    )
        return cleaned

    def scores(self) -> dict:
        """``{kpi: (score or None, comment)}`` for the services."""
        data = self.cleaned_data
        return {
            indicator.kpi: (
                data.get(self.score_name(indicator)),
                (data.get(self.comment_name(indicator)) or "").strip(),
            )
            for indicator in self.indicators
        }

    def rows(self):
        """``(indicator, score field, comment field)`` per indicator, for the template."""
        return [
            (indicator, self[self.score_name(indicator)], self[self.comment_name(indicator)])
            for indicator in self.indicators
        ]


class WaiveForm(Form):
    part = forms.ChoiceField(label=_("Part to waive"), choices=Part.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("Shown on the review; the other parts' weights are scaled up to 100."),
        error_messages={"required": _("Give the reason for waiving this part.")},
    )

    def __init__(self, *args, parts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parts is not None:
            self.fields["part"].choices = [
                (value, label) for value, label in Part.choices if value in parts
            ]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for waiving this part."))
        return reason


class FinaliseForm(Form):
    """Nothing to fill in: the button confirms."""


class ReopenForm(Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("Kept in the review's history."),
        error_messages={"required": _("Give the reason for reopening this review.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for reopening this review."))
        return reason


class CycleForm(Form):
    """Open a review cycle (HR): a quarter's 360° reviews or a year's annual reviews."""

    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices)
    period_key = forms.CharField(
        label=_("Period"),
        max_length=16,
        help_text=_("A quarter (2026-Q3) for a 360° review, a year (2026) for an annual review."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for the whole company."),
    )
    # Quarterly 360°
    self_weight = _weight_field(_("Self weight (%)"), "30")
    manager_weight = _weight_field(_("Manager weight (%)"), "50")
    customer_weight = _weight_field(_("Customer weight (%)"), "20")
    survey_sample_min = forms.IntegerField(
        label=_("Customers surveyed per person (at least)"), initial=10, min_value=1, max_value=100
    )
    survey_sample_max = forms.IntegerField(
        label=_("Customers surveyed per person (at most)"), initial=15, min_value=1, max_value=100
    )
    seed = forms.CharField(
        label=_("Survey draw seed"),
        max_length=64,
        required=False,
        help_text=_("Optional. The same seed draws the same customers; leave empty for a new one."),
    )
    # Deadlines
    self_due = _date_field(_("Self-reviews due"))
    manager_due = _date_field(_("Manager reviews due"))
    survey_due = _date_field(_("Customer surveys due"))
    finalise_due = _date_field(_("Finalisation due"))
    # Annual
    annual_scheme = forms.ModelChoiceField(
        label=_("Annual weight scheme"),
        queryset=AnnualScheme.objects.none(),
        required=False,
        help_text=_("Annual reviews only. Leave empty for the scheme in force."),
    )
    calibration_scope = forms.ChoiceField(
        label=_("Grade calibration group"),
        choices=CalibrationScope.choices,
        initial=CalibrationScope.COMPANY,
    )
    a_percent = _weight_field(_("Share of A grades (%)"), "10")
    c_percent = _weight_field(_("Share of C grades (%)"), "10")

    QUARTER_FIELDS = (
        "self_weight",
        "manager_weight",
        "customer_weight",
        "survey_sample_min",
        "survey_sample_max",
        "seed",
    )
    DEADLINE_FIELDS = ("self_due", "manager_due", "survey_due", "finalise_due")
    ANNUAL_FIELDS = ("annual_scheme", "calibration_scope", "a_percent", "c_percent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.order_by("name")
        self.fields["annual_scheme"].queryset = AnnualScheme.objects.order_by("-effective_from")

    def clean_period_key(self):
        return self.cleaned_data["period_key"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        weights = [
            cleaned.get(name) for name in ("self_weight", "manager_weight", "customer_weight")
        ]
        if all(weight is not None for weight in weights):
            total = sum(weights, Decimal("0"))
            if total != Decimal("100"):
                self.add_error(
                    "customer_weight",
                    _(
                        "The self, manager and customer weights add up to %(total)s; "
                        "they must add up to 100."
                    )
                    % {"total": f"{total.normalize():f}"},
                )
        low, high = cleaned.get("survey_sample_min"), cleaned.get("survey_sample_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "survey_sample_max",
                _("The most customers surveyed cannot be fewer than the least."),
            )
        shares = [cleaned.get("a_percent"), cleaned.get("c_percent")]
        if all(share is not None for share in shares) and sum(shares) > 100:
            self.add_error("c_percent", _("The A and C shares together cannot exceed 100 %."))
        return cleaned

    def groups(self):
        """The fields in the groups the page shows them in."""
        return [
            (_("The cycle"), [self[name] for name in ("name", "kind", "period_key", "teams")]),
            (_("Quarterly 360° reviews"), [self[name] for name in self.QUARTER_FIELDS]),
            (_("Deadlines"), [self[name] for name in self.DEADLINE_FIELDS]),
            (_("Annual reviews and grades"), [self[name] for name in self.ANNUAL_FIELDS]),
        ]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["teams"] = list(data.get("teams") or [])
        data["seed"] = data.get("seed") or None
        return data
