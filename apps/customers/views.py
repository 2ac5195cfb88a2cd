from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, add_service_errors
from apps.core.models import AuditEntry
from apps.customers import selectors, services
from apps.customers.filters import (
    CustomerFilter,
    IndustryFilter,
    MarketInsightFilter,
    ProductFeedbackFilter,
)
from apps.customers.forms import (
    ContactForm,
    CustomerForm,
    FeedbackUpdateForm,
    HealthReportForm,
    IndustryForm,
    MarketInsightForm,
    MarkLostForm,
    ProductFeedbackForm,
    ReactivateForm,
)
from apps.customers.models import INVITE_FROM, Customer, Industry, MarketInsight, ProductFeedback


class CrmWriteRequiredMixin(LoginRequiredMixin):
    """Only people who may change CRM data get in (HR reads only: 403). Subclasses load the
    record they work on in ``load`` (scoped, so a record out of reach is a 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.can_write_crm(request.user):
            raise PermissionDenied
        self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs) -> None:
        """Fetch the objects the view works on."""

    def run_service(self, form, call):
        """Call ``call()``; on a ValidationError, show it on the form and return None."""
        try:
            return call()
        except ValidationError as exc:
            add_service_errors(form, exc)
            return None


def _visible_customer(user, pk):
    return get_object_or_404(selectors.customer_list(user=user), pk=pk)


# --- customers ---------------------------------------------------------------------------------


class CustomerListView(FilteredListMixin, ListView):
    queryset = Customer.objects.select_related("owner", "industry").order_by("name", "pk")
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    context_object_name = "customers"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=services.can_write_crm(self.request.user), **kwargs
        )


class CustomerDetailView(ScopedQuerysetMixin, DetailView):
    queryset = Customer.objects.select_related("owner", "industry", "referred_by", "lead")
    template_name = "customers/customer_detail.html"
    context_object_name = "customer"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(selectors.customer_related(user=user, customer=self.object))
        context["can_write"] = services.can_write_crm(user)
        context["invite"] = (
            self.object.latest_satisfaction is not None
            and self.object.latest_satisfaction >= INVITE_FROM
        )
        context["history"] = (
            AuditEntry.objects.visible_to(user).for_object(self.object).select_related("actor")[:20]
        )
        return context


class CustomerCreateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/customer_form.html"

    def get_form(self, form_class=None):
        return CustomerForm(**self.get_form_kwargs(), user=self.request.user)

    def form_valid(self, form):
        data = form.cleaned_data
        customer = self.run_service(
            form,
            lambda: services.customer_create(
                actor=self.request.user,
                owner=data.get("owner"),
                name=data["name"],
                industry=data["industry"],
                company_size=data["company_size"],
                phone=data["phone"],
                email=data["email"],
                lead_grade=data["lead_grade"],
                referred_by=data["referred_by"],
                notes=data["notes"],
            ),
        )
        if customer is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Customer %(name)s was added.") % {"name": customer})
        return redirect("customers:customer-detail", pk=customer.pk)


class CustomerUpdateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/customer_form.html"

    def load(self, request, **kwargs):
        self.customer = _visible_customer(request.user, kwargs["pk"])

    def get_initial(self):
        c = self.customer
        return {
            "name": c.name,
            "owner": c.owner_id,
            "industry": c.industry_id,
            "company_size": c.company_size,
            "phone": c.phone,
            "email": c.email,
            "lead_grade": c.lead_grade,
            "referred_by": c.referred_by_id,
            "notes": c.notes,
        }

    def get_form(self, form_class=None):
        return CustomerForm(
            **self.get_form_kwargs(), user=self.request.user, instance=self.customer
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        if fields.get("owner") is None:
            fields.pop("owner", None)
        saved = self.run_service(
            form,
            lambda: services.customer_update(
                actor=self.request.user, customer=self.customer, **fields
            ),
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("customers:customer-detail", pk=self.customer.pk)


class CustomerMarkLostView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/customer_mark_lost.html"
    form_class = MarkLostForm

    def load(self, request, **kwargs):
        self.customer = _visible_customer(request.user, kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        done = self.run_service(
            form,
            lambda: services.customer_mark_lost(
                actor=self.request.user,
                customer=self.customer,
                lost_on=form.cleaned_data["lost_on"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is None:
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s is marked lost.") % {"name": self.customer})
        return redirect("customers:customer-detail", pk=self.customer.pk)


class CustomerReactivateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/customer_reactivate.html"
    form_class = ReactivateForm

    def load(self, request, **kwargs):
        self.customer = _visible_customer(request.user, kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        done = self.run_service(
            form,
            lambda: services.customer_reactivate(
                actor=self.request.user,
                customer=self.customer,
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is None:
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s is active again.") % {"name": self.customer})
        return redirect("customers:customer-detail", pk=self.customer.pk)


# --- contacts ----------------------------------------------------------------------------------


class ContactCreateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/contact_form.html"
    form_class = ContactForm

    def load(self, request, **kwargs):
        self.customer = _visible_customer(request.user, kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        contact = self.run_service(
            form,
            lambda: services.contact_create(
                actor=self.request.user, customer=self.customer, **form.cleaned_data
            ),
        )
        if contact is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Contact %(name)s was added.") % {"name": contact})
        return redirect("customers:customer-detail", pk=self.customer.pk)


# --- health reports ----------------------------------------------------------------------------


class HealthReportCreateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/health_report_form.html"
    form_class = HealthReportForm

    def load(self, request, **kwargs):
        self.customer = _visible_customer(request.user, kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        report = self.run_service(
            form,
            lambda: services.health_report_create(
                actor=self.request.user, customer=self.customer, **form.cleaned_data
            ),
        )
        if report is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Health report %(year)s Q%(quarter)s saved.")
            % {"year": report.year, "quarter": report.quarter},
        )
        return redirect("customers:customer-detail", pk=self.customer.pk)


class HealthReportUpdateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/health_report_form.html"
    form_class = HealthReportForm

    def load(self, request, **kwargs):
        self.report = get_object_or_404(
            selectors.health_report_list(user=request.user), pk=kwargs["pk"]
        )
        self.customer = self.report.customer

    def get_initial(self):
        r = self.report
        return {
            name: getattr(r, name)
            for name in (
                "year",
                "quarter",
                "usage_frequency",
                "issue_resolution_hours",
                "new_demand_intent",
                "satisfaction",
                "notes",
            )
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, report=self.report, **kwargs)

    def form_valid(self, form):
        report = self.run_service(
            form,
            lambda: services.health_report_update(
                actor=self.request.user, report=self.report, **form.cleaned_data
            ),
        )
        if report is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("customers:customer-detail", pk=self.customer.pk)


# --- industries --------------------------------------------------------------------------------


class IndustryListView(LoginRequiredMixin, ListView):
    """Everyone picks from the industries; managers, HR and admins add them here."""

    template_name = "customers/industry_list.html"
    context_object_name = "industries"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = IndustryFilter(
            self.request.GET or None, queryset=Industry.objects.order_by("name")
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        if services.can_add_industry(self.request.user):
            context["form"] = kwargs.get("form") or IndustryForm()
        return context

    def post(self, request, *args, **kwargs):
        if not services.can_add_industry(request.user):
            raise PermissionDenied
        form = IndustryForm(request.POST)
        if form.is_valid():
            try:
                industry = services.industry_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Industry %(name)s was added.") % {"name": industry})
                return redirect("customers:industry-list")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- market insights ---------------------------------------------------------------------------


class InsightListView(FilteredListMixin, ListView):
    queryset = MarketInsight.objects.select_related("industry", "author")
    filterset_class = MarketInsightFilter
    template_name = "customers/insight_list.html"
    context_object_name = "insights"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=services.can_write_crm(self.request.user), **kwargs
        )


class InsightDetailView(LoginRequiredMixin, DetailView):
    template_name = "customers/insight_detail.html"
    context_object_name = "insight"

    def get_queryset(self):
        return selectors.insight_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=services.can_write_crm(self.request.user), **kwargs
        )


class InsightCreateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/insight_form.html"

    def get_initial(self):
        initial = {}
        for name in ("customers", "leads"):
            value = self.request.GET.get(name[:-1])
            if value and value.isdigit():
                initial[name] = [int(value)]
        return initial

    def get_form(self, form_class=None):
        return MarketInsightForm(**self.get_form_kwargs(), user=self.request.user)

    def form_valid(self, form):
        insight = self.run_service(
            form, lambda: services.insight_create(actor=self.request.user, **form.cleaned_data)
        )
        if insight is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Insight saved."))
        return redirect("customers:insight-detail", pk=insight.pk)


class InsightUpdateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/insight_form.html"

    def load(self, request, **kwargs):
        self.insight = get_object_or_404(selectors.insight_list(user=request.user), pk=kwargs["pk"])

    def get_initial(self):
        i = self.insight
        return {
            "title": i.title,
            "kind": i.kind,
            "source": i.source,
            "industry": i.industry_id,
            "body": i.body,
            "customers": [c.pk for c in i.customers.all()],
            "leads": [lead.pk for lead in i.leads.all()],
        }

    def get_form(self, form_class=None):
        return MarketInsightForm(**self.get_form_kwargs(), user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(insight=self.insight, **kwargs)

    def form_valid(self, form):
        saved = self.run_service(
            form,
            lambda: services.insight_update(
                actor=self.request.user, insight=self.insight, **form.cleaned_data
            ),
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("customers:insight-detail", pk=self.insight.pk)


# --- product feedback --------------------------------------------------------------------------


class FeedbackListView(FilteredListMixin, ListView):
    queryset = ProductFeedback.objects.select_related("customer", "customer__owner")
    filterset_class = ProductFeedbackFilter
    template_name = "customers/feedback_list.html"
    context_object_name = "feedback_list"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=services.can_write_crm(self.request.user), **kwargs
        )


class FeedbackDetailView(LoginRequiredMixin, DetailView):
    template_name = "customers/feedback_detail.html"
    context_object_name = "feedback"

    def get_queryset(self):
        return selectors.feedback_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=services.can_write_crm(self.request.user), **kwargs
        )


class FeedbackCreateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/feedback_form.html"

    def load(self, request, **kwargs):
        self.fixed_customer = None
        value = request.GET.get("customer")
        if value and value.isdigit():
            self.fixed_customer = _visible_customer(request.user, int(value))

    def get_form(self, form_class=None):
        return ProductFeedbackForm(
            **self.get_form_kwargs(), user=self.request.user, fixed_customer=self.fixed_customer
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.fixed_customer, **kwargs)

    def form_valid(self, form):
        feedback = self.run_service(
            form, lambda: services.feedback_create(actor=self.request.user, **form.cleaned_data)
        )
        if feedback is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Feedback recorded."))
        return redirect("customers:feedback-detail", pk=feedback.pk)


class FeedbackUpdateView(CrmWriteRequiredMixin, FormView):
    template_name = "customers/feedback_form.html"
    form_class = FeedbackUpdateForm

    def load(self, request, **kwargs):
        self.feedback = get_object_or_404(
            selectors.feedback_list(user=request.user), pk=kwargs["pk"]
        )

    def get_initial(self):
        f = self.feedback
        return {"summary": f.summary, "detail": f.detail, "status": f.status}

    def get_context_data(self, **kwargs):
        return super().get_context_data(feedback=self.feedback, **kwargs)

    def form_valid(self, form):
        saved = self.run_service(
            form,
            lambda: services.feedback_update(
                actor=self.request.user, feedback=self.feedback, **form.cleaned_data
            ),
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("customers:feedback-detail", pk=self.feedback.pk)
