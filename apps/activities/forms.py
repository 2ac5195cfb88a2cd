from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.activities.choices import ActivityKind
from apps.core.forms import Form
from apps.customers.models import Customer
from apps.leads.models import Lead
from apps.opportunities.models import Opportunity

LINKS = ("lead", "customer", "opportunity")


class ActivityForm(Form):
    """Log or edit an activity. Fields fixed by the page that sent the user here (``fixed``:
    lead, customer, opportunity, kind) are hidden, so logging a visit takes a few clicks."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=None, required=False)
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=None, required=False)
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=None, required=False)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_step_on = forms.DateField(
        label=_("Next step due"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args, user, fixed: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed = fixed or {}
        customers = Customer.objects.visible_to(user).only("pk", "name")
        opportunities = Opportunity.objects.visible_to(user).only("pk", "name", "customer_id")
        fixed_customer = self.fixed.get("customer")
        if fixed_customer is not None:
            opportunities = opportunities.filter(customer=fixed_customer)
        self.fields["customer"].queryset = customers
        self.fields["opportunity"].queryset = opportunities
        self.fields["lead"].queryset = Lead.objects.visible_to(user).only("pk", "company_name")
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        for name, value in self.fixed.items():
            self.initial[name] = getattr(value, "pk", value)
            self.fields[name].widget = forms.HiddenInput()
        if "opportunity" in self.fixed and "customer" not in self.fixed:
            # The opportunity decides the customer.
            self.fields["customer"].widget = forms.HiddenInput()
            self.initial["customer"] = self.fixed["opportunity"].customer_id
        if (
            self.fixed.get("customer") is not None or self.fixed.get("opportunity") is not None
        ) and "lead" not in self.fixed:
            del self.fields["lead"]
        if "lead" in self.fixed and not self.fixed.keys() & {"customer", "opportunity"}:
            del self.fields["customer"]
            del self.fields["opportunity"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in LINKS:
            data.setdefault(name, None)
        return data
