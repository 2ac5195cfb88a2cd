from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from apps.activities import selectors, services
from apps.activities.choices import ActivityKind
from apps.activities.filters import ActivityFilter
from apps.activities.forms import ActivityForm
from apps.activities.models import Activity
from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin
from apps.customers.services import can_write_crm
from apps.customers.views import CrmWriteRequiredMixin


class ActivityListView(FilteredListMixin, ListView):
    queryset = Activity.objects.select_related("owner", "lead", "customer", "opportunity")
    filterset_class = ActivityFilter
    template_name = "activities/activity_list.html"
    context_object_name = "activities"

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_write=can_write_crm(self.request.user), **kwargs)


class ActivityDetailView(ScopedQuerysetMixin, DetailView):
    queryset = Activity.objects.select_related("owner", "lead", "customer", "opportunity")
    template_name = "activities/activity_detail.html"
    context_object_name = "activity"

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_edit = (
            can_write_crm(user)
            and Activity.objects.editable_by(user).filter(pk=self.object.pk).exists()
        )
        return super().get_context_data(can_edit=can_edit, **kwargs)


def _fixed_from_query(request) -> dict:
    """The records and kind named in the query string (``?customer=3&kind=visit``), each one
    looked up within what the user sees (404 otherwise)."""
    from apps.customers.models import Customer
    from apps.leads.models import Lead
    from apps.opportunities.models import Opportunity

    fixed = {}
    for name, model in (("lead", Lead), ("customer", Customer), ("opportunity", Opportunity)):
        value = request.GET.get(name, "")
        if value.isdigit():
            fixed[name] = get_object_or_404(model.objects.visible_to(request.user), pk=value)
    kind = request.GET.get("kind")
    if kind in ActivityKind.values:
        fixed["kind"] = kind
    return fixed


class ActivityCreateView(CrmWriteRequiredMixin, FormView):
    """``/activities/new/?customer=<id>&kind=visit``: log an activity in a few clicks."""

    template_name = "activities/activity_form.html"

    def load(self, request, **kwargs):
        self.fixed = _fixed_from_query(request)

    def get_form(self, form_class=None):
        return ActivityForm(**self.get_form_kwargs(), user=self.request.user, fixed=self.fixed)

    def get_context_data(self, **kwargs):
        kind = self.fixed.get("kind")
        return super().get_context_data(
            fixed=self.fixed,
            kind_label=ActivityKind(kind).label if kind else None,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.service_fields()
        activity = self.run_service(
            form, lambda: services.activity_create(actor=self.request.user, **data)
        )
        if activity is None:
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(kind)s logged.") % {"kind": activity.get_kind_display()}
        )
        if "customer" in self.fixed:
            return redirect("customers:customer-detail", pk=self.fixed["customer"].pk)
        return redirect("activities:activity-detail", pk=activity.pk)


class ActivityUpdateView(CrmWriteRequiredMixin, FormView):
    template_name = "activities/activity_form.html"

    def load(self, request, **kwargs):
        self.activity = get_object_or_404(
            selectors.activity_list(user=request.user), pk=kwargs["pk"]
        )
        if not Activity.objects.editable_by(request.user).filter(pk=self.activity.pk).exists():
            raise PermissionDenied

    def get_initial(self):
        a = self.activity
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

    def get_form(self, form_class=None):
        return ActivityForm(**self.get_form_kwargs(), user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.activity, **kwargs)

    def form_valid(self, form):
        data = form.service_fields()
        saved = self.run_service(
            form,
            lambda: services.activity_update(
                actor=self.request.user, activity=self.activity, **data
            ),
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect("activities:activity-detail", pk=self.activity.pk)
