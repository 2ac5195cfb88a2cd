"""Browser views of orders, deliveries, receivables, payments and the customer aging view.

Reads go through the selectors (scoped with ``visible_to``: a record outside the user's scope is
a 404); writes go through the services. HR reads only (403 on every write page); a rep holding
only a credit on an order sees it but may not change it (403).
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from apps.accounts.models import User
from apps.core.mixins import FilteredListMixin, add_service_errors
from apps.customers.models import Customer
from apps.opportunities.models import Opportunity
from apps.sales import access, exports, selectors, services
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


class SalesWriteMixin(LoginRequiredMixin):
    """Write pages: HR (read-only) gets a 403. ``get_order()`` finds the order the page
    changes: not visible -> 404; visible but not the user's to change -> 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not access.can_write_sales(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_order(self, order: Order) -> Order:
        if not access.can_edit_order(self.request.user, order):
            raise PermissionDenied
        return order

    def visible_order(self, pk) -> Order:
        return get_object_or_404(
            Order.objects.visible_to(self.request.user).select_related("customer", "owner"),
            pk=pk,
        )


def _optional_pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
            can_write=access.can_write_sales(self.request.user), **kwargs
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
        can_edit = access.can_edit_order(user, order)
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
            is_admin=access.is_admin(user),
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


class OrderCreateView(SalesWriteMixin, FormView):
    template_name = "sales/order_form.html"
    form_class = OrderForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

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
                if access.assignable_owners(user).filter(pk=opportunity.owner_id).exists():
                    initial["owner"] = opportunity.owner_id
        if customer_pk and Customer.objects.visible_to(user).filter(pk=customer_pk).exists():
            initial["customer"] = customer_pk
        return initial

    def form_valid(self, form):
        try:
            order = services.order_create(actor=self.request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Order %(number)s was recorded.") % {"number": order})
        return redirect("sales:order-detail", pk=order.pk)


class OrderUpdateView(SalesWriteMixin, FormView):
    model = Order
    template_name = "sales/order_form.html"
    form_class = OrderUpdateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.order = self.visible_order(kwargs["pk"])
            if access.can_write_sales(request.user):
                self.check_order(self.order)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "order": self.order}

    def get_initial(self):
        order = self.order
        return {
            "owner": order.owner_id,
            "number": order.number,
            "amount": order.amount,
            "signed_on": order.signed_on,
            "notes": order.notes,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.order, **kwargs)

    def form_valid(self, form):
        try:
            services.order_update(
                actor=self.request.user, order=self.order, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("sales:order-detail", pk=self.order.pk)


class OrderCreditsView(SalesWriteMixin, TemplateView):
    """Edit the credit split of an order (shares in %, totalling exactly 100)."""

    model = Order
    template_name = "sales/order_credits.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.order = self.visible_order(kwargs["pk"])
            if access.can_write_sales(request.user):
                self.check_order(self.order)
        return super().dispatch(request, *args, **kwargs)

    def people(self):
        creditable = access.creditable_people(self.request.user, self.order.owner)
        holders = self.order.credits.values("rep")
        return User.objects.filter(pk__in=creditable.values("pk")) | User.objects.filter(
            pk__in=holders
        )

    def formset(self, data=None):
        initial = [
            {"rep": credit.rep_id, "percent": credit.percent}
            for credit in self.order.credits.order_by("-percent", "rep_id")
        ]
        return CreditFormSet(
            data, initial=initial, prefix="credits", form_kwargs={"people": self.people()}
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(formset=self.formset()))

    def post(self, request, *args, **kwargs):
        formset = self.formset(request.POST)
        if formset.is_valid():
            try:
                services.order_set_credits(
                    actor=request.user, order=self.order, credits=formset.credits()
                )
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(
                    [m for messages_ in exc.message_dict.values() for m in messages_]
                )
            else:
                messages.success(request, _("Credit split saved."))
                return redirect("sales:order-detail", pk=self.order.pk)
        return self.render_to_response(self.get_context_data(formset=formset))

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.order, **kwargs)


# --- deliveries ----------------------------------------------------------------------------


class DeliveryCreateView(SalesWriteMixin, FormView):
    template_name = "sales/delivery_form.html"
    form_class = DeliveryForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.order = self.visible_order(_optional_pk(request.GET.get("order")))
            if access.can_write_sales(request.user):
                self.check_order(self.order)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.order, **kwargs)

    def form_valid(self, form):
        try:
            services.delivery_create(actor=self.request.user, order=self.order, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Delivery added."))
        return redirect("sales:order-detail", pk=self.order.pk)


class DeliveryObjectMixin(SalesWriteMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.delivery = get_object_or_404(
                Delivery.objects.visible_to(request.user).select_related("order"),
                pk=kwargs["pk"],
            )
            self.order = self.delivery.order
            if access.can_write_sales(request.user):
                self.check_order(self.order)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(delivery=self.delivery, order=self.order, **kwargs)


class DeliveryUpdateView(DeliveryObjectMixin, FormView):
    model = Delivery
    template_name = "sales/delivery_form.html"
    form_class = DeliveryForm

    def get_initial(self):
        delivery = self.delivery
        return {
            "description": delivery.description,
            "planned_on": delivery.planned_on,
            "status": delivery.status,
            "delivered_on": delivery.delivered_on,
        }

    def form_valid(self, form):
        try:
            services.delivery_update(
                actor=self.request.user, delivery=self.delivery, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("sales:order-detail", pk=self.order.pk)


class DeliveryQuestionCreateView(DeliveryObjectMixin, FormView):
    model = Delivery
    template_name = "sales/delivery_question_form.html"
    form_class = DeliveryQuestionForm

    def form_valid(self, form):
        try:
            services.delivery_question_create(
                actor=self.request.user, delivery=self.delivery, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Question logged."))
        return redirect("sales:order-detail", pk=self.order.pk)


class DeliveryQuestionCloseView(SalesWriteMixin, FormView):
    model = DeliveryQuestion
    template_name = "sales/delivery_question_close.html"
    form_class = DeliveryQuestionCloseForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.question = get_object_or_404(
                DeliveryQuestion.objects.visible_to(request.user).select_related(
                    "delivery", "delivery__order"
                ),
                pk=kwargs["pk"],
            )
            self.order = self.question.delivery.order
            if access.can_write_sales(request.user):
                self.check_order(self.order)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(question=self.question, order=self.order, **kwargs)

    def form_valid(self, form):
        try:
            services.delivery_question_close(
                actor=self.request.user, question=self.question, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Question closed."))
        return redirect("sales:order-detail", pk=self.order.pk)


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
        can_edit = access.can_edit_order(user, receivable.order)
        context.update(
            can_edit=can_edit,
            payments=selectors.payment_list(user=user).filter(receivable=receivable),
            is_admin=access.is_admin(user),
        )
        if can_edit and receivable.open > 0:
            context["payment_form"] = PaymentForm(user=user, receivable=receivable)
        return context


class ReceivableCreateView(SalesWriteMixin, FormView):
    template_name = "sales/receivable_form.html"
    form_class = ReceivableForm

    def dispatch(self, request, *args, **kwargs):
        self.order = None
        if request.user.is_authenticated:
            order_pk = _optional_pk(request.GET.get("order"))
            if order_pk is not None:
                self.order = self.visible_order(order_pk)
                if access.can_write_sales(request.user):
                    self.check_order(self.order)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "order": self.order}

    def get_context_data(self, **kwargs):
        return super().get_context_data(order=self.order, **kwargs)

    def form_valid(self, form):
        try:
            receivable = services.receivable_create(
                actor=self.request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Receivable of %(amount)s due on %(date)s added.")
            % {
                "amount": services.money_display(receivable.amount),
                "date": receivable.due_on.isoformat(),
            },
        )
        return redirect("sales:order-detail", pk=receivable.order_id)


# --- payments ------------------------------------------------------------------------------


class PaymentListView(SelectorListMixin, ListView):
    model = Payment
    filterset_class = PaymentFilter
    template_name = "sales/payment_list.html"
    context_object_name = "payments"

    def selector(self, *, user):
        return selectors.payment_list(user=user)


class PaymentCreateView(SalesWriteMixin, FormView):
    """Record a payment. ``?receivable=<id>`` fixes the receivable; ``?order=<id>`` offers the
    open receivables of that order and returns to it."""

    template_name = "sales/payment_form.html"
    form_class = PaymentForm

    def dispatch(self, request, *args, **kwargs):
        self.receivable = None
        self.order = None
        if request.user.is_authenticated:
            receivable_pk = _optional_pk(request.GET.get("receivable"))
            order_pk = _optional_pk(request.GET.get("order"))
            if receivable_pk is not None:
                self.receivable = get_object_or_404(
                    selectors.receivable_list(user=request.user), pk=receivable_pk
                )
                self.order = self.receivable.order
            elif order_pk is not None:
                self.order = self.visible_order(order_pk)
            if self.order is not None and access.can_write_sales(request.user):
                self.check_order(self.order)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "receivable": self.receivable,
            "order": self.order,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(receivable=self.receivable, order=self.order, **kwargs)

    def form_valid(self, form):
        try:
            payment = services.payment_record(actor=self.request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Payment of %(amount)s recorded.")
            % {"amount": services.money_display(payment.amount)},
        )
        if self.receivable is not None:
            return redirect("sales:receivable-detail", pk=payment.receivable_id)
        return redirect("sales:order-detail", pk=payment.receivable.order_id)


class PaymentReverseView(LoginRequiredMixin, FormView):
    """Admin only: reverse (delete) a payment with a reason; audited."""

    model = Payment
    template_name = "sales/payment_reverse.html"
    form_class = PaymentReverseForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.payment = get_object_or_404(
                selectors.payment_list(user=request.user), pk=kwargs["pk"]
            )
            if not access.is_admin(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(payment=self.payment, **kwargs)

    def form_valid(self, form):
        receivable_pk = self.payment.receivable_id
        try:
            services.payment_reverse(
                actor=self.request.user, payment=self.payment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The payment was reversed."))
        return redirect("sales:receivable-detail", pk=receivable_pk)


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
            **kwargs,
        )


class AgingExportView(LoginRequiredMixin, TemplateView):
    """The aging table as CSV (cells starting with = + - @ neutralised)."""

    def get(self, request, *args, **kwargs):
        _filterset, aging = _aging(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="aging-{aging["as_of"].isoformat()}.csv"'
        )
        exports.write_aging_csv(response, aging=aging, columns=aging_columns())
        return response
