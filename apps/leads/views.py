import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import DetailView, ListView

from apps.core.mixins import FilteredListMixin, ServiceFormView
from apps.core.models import AuditEntry
from apps.core.querysets import including
from apps.leads import selectors, services
from apps.leads.choices import OPEN_STATUSES, Grade, LeadStatus
from apps.leads.filters import LeadFilter
from apps.leads.forms import (
    ConvertForm,
    LeadForm,
    LeadImportForm,
    NurtureTouchForm,
    OverrideForm,
    RubricForm,
    TransitionForm,
)
from apps.leads.imports import IMPORT_COLUMNS
from apps.leads.models import Lead
from apps.leads.permissions import can_edit_rubric, can_override_grade, can_write_leads
from apps.leads.services import RUBRIC_FIELDS, DuplicateLeadError, LeadImportError


def activity_create_url(lead: Lead) -> str:
    """Where "Log activity" goes: the activities app's form, with the lead chosen."""
    try:
        base = reverse("activities:activity-create")
    except NoReverseMatch:
        base = "/activities/new/"
    return f"{base}?lead={lead.pk}"


class LeadListView(FilteredListMixin, ListView):
    model = Lead
    filterset_class = LeadFilter
    template_name = "leads/lead_list.html"
    context_object_name = "leads"

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None,
            queryset=selectors.lead_list(user=self.request.user),
            request=self.request,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["month_start"] = selectors.month_bounds(timezone.localdate())[0]
        context["open_statuses"] = list(OPEN_STATUSES)
        context["can_write"] = can_write_leads(self.request.user)
        context["can_edit_rubric"] = can_edit_rubric(self.request.user)
        return context


class LeadDetailView(LoginRequiredMixin, DetailView):
    template_name = "leads/lead_detail.html"
    context_object_name = "lead"

    def get_queryset(self):
        return Lead.objects.visible_to(self.request.user).select_related(
            "owner", "industry", "referred_by", "override_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead, viewer = self.object, self.request.user
        is_open = lead.status in OPEN_STATUSES
        can_write = can_write_leads(viewer)
        nurture = selectors.lead_nurture_status(lead=lead, on_date=timezone.localdate())
        context.update(
            is_open=is_open,
            can_write=can_write,
            can_override=is_open and can_override_grade(viewer, lead),
            history=selectors.lead_status_history(lead=lead),
            touches=selectors.lead_touches(lead=lead)[:24],
            nurture=nurture,
            duplicates=selectors.find_duplicates(
                company_name=lead.company_name,
                phone=lead.phone,
                email=lead.email,
                exclude_lead_id=lead.pk,
                user=viewer,
            ),
            grade_audit=AuditEntry.objects.visible_to(viewer)
            .for_object(lead)
            .filter(action="lead.grade_override")
            .select_related("actor")[:20],
            customer=getattr(lead, "customer", None),
            opportunities=lead.opportunities.visible_to(viewer).order_by("-created_at")[:10],
            activity_url=activity_create_url(lead),
        )
        if can_write and is_open:
            # Several forms on one page: distinct element ids (field names stay as posted).
            context["transition_form"] = TransitionForm(lead=lead, auto_id="status_%s")
            if lead.status == LeadStatus.QUALIFIED:
                context["convert_form"] = ConvertForm(user=viewer, auto_id="convert_%s")
            if nurture.on_plan:
                context["touch_form"] = NurtureTouchForm(auto_id="touch_%s")
        if context["can_override"]:
            context["override_form"] = OverrideForm(
                initial={"grade": lead.grade_override}, auto_id="override_%s"
            )
        return context


class LeadWriteView(ServiceFormView):
    """A lead form: reps, managers and admins only (HR reads leads but gets a 403 on every
    write)."""

    write_rule = can_write_leads


class LeadFormMixin:
    """The lead form (create and edit). A save the service refuses as a likely duplicate shows
    the form again with the matches and the "save anyway" box."""

    form_class = LeadForm
    template_name = "leads/lead_form.html"
    form_takes_user = True
    duplicate_error = None
    show_confirm = False

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_confirm": self.show_confirm}

    def perform_service(self, form):
        try:
            return self.save_lead(form)
        except DuplicateLeadError as exc:
            self.duplicate_error = exc
            raise

    def save_lead(self, form):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def form_invalid(self, form):
        exc = self.duplicate_error
        if exc is None:
            return super().form_invalid(form)
        self.show_confirm = True
        form = self.get_form()
        form.is_valid()
        form.add_error("confirm_duplicate", exc.messages[0])
        return self.render_to_response(self.get_context_data(form=form, duplicates=exc.matches))


class LeadCreateView(LeadFormMixin, LeadWriteView):
    def save_lead(self, form):
        return services.lead_create(
            actor=self.request.user,
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            **form.service_kwargs(),
        )

    def get_success_message(self, lead):
        return _("Lead %(name)s was added with grade %(grade)s.") % {
            "name": lead,
            "grade": lead.grade,
        }

    def get_success_url(self, lead=None):
        return reverse("leads:lead-detail", kwargs={"pk": lead.pk})


class LeadObjectView(LeadWriteView):
    """A form that acts on the lead the URL names (404 outside the user's scope); back to the
    lead page afterwards."""

    object_queryset = Lead.objects.select_related("owner")
    object_context_name = "lead"

    def get_success_url(self, result=None):
        return reverse("leads:lead-detail", kwargs={"pk": self.object.pk})


class LeadUpdateView(LeadFormMixin, LeadObjectView):
    version_check = True
    success_message = gettext_lazy("Changes saved.")

    def get(self, request, *args, **kwargs):
        if self.object.status not in OPEN_STATUSES:
            messages.warning(
                request, _("A converted or disqualified lead can no longer be edited.")
            )
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        lead = self.object
        return {
            "company_name": lead.company_name,
            "contact_name": lead.contact_name,
            "phone": lead.phone,
            "email": lead.email,
            "industry": lead.industry_id,
            "company_size": lead.company_size,
            "need_match": lead.need_match,
            "decision_complexity": lead.decision_complexity,
            "source": lead.source,
            "referred_by": lead.referred_by_id,
            "owner": lead.owner_id,
            "notes": lead.notes,
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        lead = self.object
        if "owner" in form.fields:
            # The current owner stays choosable even if they could not be picked anew.
            form.fields["owner"].queryset = including(form.fields["owner"].queryset, lead.owner_id)
        referred = form.fields["referred_by"]
        if lead.referred_by_id:
            referred.queryset = including(referred.queryset, lead.referred_by_id)
        return form

    def save_lead(self, form):
        fields = form.service_kwargs()
        if fields.get("owner") is None:
            fields.pop("owner", None)
        return services.lead_update(
            actor=self.request.user,
            lead=self.object,
            confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            **fields,
        )


class LeadActionView(LeadObjectView):
    """A small form that acts on one lead (its own page, also embedded on the lead page)."""

    template_name = "leads/lead_action.html"
    title = ""
    submit_label = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, submit_label=self.submit_label, **kwargs)


class LeadTransitionView(LeadActionView):
    version_check = True
    form_class = TransitionForm
    title = gettext_lazy("Change status")
    submit_label = gettext_lazy("Change status")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "lead": self.object}

    def perform_service(self, form):
        return services.lead_transition(
            actor=self.request.user,
            lead=self.object,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, lead):
        return _("The lead is now %(status)s.") % {"status": lead.get_status_display().lower()}


class LeadOverrideView(LeadActionView):
    version_check = True
    form_class = OverrideForm
    object_rule = can_override_grade
    title = gettext_lazy("Override grade")
    submit_label = gettext_lazy("Save grade")

    def get_initial(self):
        return {"grade": self.object.grade_override}

    def perform_service(self, form):
        return services.lead_override_grade(
            actor=self.request.user,
            lead=self.object,
            grade=form.cleaned_data["grade"],
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, lead):
        if lead.grade_override:
            return _("Grade overridden to %(grade)s (rubric grade %(rubric)s).") % {
                "grade": lead.grade,
                "rubric": lead.rubric_grade,
            }
        return _("Override cleared: the lead has its rubric grade %(grade)s again.") % {
            "grade": lead.grade
        }


class LeadConvertView(LeadActionView):
    version_check = True
    form_class = ConvertForm
    form_takes_user = True
    title = gettext_lazy("Convert to customer")
    submit_label = gettext_lazy("Convert")

    def get_conflict_intent(self, form):
        return {"status": LeadStatus.CONVERTED}

    def perform_service(self, form):
        return services.lead_convert(
            actor=self.request.user,
            lead=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("Converted: customer %(customer)s with opportunity %(opportunity)s.") % {
            "customer": result.customer,
            "opportunity": result.opportunity,
        }


class LeadTouchCreateView(LeadActionView):
    form_class = NurtureTouchForm
    title = gettext_lazy("Log a nurture touch")
    submit_label = gettext_lazy("Log touch")
    success_message = gettext_lazy("Nurture touch logged.")

    def perform_service(self, form):
        return services.nurture_touch_create(
            actor=self.request.user, lead=self.object, **form.cleaned_data
        )


class LeadImportView(LeadWriteView):
    form_class = LeadImportForm
    template_name = "leads/lead_import.html"
    success_url = reverse_lazy("leads:lead-list")

    row_errors = None

    def get_context_data(self, **kwargs):
        if self.row_errors is not None:
            kwargs.setdefault("row_errors", self.row_errors)
        return super().get_context_data(columns=IMPORT_COLUMNS, **kwargs)

    def perform_service(self, form):
        try:
            return services.lead_import_upload(
                actor=self.request.user, upload=form.cleaned_data["file"]
            )
        except LeadImportError as exc:
            self.row_errors = exc.row_errors
            raise

    def get_success_message(self, leads):
        return ngettext("%(count)s lead imported.", "%(count)s leads imported.", len(leads)) % {
            "count": len(leads)
        }


@login_required
def import_template(request):
    """A CSV with the header row and one example line."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leads-import-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(IMPORT_COLUMNS)
    example = {
        "company_name": "Example Manufacturing Co., Ltd.",
        "contact_name": "Li Wei",
        "phone": "+86 138 0000 0000",
        "email": "li.wei@example.com",
        "company_size": "large",
        "need_match": "high",
        "decision_complexity": "moderate",
        "source": "exhibition",
    }
    writer.writerow([example.get(column, "") for column in IMPORT_COLUMNS])
    return response


class RubricView(ServiceFormView):
    """HR and admins edit the grading rubric (others: 403)."""

    write_rule = can_edit_rubric
    version_check = True
    form_class = RubricForm
    template_name = "leads/rubric_form.html"
    success_url = reverse_lazy("leads:rubric")

    def load(self):
        self.rubric = selectors.rubric_current()

    def get_versioned_object(self):
        # Before its first save the rubric is the unsaved defaults at version 1, the version
        # the first save creates it with.
        return self.rubric

    def get_initial(self):
        return {name: getattr(self.rubric, name) for name in RUBRIC_FIELDS}

    def get_context_data(self, **kwargs):
        history = AuditEntry.objects.none()
        if self.rubric.pk is not None:
            history = (
                AuditEntry.objects.visible_to(self.request.user)
                .for_object(self.rubric)
                .select_related("actor")[:10]
            )
        return super().get_context_data(rubric=self.rubric, grades=Grade, history=history, **kwargs)

    def perform_service(self, form):
        return services.rubric_update(
            actor=self.request.user, expected_version=self.expected_version, **form.cleaned_data
        )

    def get_success_message(self, result):
        return ngettext(
            "Rubric saved. %(count)s open lead was regraded.",
            "Rubric saved. %(count)s open leads were regraded.",
            result.regraded,
        ) % {"count": result.regraded}
