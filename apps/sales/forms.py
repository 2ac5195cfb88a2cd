"""Browser forms. They parse input and offer only the choices the user may use; the rules
(amount caps, dates, credit totals) are checked by the services."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.forms import Form
from apps.core.ownership import assignable_owners
from apps.customers.choices import CustomerStatus
from apps.customers.models import Customer
from apps.opportunities.choices import Stage
from apps.opportunities.models import Opportunity
from apps.sales.choices import DEFAULT_CREDIT_TERM_DAYS, DeliveryStatus
from apps.sales.models import Order, Receivable
from apps.sales.permissions import writable_orders
from apps.sales.selectors import receivable_balances

MONEY = {"max_digits": 14, "decimal_places": 2}


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderForm(Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"),
        queryset=Opportunity.objects.none(),
        required=False,
        help_text=_("An open opportunity moves to won when the order is saved."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    number = forms.CharField(
        label=_("Contract number"),
        max_length=64,
        required=False,
        help_text=_("Leave empty to generate one (SO-year-sequence)."),
    )
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    signed_on = forms.DateField(label=_("Signed on"), widget=_date_input())
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.visible_to(user).filter(
            status=CustomerStatus.ACTIVE
        )
        self.fields["opportunity"].queryset = (
            Opportunity.objects.visible_to(user)
            .exclude(stage=Stage.LOST)
            .select_related("customer")
        )
        owners = assignable_owners(user)
        if owners.count() <= 1:
            # A rep always owns what they create: no choice to offer.
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].initial = user.pk

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "customer": data["customer"],
            "opportunity": data.get("opportunity"),
            "owner": data.get("owner"),
            "number": data.get("number", ""),
            "amount": data["amount"],
            "signed_on": data["signed_on"],
            "notes": data.get("notes", ""),
        }


class OrderUpdateForm(Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    number = forms.CharField(label=_("Contract number"), max_length=64)
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    signed_on = forms.DateField(label=_("Signed on"), widget=_date_input())
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        owners = assignable_owners(user)
        if owners.count() <= 1:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = User.objects.filter(
                Q(pk__in=owners.values("pk")) | Q(pk=order.owner_id)
            )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "owner": data.get("owner"),
            "number": data["number"],
            "amount": data["amount"],
            "signed_on": data["signed_on"],
            "notes": data.get("notes", ""),
        }


class CreditForm(Form):
    rep = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.none())
    percent = forms.DecimalField(label=_("Credit %"), max_digits=5, decimal_places=2)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["rep"].queryset = people


class BaseCreditFormSet(forms.BaseFormSet):
    #: No field of its own: a service's refusal (see :func:`apps.core.mixins.add_service_errors`)
    #: goes above the rows, through :meth:`add_error`.
    fields: dict = {}

    def add_error(self, field, error) -> None:
        """Show ``error`` (a message or a list of them) above the rows, like a form's
        non-field errors."""
        messages = error if isinstance(error, list) else [error]
        self._non_form_errors = self.error_class([*self.non_form_errors(), *messages])

    def credits(self) -> list[dict]:
        return [
            {"rep": form.cleaned_data["rep"], "percent": form.cleaned_data["percent"]}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


CreditFormSet = forms.formset_factory(
    CreditForm, formset=BaseCreditFormSet, extra=2, can_delete=True, max_num=20
)


class DeliveryForm(Form):
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    planned_on = forms.DateField(label=_("Planned date"), widget=_date_input())
    status = forms.ChoiceField(
        label=_("Status"), choices=DeliveryStatus.choices, initial=DeliveryStatus.PLANNED
    )
    delivered_on = forms.DateField(
        label=_("Actual date"),
        widget=_date_input(),
        required=False,
        help_text=_("Required when the status is delivered."),
    )


class DeliveryQuestionForm(Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    raised_on = forms.DateField(
        label=_("Raised on"), widget=_date_input(), initial=timezone.localdate
    )


class DeliveryQuestionCloseForm(Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
    closed_on = forms.DateField(
        label=_("Closed on"), widget=_date_input(), initial=timezone.localdate
    )


class ReceivableForm(Form):
    order = forms.ModelChoiceField(label=_("Order"), queryset=Order.objects.none())
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    issued_on = forms.DateField(
        label=_("Issued on"), widget=_date_input(), initial=timezone.localdate
    )
    credit_term_days = forms.IntegerField(
        label=_("Credit term (days)"), min_value=0, max_value=3650, initial=DEFAULT_CREDIT_TERM_DAYS
    )
    due_on = forms.DateField(
        label=_("Due on"),
        widget=_date_input(),
        required=False,
        help_text=_("Leave empty: issue date + credit term."),
    )

    def __init__(self, *args, user, order: Order | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        orders = writable_orders(user, Order.objects.visible_to(user)).select_related("customer")
        self.fields["order"].queryset = orders
        if order is not None:
            self.fields["order"].initial = order.pk
            self.fields["order"].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "order": data["order"],
            "amount": data["amount"],
            "issued_on": data["issued_on"],
            "due_on": data.get("due_on"),
        }
        if data.get("credit_term_days") is not None:
            kwargs["credit_term_days"] = data["credit_term_days"]
        return kwargs


class PaymentForm(Form):
    receivable = forms.ModelChoiceField(label=_("Receivable"), queryset=Receivable.objects.none())
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=_date_input(), initial=timezone.localdate)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)

    def __init__(self, *args, user, receivable=None, order: Order | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        receivables = Receivable.objects.visible_to(user).filter(
            order__in=writable_orders(user, Order.objects.visible_to(user))
        )
        field = self.fields["receivable"]
        if receivable is not None:
            field.queryset = receivables
            field.initial = receivable.pk
            field.widget = forms.HiddenInput()
            return
        if order is not None:
            receivables = receivables.filter(order=order)
        # Only receivables with something still open are offered.
        open_receivables = receivable_balances(receivables).filter(open__gt=0)
        field.queryset = Receivable.objects.filter(
            pk__in=open_receivables.values("pk")
        ).select_related("order")
        if order is not None:
            open_ids = list(field.queryset.values_list("pk", flat=True)[:2])
            if len(open_ids) == 1:
                field.initial = open_ids[0]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "receivable": data["receivable"],
            "amount": data["amount"],
            "paid_on": data["paid_on"],
            "reference": data.get("reference", ""),
        }


class PaymentReverseForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
