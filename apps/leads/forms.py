from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.forms import Form
from apps.core.ownership import assignable_owners
from apps.customers.models import Customer, Industry
from apps.leads.choices import (
    LEAD_TRANSITIONS,
    CompanySize,
    DecisionComplexity,
    Grade,
    LeadSource,
    LeadStatus,
    NeedMatch,
    TouchChannel,
)
from apps.leads.imports import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from apps.leads.permissions import is_admin, is_rep
from apps.leads.services import RUBRIC_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeadForm(Form):
    company_name = forms.CharField(label=_("Company"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False
    )
    company_size = forms.ChoiceField(label=_("Company size"), choices=CompanySize.choices)
    need_match = forms.ChoiceField(label=_("Need match"), choices=NeedMatch.choices)
    decision_complexity = forms.ChoiceField(
        label=_("Decision-chain complexity"), choices=DecisionComplexity.choices
    )
    source = forms.ChoiceField(label=_("Source channel"), choices=LeadSource.choices)
    referred_by = forms.ModelChoiceField(
        label=_("Referred by customer"),
        queryset=Customer.objects.none(),
        required=False,
        help_text=_("Only for a customer referral."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Save anyway: I checked the matching records"), required=False
    )

    def __init__(self, *args, user, show_confirm=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_by"].queryset = Customer.objects.visible_to(user).order_by("name")
        if is_rep(user):
            del self.fields["owner"]  # a rep always owns what they create
        else:
            self.fields["owner"].queryset = assignable_owners(user).order_by("username")
            self.fields["owner"].required = is_admin(user)
            if not is_admin(user):
                self.fields["owner"].empty_label = _("Myself")
        if not show_confirm:
            self.fields["confirm_duplicate"].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("confirm_duplicate", None)
        return data


class RubricForm(Form):
    size_small = forms.IntegerField(label=_("Small company"), min_value=0)
    size_medium = forms.IntegerField(label=_("Medium company"), min_value=0)
    size_large = forms.IntegerField(label=_("Large company"), min_value=0)
    need_low = forms.IntegerField(label=_("Low need match"), min_value=0)
    need_medium = forms.IntegerField(label=_("Medium need match"), min_value=0)
    need_high = forms.IntegerField(label=_("High need match"), min_value=0)
    chain_complex = forms.IntegerField(label=_("Complex decision chain"), min_value=0)
    chain_moderate = forms.IntegerField(label=_("Moderate decision chain"), min_value=0)
    chain_simple = forms.IntegerField(label=_("Simple decision chain"), min_value=0)
    a_min_total = forms.IntegerField(label=_("Lowest total for A"), min_value=0)
    b_min_total = forms.IntegerField(
        label=_("Lowest total for B"),
        min_value=0,
        help_text=_("Totals below this give C."),
    )

    field_order = list(RUBRIC_FIELDS)


class TransitionForm(Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when disqualifying."),
    )

    def __init__(self, *args, lead, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = LEAD_TRANSITIONS[LeadStatus(lead.status)] - {LeadStatus.CONVERTED}
        self.fields["status"].choices = [
            (value, label) for value, label in LeadStatus.choices if value in allowed
        ]


class OverrideForm(Form):
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=[("", _("— none: use the rubric grade —")), *Grade.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ConvertForm(Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.none(),
        required=False,
        empty_label=_("Create a new customer from this lead"),
        help_text=_("Or link the lead to an existing customer."),
    )
    opportunity_name = forms.CharField(
        label=_("Opportunity name"),
        max_length=200,
        required=False,
        help_text=_("Defaults to the company name."),
    )
    expected_amount = forms.DecimalField(
        label=_("Expected amount"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    expected_close_on = forms.DateField(
        label=_("Expected close"), widget=DATE_INPUT, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user).order_by("name")


class NurtureTouchForm(Form):
    touched_on = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("Channel"), choices=TouchChannel.choices)
    content = forms.CharField(
        label=_("What was sent"),
        max_length=300,
        help_text=_("E.g. an industry case or a solution white paper."),
    )


class LeadImportForm(Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(size)s MB and %(rows)s rows.") % {
            "size": MAX_IMPORT_BYTES // (1024 * 1024),
            "rows": f"{MAX_IMPORT_ROWS:,}",
        }
