from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.core.models import AuditEntry
from apps.customers import permissions, selectors, services
from apps.customers.choices import CustomerStatus
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
from apps.customers.models import (
    INVITE_FROM,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)


def _customer_page(customer) -> str:
    return reverse("customers:customer-detail", kwargs={"pk": customer.pk})


class CustomerWriteView(ServiceFormView):
    """A write on the customer the URL names (scoped: 404 outside the user's scope); back to
    the customer's page afterwards."""

    write_rule = permissions.can_write_crm
    object_queryset = Customer.objects.select_related("owner", "industry", "referred_by", "lead")
    object_context_name = "customer"

    def get_success_url(self, result=None):
        return _customer_page(self.object)


# --- customers ---------------------------------------------------------------------------------


class CustomerListView(FilteredListMixin, ListView):
    queryset = Customer.objects.select_related("owner", "industry").order_by("name", "pk")
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    context_object_name = "customers"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=permissions.can_write_crm(self.request.user), **kwargs
        )


class CustomerDetailView(ScopedQuerysetMixin, DetailView):
    queryset = Customer.objects.select_related("owner", "industry", "referred_by", "lead")
    template_name = "customers/customer_detail.html"
    context_object_name = "customer"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(selectors.customer_related(user=user, customer=self.object))
        context["can_write"] = permissions.can_write_crm(user)
        context["today"] = timezone.localdate()
        context["invite"] = (
            self.object.latest_satisfaction is not None
            and self.object.latest_satisfaction >= INVITE_FROM
        )
        context["history"] = (
            AuditEntry.objects.visible_to(user).for_object(self.object).select_related("actor")[:20]
        )
        return context


class CustomerCreateView(ServiceFormView):
    template_name = "customers/customer_form.html"
    form_class = CustomerForm
    form_takes_user = True
    write_rule = permissions.can_write_crm

    def perform_service(self, form):
        data = form.cleaned_data
        return services.customer_create(
            actor=self.request.user,
            owner=data.get("owner"),
            name=data["name"],
            industry=data["industry"],
            company_size=data["company_size"],
            phone=data["phone"],
            email=data["email"],
            lead=data.get("lead"),
            referred_by=data["referred_by"],
            notes=data["notes"],
        )

    def get_success_message(self, result):
        return _("Customer %(name)s was added.") % {"name": result}

    def get_success_url(self, result=None):
        return _customer_page(result)


class CustomerUpdateView(CustomerWriteView):
    version_check = True
    template_name = "customers/customer_form.html"
    form_class = CustomerForm
    form_takes_user = True
    success_message = gettext_lazy("Changes saved.")

    def get_initial(self):
        c = self.object
        return {
            "name": c.name,
            "owner": c.owner_id,
            "industry": c.industry_id,
            "company_size": c.company_size,
            "phone": c.phone,
            "email": c.email,
            "referred_by": c.referred_by_id,
            "notes": c.notes,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform_service(self, form):
        fields = dict(form.cleaned_data)
        if fields.get("owner") is None:
            fields.pop("owner", None)
        return services.customer_update(actor=self.request.user, customer=self.object, **fields)


class CustomerMarkLostView(CustomerWriteView):
    version_check = True
    template_name = "customers/customer_mark_lost.html"
    form_class = MarkLostForm

    def get_conflict_intent(self, form):
        return {"status": CustomerStatus.LOST}

    def perform_service(self, form):
        return services.customer_mark_lost(
            actor=self.request.user,
            customer=self.object,
            lost_on=form.cleaned_data["lost_on"],
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, result):
        return _("%(name)s is marked lost.") % {"name": self.object}


class CustomerReactivateView(CustomerWriteView):
    version_check = True
    template_name = "customers/customer_reactivate.html"
    form_class = ReactivateForm

    def get_conflict_intent(self, form):
        return {"status": CustomerStatus.ACTIVE}

    def perform_service(self, form):
        return services.customer_reactivate(
            actor=self.request.user,
            customer=self.object,
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, result):
        return _("%(name)s is active again.") % {"name": self.object}


# --- contacts ----------------------------------------------------------------------------------


class ContactCreateView(CustomerWriteView):
    template_name = "customers/contact_form.html"
    form_class = ContactForm

    def perform_service(self, form):
        return services.contact_create(
            actor=self.request.user, customer=self.object, **form.cleaned_data
        )

    def get_success_message(self, result):
        return _("Contact %(name)s was added.") % {"name": result}


# --- health reports ----------------------------------------------------------------------------


class HealthReportCreateView(CustomerWriteView):
    template_name = "customers/health_report_form.html"
    form_class = HealthReportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_survey=selectors.latest_survey(user=self.request.user, customer=self.object),
            **kwargs,
        )

    def perform_service(self, form):
        return services.health_report_create(
            actor=self.request.user, customer=self.object, **form.cleaned_data
        )

    def get_success_message(self, result):
        return _("Health report %(year)s Q%(quarter)s saved.") % {
            "year": result.year,
            "quarter": result.quarter,
        }


class HealthReportUpdateView(ServiceFormView):
    version_check = True
    template_name = "customers/health_report_form.html"
    form_class = HealthReportForm
    write_rule = permissions.can_write_crm
    object_queryset = HealthReport.objects.select_related("customer", "customer__owner", "author")
    object_context_name = "report"
    success_message = gettext_lazy("Changes saved.")

    def get_initial(self):
        r = self.object
        return {
            name: getattr(r, name)
            for name in (
                "year",
                "quarter",
                "usage_frequency",
                "issue_resolution_hours",
                "new_demand_intent",
                "notes",
            )
        }

    def get_context_data(self, **kwargs):
        customer = self.object.customer
        return super().get_context_data(
            customer=customer,
            latest_survey=selectors.latest_survey(user=self.request.user, customer=customer),
            **kwargs,
        )

    def perform_service(self, form):
        return services.health_report_update(
            actor=self.request.user, report=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return _customer_page(self.object.customer)


# --- industries --------------------------------------------------------------------------------


class IndustryListView(LoginRequiredMixin, ListView):
    """Everyone picks from the industries; managers, HR and admins add them here (a POST goes
    to :class:`IndustryCreateView`)."""

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
        if permissions.can_add_industry(self.request.user):
            context["form"] = kwargs.get("form") or IndustryForm()
        return context

    def post(self, request, *args, **kwargs):
        return IndustryCreateView.as_view()(request, *args, **kwargs)


class IndustryCreateView(ServiceFormView):
    """The industry form of the industry list (no route of its own): an invalid one shows the
    list again with its errors (400)."""

    form_class = IndustryForm
    write_rule = permissions.can_add_industry
    success_url = reverse_lazy("customers:industry-list")

    def perform_service(self, form):
        return services.industry_create(actor=self.request.user, name=form.cleaned_data["name"])

    def get_success_message(self, result):
        return _("Industry %(name)s was added.") % {"name": result}

    def form_invalid(self, form):
        page = IndustryListView()
        page.setup(self.request, *self.args, **self.kwargs)
        page.object_list = page.get_queryset()
        return page.render_to_response(page.get_context_data(form=form), status=400)


# --- market insights ---------------------------------------------------------------------------


class InsightListView(FilteredListMixin, ListView):
    queryset = MarketInsight.objects.select_related("industry", "author")
    filterset_class = MarketInsightFilter
    template_name = "customers/insight_list.html"
    context_object_name = "insights"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=permissions.can_write_crm(self.request.user), **kwargs
        )


class InsightDetailView(LoginRequiredMixin, DetailView):
    template_name = "customers/insight_detail.html"
    context_object_name = "insight"

    def get_queryset(self):
        return selectors.insight_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=permissions.can_write_crm(self.request.user), **kwargs
        )


class InsightCreateView(ServiceFormView):
    template_name = "customers/insight_form.html"
    form_class = MarketInsightForm
    form_takes_user = True
    write_rule = permissions.can_write_crm
    success_message = gettext_lazy("Insight saved.")

    def get_initial(self):
        initial = {}
        for name in ("customers", "leads"):
            value = self.request.GET.get(name[:-1])
            if value and value.isdigit():
                initial[name] = [int(value)]
        return initial

    def perform_service(self, form):
        return services.insight_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("customers:insight-detail", kwargs={"pk": result.pk})


class InsightUpdateView(ServiceFormView):
    version_check = True
    template_name = "customers/insight_form.html"
    form_class = MarketInsightForm
    form_takes_user = True
    write_rule = permissions.can_write_crm
    object_context_name = "insight"
    success_message = gettext_lazy("Changes saved.")

    def get_object_queryset(self):
        # insight_list scopes the insight and the linked records the form starts with.
        return selectors.insight_list(user=self.request.user)

    def get_initial(self):
        i = self.object
        return {
            "title": i.title,
            "kind": i.kind,
            "source": i.source,
            "industry": i.industry_id,
            "body": i.body,
            "customers": [c.pk for c in i.customers.all()],
            "leads": [lead.pk for lead in i.leads.all()],
        }

    def perform_service(self, form):
        return services.insight_update(
            actor=self.request.user, insight=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("customers:insight-detail", kwargs={"pk": self.object.pk})


# --- product feedback --------------------------------------------------------------------------


class FeedbackListView(FilteredListMixin, ListView):
    queryset = ProductFeedback.objects.select_related("customer", "customer__owner")
    filterset_class = ProductFeedbackFilter
    template_name = "customers/feedback_list.html"
    context_object_name = "feedback_list"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=permissions.can_write_crm(self.request.user), **kwargs
        )


class FeedbackDetailView(LoginRequiredMixin, DetailView):
    template_name = "customers/feedback_detail.html"
    context_object_name = "feedback"

    def get_queryset(self):
        return selectors.feedback_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=permissions.can_write_crm(self.request.user), **kwargs
        )


class FeedbackCreateView(ServiceFormView):
    """``?customer=<id>`` fixes the customer (404 outside the user's scope)."""

    template_name = "customers/feedback_form.html"
    form_class = ProductFeedbackForm
    form_takes_user = True
    write_rule = permissions.can_write_crm
    success_message = gettext_lazy("Feedback recorded.")

    def load(self):
        self.fixed_customer = None
        value = self.request.GET.get("customer")
        if value and value.isdigit():
            self.fixed_customer = get_object_or_404(
                selectors.customer_list(user=self.request.user), pk=int(value)
            )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "fixed_customer": self.fixed_customer}

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.fixed_customer, **kwargs)

    def perform_service(self, form):
        return services.feedback_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("customers:feedback-detail", kwargs={"pk": result.pk})


class FeedbackUpdateView(ServiceFormView):
    version_check = True
    template_name = "customers/feedback_form.html"
    form_class = FeedbackUpdateForm
    write_rule = permissions.can_write_crm
    object_queryset = ProductFeedback.objects.select_related(
        "customer", "customer__owner", "author"
    )
    object_context_name = "feedback"
    success_message = gettext_lazy("Changes saved.")

    def get_initial(self):
        f = self.object
        return {"summary": f.summary, "detail": f.detail, "status": f.status}

    def perform_service(self, form):
        return services.feedback_update(
            actor=self.request.user, feedback=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("customers:feedback-detail", kwargs={"pk": self.object.pk})
