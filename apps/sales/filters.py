"""One FilterSet per list, shared by the browser list view and the API viewset."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.filters import BusinessDateFilter, IdFilter, OwnedFilterSet
from apps.customers.models import Customer
from apps.sales.choices import DeliveryStatus, QuestionState, ReceivableState
from apps.sales.models import Delivery, DeliveryQuestion, Order, Payment, Receivable


def visible_customers(request):
    if request is None:
        return Customer.objects.none()
    return Customer.objects.visible_to(request.user)


def date_widget():
    return forms.DateInput(attrs={"type": "date"})


class SalesFilterSet(OwnedFilterSet):
    """OwnedFilterSet whose date filters render as date pickers in the browser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.DateFilter):
                filter_.extra["widget"] = date_widget()


class OrderFilter(SalesFilterSet):
    """Orders by owner, team, customer and signing date (``date_after`` / ``date_before``)."""

    owner_field = "owner"
    date_field = "signed_on"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    customer = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=visible_customers)

    class Meta:
        model = Order
        fields = ["q", "customer", "owner", "team", "date_after", "date_before"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(customer__name__icontains=value)
            | Q(notes__icontains=value)
        )


class ReceivableFilter(SalesFilterSet):
    """Receivables by owner, team, state (open / overdue / paid), due date (``date_after`` /
    ``date_before``) and issue date (``issued_after`` / ``issued_before``). The queryset must
    carry the balance annotations of :func:`apps.sales.selectors.receivable_balances`."""

    owner_field = "order__owner"
    date_field = "due_on"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ReceivableState.choices, method="filter_state"
    )
    order = IdFilter(label=_("Order"), widget=forms.HiddenInput)
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), field_name="order__customer", queryset=visible_customers
    )
    issued_after = BusinessDateFilter(
        label=_("Issued from"), field_name="issued_on", lookup_expr="gte"
    )
    issued_before = BusinessDateFilter(
        label=_("Issued to"), field_name="issued_on", lookup_expr="lte"
    )

    class Meta:
        model = Receivable
        fields = [
            "q",
            "state",
            "customer",
            "order",
            "owner",
            "team",
            "date_after",
            "date_before",
            "issued_after",
            "issued_before",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["date_after"].label = _("Due from")
        self.filters["date_before"].label = _("Due to")

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(order__number__icontains=value) | Q(order__customer__name__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        if value == ReceivableState.OPEN:
            return queryset.filter(open__gt=0)
        if value == ReceivableState.OVERDUE:
            return queryset.filter(open__gt=0, due_on__lt=timezone.localdate())
        if value == ReceivableState.PAID:
            return queryset.filter(open__lte=0)
        return queryset


class PaymentFilter(SalesFilterSet):
    """Payments by owner, team, receivable, order and payment date."""

    owner_field = "receivable__order__owner"
    date_field = "paid_on"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    receivable = IdFilter(label=_("Receivable"), widget=forms.HiddenInput)
    order = IdFilter(label=_("Order"), field_name="receivable__order", widget=forms.HiddenInput)
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), field_name="receivable__order__customer", queryset=visible_customers
    )

    class Meta:
        model = Payment
        fields = [
            "q",
            "customer",
            "order",
            "receivable",
            "owner",
            "team",
            "date_after",
            "date_before",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(receivable__order__number__icontains=value)
            | Q(receivable__order__customer__name__icontains=value)
        )


class DeliveryFilter(SalesFilterSet):
    """Deliveries by owner, team, order, status and planned date."""

    owner_field = "order__owner"
    date_field = "planned_on"

    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeliveryStatus.choices)
    order = IdFilter(label=_("Order"), widget=forms.HiddenInput)
    delivered_after = BusinessDateFilter(
        label=_("Delivered from"), field_name="delivered_on", lookup_expr="gte"
    )
    delivered_before = BusinessDateFilter(
        label=_("Delivered to"), field_name="delivered_on", lookup_expr="lte"
    )

    class Meta:
        model = Delivery
        fields = [
            "status",
            "order",
            "owner",
            "team",
            "date_after",
            "date_before",
            "delivered_after",
            "delivered_before",
        ]


class DeliveryQuestionFilter(SalesFilterSet):
    """Delivery questions by owner, team, delivery, open/closed and the day they were raised."""

    owner_field = "delivery__order__owner"
    date_field = "raised_on"

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=QuestionState.choices, method="filter_state"
    )
    delivery = IdFilter(label=_("Delivery"), widget=forms.HiddenInput)

    class Meta:
        model = DeliveryQuestion
        fields = ["state", "delivery", "owner", "team", "date_after", "date_before"]

    def filter_state(self, queryset, name, value):
        if value == QuestionState.OPEN:
            return queryset.filter(closed_on__isnull=True)
        if value == QuestionState.CLOSED:
            return queryset.filter(closed_on__isnull=False)
        return queryset


class AgingFilter(SalesFilterSet):
    """Filters of the customer aging view (applied to receivables): owner, team, customer and
    the day the aging is computed for (``as_of``, default today)."""

    owner_field = "order__owner"
    date_field = "due_on"

    as_of = BusinessDateFilter(label=_("As of"), method="filter_as_of")
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"), field_name="order__customer", queryset=visible_customers
    )

    class Meta:
        model = Receivable
        fields = ["as_of", "customer", "owner", "team"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The aging is a snapshot on one day: the due-date range of the base class makes no
        # sense here.
        self.filters.pop("date_after")
        self.filters.pop("date_before")

    def filter_as_of(self, queryset, name, value):
        return queryset  # read by the view through ``as_of_date``

    @property
    def as_of_date(self):
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("as_of") or timezone.localdate()
        return timezone.localdate()
