from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.choices import CompanySize
from apps.core.forms import Form
from apps.core.ownership import assignable_owners
from apps.core.quarters import quarter_of
from apps.customers.choices import (
    DemandIntent,
    FeedbackStatus,
    InsightKind,
    InsightSource,
    UsageFrequency,
)
from apps.customers.models import Customer, Industry, MarketInsight


class CustomerForm(Form):
    """Create or edit a customer. ``owner`` is offered only to those who may assign it; the
    ``lead`` it comes from only when it is created (its lead grade follows that lead and is not
    entered here)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False
    )
    company_size = forms.ChoiceField(
        label=_("Company size"), choices=[("", "—"), *CompanySize.choices], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    lead = forms.ModelChoiceField(
        label=_("From lead"),
        queryset=None,
        required=False,
        help_text=_(
            "The customer's lead grade, which weighs its development, follows this lead's grade."
        ),
    )
    referred_by = forms.ModelChoiceField(
        label=_("Referred by customer"), queryset=None, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, user, instance: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        owners = assignable_owners(user)
        if user.is_rep:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners.order_by("username")
            self.fields["owner"].help_text = _("Leave empty to own it yourself.")
        referrers = Customer.objects.visible_to(user).only("pk", "name")
        if instance is not None:
            referrers = referrers.exclude(pk=instance.pk)
        self.fields["referred_by"].queryset = referrers
        if instance is not None:
            del self.fields["lead"]
        else:
            # The leads app sits above this one: its model through the declared relation.
            lead_model = Customer._meta.get_field("lead").related_model
            self.fields["lead"].queryset = (
                lead_model.objects.visible_to(user)
                .filter(customer__isnull=True)
                .order_by("company_name", "pk")
            )

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class MarkLostForm(Form):
    lost_on = forms.DateField(
        label=_("Lost on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Cooperation ended and no repurchase intention for the next six months."),
    )


class ReactivateForm(Form):
    reason = forms.CharField(
        label=_("Why is the customer active again?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class ContactForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)


class IndustryForm(Form):
    name = forms.CharField(label=_("New industry"), max_length=120)


class HealthReportForm(Form):
    year = forms.IntegerField(label=_("Year"))
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )
    usage_frequency = forms.ChoiceField(
        label=_("Product usage frequency"), choices=UsageFrequency.choices
    )
    issue_resolution_hours = forms.DecimalField(
        label=_("Mean issue-resolution time (hours)"),
        max_digits=8,
        decimal_places=1,
        required=False,
    )
    new_demand_intent = forms.ChoiceField(
        label=_("New-demand intent"), choices=DemandIntent.choices
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No satisfaction field: it comes from the customer's survey answers (SPEC §2.3).
        if not self.is_bound and not self.initial.get("year"):
            year, quarter = quarter_of(timezone.localdate())
            self.initial.setdefault("year", year)
            self.initial.setdefault("quarter", quarter)


class MarketInsightForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=InsightKind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=InsightSource.choices)
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.all())
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}))
    customers = forms.ModelMultipleChoiceField(label=_("Customers"), queryset=None, required=False)
    leads = forms.ModelMultipleChoiceField(label=_("Leads"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The leads app sits above this one: its model through the declared relation.
        lead_model = MarketInsight._meta.get_field("leads").related_model
        self.fields["customers"].queryset = Customer.objects.visible_to(user).only("pk", "name")
        self.fields["leads"].queryset = lead_model.objects.visible_to(user).only(
            "pk", "company_name"
        )


class ProductFeedbackForm(Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=None)
    summary = forms.CharField(label=_("Summary"), max_length=200)
    detail = forms.CharField(
        label=_("Detail"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=FeedbackStatus.choices, initial=FeedbackStatus.OPEN
    )

    def __init__(self, *args, user, fixed_customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user).only("pk", "name")
        if fixed_customer is not None:
            self.fields["customer"].initial = fixed_customer.pk
            self.fields["customer"].widget = forms.HiddenInput()


class FeedbackUpdateForm(Form):
    summary = forms.CharField(label=_("Summary"), max_length=200)
    detail = forms.CharField(
        label=_("Detail"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=FeedbackStatus.choices)
