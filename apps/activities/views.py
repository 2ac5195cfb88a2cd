from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from apps.activities import permissions, services
from apps.activities.choices import ActivityKind
from apps.activities.filters import ActivityFilter
from apps.activities.forms import ActivityForm
from apps.activities.models import Activity
from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.customers.models import Customer
from apps.leads.models import Lead
from apps.opportunities.models import Opportunity


class ActivityListView(FilteredListMixin, ListView):
    queryset = Activity.objects.select_related("owner", "lead", "customer", "opportunity")
    filterset_class = ActivityFilter
    template_name = "activities/activity_list.html"
    context_object_name = "activities"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=permissions.can_write_crm(self.request.user), **kwargs
        )


class ActivityDetailView(ScopedQuerysetMixin, DetailView):
    queryset = Activity.objects.select_related("owner", "lead", "customer", "opportunity")
    template_name = "activities/activity_detail.html"
    context_object_name = "activity"

    def get_context_data(self, **kwargs):
        can_edit = permissions.can_edit_activity(self.request.user, self.object)
        return super().get_context_data(can_edit=can_edit, **kwargs)


def _fixed_from_query(request) -> dict:
    """The records and kind named in the query string (``?customer=3&kind=visit``), each one
    looked up within what the user sees (404 otherwise)."""
    fixed = {}
    for name, model in (("lead", Lead), ("customer", Customer), ("opportunity", Opportunity)):
        value = request.GET.get(name, "")
        if value.isdigit():
            fixed[name] = get_object_or_404(model.objects.visible_to(request.user), pk=value)
    kind = request.GET.get("kind")
    if kind in ActivityKind.values:
        fixed["kind"] = kind
    return fixed


class ActivityCreateView(ServiceFormView):
    """``/activities/new/?customer=<id>&kind=visit``: log an activity in a few clicks."""

    template_name = "activities/activity_form.html"
    form_class = ActivityForm
    form_takes_user = True
    write_rule = permissions.can_write_crm

    def load(self):
        self.fixed = _fixed_from_query(self.request)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "fixed": self.fixed}

    def get_context_data(self, **kwargs):
        kind = self.fixed.get("kind")
        return super().get_context_data(
            fixed=self.fixed,
            kind_label=ActivityKind(kind).label if kind else None,
            **kwargs,
        )

    def perform_service(self, form):
        return services.activity_create(actor=self.request.user, **form.service_fields())

    def get_success_message(self, result):
        return _("%(kind)s logged.") % {"kind": result.get_kind_display()}

    def get_success_url(self, result=None):
        if "customer" in self.fixed:
            return reverse("customers:customer-detail", kwargs={"pk": self.fixed["customer"].pk})
        return reverse("activities:activity-detail", kwargs={"pk": result.pk})


class ActivityUpdateView(ServiceFormView):
    version_check = True
    template_name = "activities/activity_form.html"
    form_class = ActivityForm
    form_takes_user = True
    write_rule = permissions.can_write_crm
    object_queryset = Activity.objects.select_related("owner", "lead", "customer", "opportunity")
    object_rule = permissions.can_edit_activity
    object_context_name = "activity"
    success_message = gettext_lazy("Changes saved.")

    def get_initial(self):
        a = self.object
        return {
            "kind": a.kind,
            "occurred_at": a.occurred_at,
            "subject": a.subject,
            "lead": a.lead_id,
            "customer": a.customer_id,
            "opportunity": a.opportunity_id,
            "outcome": a.outcome,
            "next_step": a.next_step,
            "next_step_on": a.next_step_on,
        }

    def perform_service(self, form):
        return services.activity_update(
            actor=self.request.user, activity=self.object, **form.service_fields()
        )

    def get_success_url(self, result=None):
        return reverse("activities:activity-detail", kwargs={"pk": self.object.pk})
