"""Browser views of orders, deliveries, receivables, payments and the customer aging view.

Reads go through the selectors (scoped with ``visible_to``: a record outside the user's scope is
a 404); writes are :class:`~apps.core.mixins.ServiceFormView` pages calling the services. HR
reads only (403 on every write page); a rep holding only a credit on an order sees it but may
not change it (403).
"""

from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from apps.accounts.models import User
from apps.core.mixins import FilteredListMixin, ServiceFormView, rows_conflict
from apps.core.ownership import assignable_owners
from apps.customers.models import Customer
from apps.opportunities.models import Opportunity
from apps.sales import exports, permissions, selectors, services
from apps.sales.choices import AGING_BUCKET_LABELS, AGING_BUCKETS
from apps.sales.filters import (
    AgingFilter,
    OrderFilter,
    PaymentFilter,
    ReceivableFilter,
)
from apps.sales.forms import (
    CreditFormSet,
    DeliveryForm,
    DeliveryQuestionCloseForm,
    DeliveryQuestionForm,
    OrderForm,
    OrderUpdateForm,
    PaymentForm,
    PaymentReverseForm,
    ReceivableForm,
)
from apps.sales.models import Delivery, DeliveryQuestion, Order, Payment, Receivable

CENT = Decimal("0.01")

# --- mixins --------------------------------------------------------------------------------


class SelectorListMixin(FilteredListMixin):
    """A filtered list whose base queryset comes from a selector (already scoped)."""

    def selector(self, *, user):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.selector(user=self.request.user)
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        return self.filterset.qs


def _share(percent) -> str:
    """A credit share as the conflict table shows it: ``"60.00%"``."""
    return "—" if percent is None else f"{percent:.2f}%"


def _optional_pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class OrderWriteView(ServiceFormView):
    """A page that changes an order or a part of it (delivery, question, receivable, payment).

    HR gets a 403; the record the page works on is a 404 when the user cannot see it and a 403
    when its order is not theirs to change. ``self.order`` is that order (in the context as
    ``order``); the page returns to it. The record comes from the URL's ``pk``, or with
    ``order_param`` from the query string (``?order=<id>``; optional unless
    ``order_required``).
    """

    write_rule = permissions.can_write_crm
    object_rule = permissions.can_edit_order
    object_queryset = Order.objects.select_related("customer", "owner")
    object_context_name = "order"
    order_param = None
    order_required = True

    order = None

    def get_object(self):
        if self.order_param is None:
            return super().get_object()
        pk = _optional_pk(self.request.GET.get(self.order_param))
        if pk is None and not self.order_required:
            return None
        return get_object_or_404(self.get_object_queryset(), pk=pk)

    def load(self) -> None:
        self.order = self.object

    def get_context_data(self, **kwargs):
        kwargs.setdefault("order", self.order)
        return super().get_context_data(**kwargs)

    def get_success_url(self, result=None) -> str:
        return reverse("sales:order-detail", args=[self.order.pk])


# --- orders --------------------------------------------------------------------------------


class OrderListView(SelectorListMixin, ListView):
    model = Order
    filterset_class = OrderFilter
    template_name = "sales/order_list.html"
    context_object_name = "orders"

    def selector(self, *, user):
        return selectors.order_list(user=user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=permissions.can_write_crm(self.request.user), **kwargs
        )


class OrderDetailView(LoginRequiredMixin, DetailView):
    model = Order
    template_name = "sales/order_detail.html"
    context_object_name = "order"

    def get_queryset(self):
        return selectors.order_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        user = self.request.user
        can_edit = permissions.can_edit_order(user, order)
        receivables = list(
            selectors.receivable_balances(Receivable.objects.filter(order=order)).order_by(
                "due_on", "pk"
            )
        )
        context.update(
            can_edit=can_edit,
            credits=[
                (credit, (order.amount * credit.percent / 100).quantize(CENT))
                for credit in order.credits.all()
            ],
            receivables=receivables,
            payments=selectors.payment_list(user=user).filter(receivable__order=order),
            deliveries=Delivery.objects.filter(order=order).prefetch_related("questions"),
            uninvoiced=order.amount - order.receivable_total,
            is_admin=permissions.is_admin(user),
        )
        if can_edit:
            # Two forms on one page: distinct element ids (names stay those of the create views).
            context["receivable_form"] = ReceivableForm(
                user=user,
                order=order,
                auto_id="id_receivable_%s",
                initial={"amount": context["uninvoiced"]},
            )
            if any(r.open > 0 for r in receivables):
                context["payment_form"] = PaymentForm(
                    user=user, order=order, auto_id="id_payment_%s"
                )
        return context


class OrderCreateView(ServiceFormView):
    write_rule = permissions.can_write_crm
    template_name = "sales/order_form.html"
    form_class = OrderForm
    form_takes_user = True

    def get_initial(self):
        initial = {}
        user = self.request.user
        opportunity_pk = _optional_pk(self.request.GET.get("opportunity"))
        customer_pk = _optional_pk(self.request.GET.get("customer"))
        if opportunity_pk:
            opportunity = Opportunity.objects.visible_to(user).filter(pk=opportunity_pk).first()
            if opportunity is not None:
                initial["opportunity"] = opportunity.pk
                initial["customer"] = opportunity.customer_id
                if opportunity.expected_amount:
                    initial["amount"] = opportunity.expected_amount
                if assignable_owners(user).filter(pk=opportunity.owner_id).exists():
                    initial["owner"] = opportunity.owner_id
        if customer_pk and Customer.objects.visible_to(user).filter(pk=customer_pk).exists():
            initial["customer"] = customer_pk
        return initial

    def perform_service(self, form):
        return services.order_create(actor=self.request.user, **form.service_kwargs())

    def get_success_message(self, result) -> str:
        return _("Order %(number)s was recorded.") % {"number": result}

    def get_success_url(self, result=None) -> str:
        return reverse("sales:order-detail", args=[result.pk])


class OrderUpdateView(OrderWriteView):
    version_check = True
    model = Order
    template_name = "sales/order_form.html"
    form_class = OrderUpdateForm
    form_takes_user = True
    success_message = gettext_lazy("Changes saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order}

    def get_initial(self):
        order = self.order
        return {
            "owner": order.owner_id,
            "number": order.number,
            "amount": order.amount,
            "signed_on": order.signed_on,
            "notes": order.notes,
        }

    def perform_service(self, form):
        return services.order_update(
            actor=self.request.user, order=self.order, **form.service_kwargs()
        )


class OrderCreditsView(OrderWriteView):
    """Edit the credit split of an order (shares in %, totalling exactly 100). The "form" is
    a formset (in the context as ``formset``); a refused split shows above the rows."""

    model = Order
    template_name = "sales/order_credits.html"
    form_class = CreditFormSet
    prefix = "credits"
    success_message = gettext_lazy("Credit split saved.")
    #: The split is part of the order: the page carries its version, and a split saved by
    #: someone else since the page was opened is a conflict (theirs beside yours, nothing
    #: written).
    version_check = True

    def people(self):
        creditable = permissions.creditable_people(self.request.user, self.order.owner)
        holders = self.order.credits.values("rep")
        # One filter, no queryset union (an OR of querysets breaks when either is DISTINCT).
        return User.objects.filter(Q(pk__in=creditable.values("pk")) | Q(pk__in=holders))

    def get_initial(self):
        return [
            {"rep": credit.rep_id, "percent": credit.percent}
            for credit in self.order.credits.order_by("-percent", "rep_id")
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "form_kwargs": {"people": self.people()}}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formset"] = context["form"]
        return context

    def get_formset_conflict(self, formset, current) -> list[dict]:
        saved = self.order.credits.select_related("rep").order_by("-percent", "rep_id")
        theirs = [(str(credit.rep), _share(credit.percent)) for credit in saved]
        yours = []
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            rep = data.get("rep")
            yours.append((str(rep) if rep is not None else "—", _share(data.get("percent"))))
        return rows_conflict(theirs, yours)

    def perform_service(self, form):
        return services.order_set_credits(
            actor=self.request.user,
            order=self.order,
            credits=form.credits(),
            expected_version=self.expected_version,
        )


# --- deliveries ----------------------------------------------------------------------------


class DeliveryCreateView(OrderWriteView):
    template_name = "sales/delivery_form.html"
    form_class = DeliveryForm
    order_param = "order"
    success_message = gettext_lazy("Delivery added.")

    def perform_service(self, form):
        return services.delivery_create(
            actor=self.request.user, order=self.order, **form.cleaned_data
        )


class DeliveryWriteView(OrderWriteView):
    """A page that changes a delivery (the URL's ``pk``) of an order."""

    model = Delivery
    object_rule = permissions.can_edit_delivery
    object_queryset = Delivery.objects.select_related("order")
    object_context_name = "delivery"

    def load(self) -> None:
        self.delivery = self.object
        self.order = self.delivery.order


class DeliveryUpdateView(DeliveryWriteView):
    version_check = True
    template_name = "sales/delivery_form.html"
    form_class = DeliveryForm
    success_message = gettext_lazy("Changes saved.")

    def get_initial(self):
        delivery = self.delivery
        return {
            "description": delivery.description,
            "planned_on": delivery.planned_on,
            "status": delivery.status,
            "delivered_on": delivery.delivered_on,
        }

    def perform_service(self, form):
        return services.delivery_update(
            actor=self.request.user, delivery=self.delivery, **form.cleaned_data
        )


class DeliveryQuestionCreateView(DeliveryWriteView):
    template_name = "sales/delivery_question_form.html"
    form_class = DeliveryQuestionForm
    success_message = gettext_lazy("Question logged.")

    def perform_service(self, form):
        return services.delivery_question_create(
            actor=self.request.user, delivery=self.delivery, **form.cleaned_data
        )


class DeliveryQuestionCloseView(OrderWriteView):
    model = DeliveryQuestion
    template_name = "sales/delivery_question_close.html"
    form_class = DeliveryQuestionCloseForm
    object_rule = permissions.can_edit_delivery_question
    object_queryset = DeliveryQuestion.objects.select_related("delivery", "delivery__order")
    object_context_name = "question"
    success_message = gettext_lazy("Question closed.")
    version_check = True

    def load(self) -> None:
        self.question = self.object
        self.order = self.question.delivery.order

    def perform_service(self, form):
        return services.delivery_question_close(
            actor=self.request.user,
            question=self.question,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_conflict_intent(self, form):
        return {"closed_on": form.cleaned_data.get("closed_on")}


# --- receivables ---------------------------------------------------------------------------


class ReceivableListView(SelectorListMixin, ListView):
    model = Receivable
    filterset_class = ReceivableFilter
    template_name = "sales/receivable_list.html"
    context_object_name = "receivables"

    def selector(self, *, user):
        return selectors.receivable_list(user=user)


class ReceivableDetailView(LoginRequiredMixin, DetailView):
    model = Receivable
    template_name = "sales/receivable_detail.html"
    context_object_name = "receivable"

    def get_queryset(self):
        return selectors.receivable_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        receivable = self.object
        user = self.request.user
        can_edit = permissions.can_edit_order(user, receivable.order)
        context.update(
            can_edit=can_edit,
            payments=selectors.payment_list(user=user).filter(receivable=receivable),
            is_admin=permissions.is_admin(user),
        )
        if can_edit and receivable.open > 0:
            context["payment_form"] = PaymentForm(user=user, receivable=receivable)
        return context


class ReceivableCreateView(OrderWriteView):
    """Issue a receivable; ``?order=<id>`` fixes the order."""

    template_name = "sales/receivable_form.html"
    form_class = ReceivableForm
    form_takes_user = True
    order_param = "order"
    order_required = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order}

    def perform_service(self, form):
        return services.receivable_create(actor=self.request.user, **form.service_kwargs())

    def get_success_message(self, result) -> str:
        return _("Receivable of %(amount)s due on %(date)s added.") % {
            "amount": services.money_display(result.amount),
            "date": result.due_on.isoformat(),
        }

    def get_success_url(self, result=None) -> str:
        return reverse("sales:order-detail", args=[result.order_id])


# --- payments ------------------------------------------------------------------------------


class PaymentListView(SelectorListMixin, ListView):
    model = Payment
    filterset_class = PaymentFilter
    template_name = "sales/payment_list.html"
    context_object_name = "payments"

    def selector(self, *, user):
        return selectors.payment_list(user=user)


class PaymentCreateView(OrderWriteView):
    """Record a payment. ``?receivable=<id>`` fixes the receivable; ``?order=<id>`` offers the
    open receivables of that order and returns to it."""

    template_name = "sales/payment_form.html"
    form_class = PaymentForm
    form_takes_user = True
    order_param = "order"
    order_required = False

    receivable = None

    def get_object(self):
        """The order of ``?receivable=`` (which then is ``self.receivable``) or ``?order=``."""
        receivable_pk = _optional_pk(self.request.GET.get("receivable"))
        if receivable_pk is None:
            return super().get_object()
        self.receivable = get_object_or_404(
            selectors.receivable_list(user=self.request.user), pk=receivable_pk
        )
        return self.receivable.order

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "receivable": self.receivable,
            "order": self.order,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(receivable=self.receivable, **kwargs)

    def perform_service(self, form):
        return services.payment_record(actor=self.request.user, **form.service_kwargs())

    def get_success_message(self, result) -> str:
        return _("Payment of %(amount)s recorded.") % {
            "amount": services.money_display(result.amount)
        }

    def get_success_url(self, result=None) -> str:
        if self.receivable is not None:
            return reverse("sales:receivable-detail", args=[result.receivable_id])
        return reverse("sales:order-detail", args=[result.receivable.order_id])


class PaymentReverseView(ServiceFormView):
    """Admin only: reverse (delete) a payment with a reason; audited."""

    model = Payment
    template_name = "sales/payment_reverse.html"
    form_class = PaymentReverseForm
    object_rule = permissions.can_reverse_payment
    object_context_name = "payment"
    success_message = gettext_lazy("The payment was reversed.")

    def get_object_queryset(self):
        return selectors.payment_list(user=self.request.user)

    def perform_service(self, form):
        return services.payment_reverse(
            actor=self.request.user, payment=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self, result=None) -> str:
        return reverse("sales:receivable-detail", args=[self.object.receivable_id])


# --- customer aging ------------------------------------------------------------------------


def _aging(request):
    filterset = AgingFilter(
        request.GET or None,
        queryset=Receivable.objects.visible_to(request.user),
        request=request,
    )
    aging = selectors.customer_aging(receivables=filterset.qs, as_of=filterset.as_of_date)
    return filterset, aging


def aging_columns():
    return [(key, AGING_BUCKET_LABELS[key]) for key, _low, _high in AGING_BUCKETS]


class AgingView(LoginRequiredMixin, TemplateView):
    """Open receivables per customer in buckets of days past due, with a totals row."""

    template_name = "sales/aging.html"

    def get_context_data(self, **kwargs):
        filterset, aging = _aging(self.request)
        query = self.request.GET.copy()
        columns = aging_columns()
        keys = [key for key, _label in columns]
        return super().get_context_data(
            filterset=filterset,
            aging=aging,
            columns=columns,
            table=[(row, [(key, row[key]) for key in keys]) for row in aging["rows"]],
            totals=[aging["totals"][key] for key in keys],
            export_url=f"{reverse('sales:aging-export')}?{query.urlencode()}",
            export_xlsx_url=f"{reverse('sales:aging-export-xlsx')}?{query.urlencode()}",
            **kwargs,
        )


class AgingExportView(LoginRequiredMixin, TemplateView):
    """The aging table as CSV (cells starting with = + - @ neutralised; plain numbers, the
    currency named in the headers) or, for people who read it, XLSX (money cells in the
    organisation's currency format, the day as a date cell)."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        filterset, aging = _aging(request)
        if filterset.is_bound and not filterset.is_valid():
            # Never export another day's figures than the one asked for: say why instead.
            problems = [str(error) for errors in filterset.errors.values() for error in errors]
            return HttpResponseBadRequest(
                " ".join(problems), content_type="text/plain; charset=utf-8"
            )
        name = f"aging-{aging['as_of'].isoformat()}.{self.file_format}"
        if self.file_format == "xlsx":
            response = HttpResponse(content_type=exports.XLSX_CONTENT_TYPE)
            writer = exports.write_aging_xlsx
        else:
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            writer = exports.write_aging_csv
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer(response, aging=aging, columns=aging_columns())
        return response
