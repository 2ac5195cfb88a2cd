import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from apps.core.mixins import FilteredListMixin, OrganisationWideRequiredMixin, add_service_errors
from apps.core.models import AuditEntry
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
from apps.leads.imports import IMPORT_COLUMNS, MAX_IMPORT_BYTES, ImportRowError
from apps.leads.models import Lead
from apps.leads.services import RUBRIC_FIELDS, DuplicateLeadError, LeadImportError


def activity_create_url(lead: Lead) -> str:
    """Where "Log activity" goes: the activities app's form, with the lead chosen."""
    try:
        base = reverse("activities:activity-create")
    except NoReverseMatch:
        base = "/activities/new/"
    return f"{base}?lead={lead.pk}"


class LeadWriteMixin(LoginRequiredMixin):
    """Reps, managers and admins only: HR reads leads but gets a 403 on every write."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.can_write_leads(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


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
        context["can_write"] = services.can_write_leads(self.request.user)
        context["can_edit_rubric"] = services.can_edit_rubric(self.request.user)
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
        can_write = services.can_write_leads(viewer)
        nurture = selectors.lead_nurture_status(lead=lead, on_date=timezone.localdate())
        context.update(
            is_open=is_open,
            can_write=can_write,
            can_override=is_open and services.can_override_grade(viewer, lead),
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


def _render_duplicates(view, form_class, form, exc: DuplicateLeadError, **form_kwargs):
    """Show the form again with the matches and the "save anyway" box."""
    form = form_class(view.request.POST, user=view.request.user, show_confirm=True, **form_kwargs)
    form.is_valid()
    form.add_error("confirm_duplicate", exc.messages[0])
    return view.render_to_response(view.get_context_data(form=form, duplicates=exc.matches))


class LeadCreateView(LeadWriteMixin, FormView):
    form_class = LeadForm
    template_name = "leads/lead_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            lead = services.lead_create(
                actor=self.request.user,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **form.service_kwargs(),
            )
        except DuplicateLeadError as exc:
            return _render_duplicates(self, self.form_class, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Lead %(name)s was added with grade %(grade)s.")
            % {"name": lead, "grade": lead.grade},
        )
        return redirect("leads:lead-detail", pk=lead.pk)


class LeadObjectMixin:
    """Finds the lead among those the user may see (404 otherwise) before anything else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.lead = get_object_or_404(
                Lead.objects.visible_to(request.user).select_related("owner"), pk=kwargs["pk"]
            )
            self.check_lead_permission()
        return super().dispatch(request, *args, **kwargs)

    def check_lead_permission(self) -> None:
        """Raise ``PermissionDenied`` when the user may not act on ``self.lead``."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(lead=self.lead, **kwargs)

    def back_to_lead(self):
        return redirect("leads:lead-detail", pk=self.lead.pk)


class LeadUpdateView(LeadObjectMixin, LeadWriteMixin, FormView):
    form_class = LeadForm
    template_name = "leads/lead_form.html"

    def get(self, request, *args, **kwargs):
        if self.lead.status not in OPEN_STATUSES:
            messages.warning(
                request, _("A converted or disqualified lead can no longer be edited.")
            )
            return self.back_to_lead()
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        lead = self.lead
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
        if "owner" in form.fields:
            # The current owner stays choosable even if they could not be picked anew.
            form.fields["owner"].queryset = (
                form.fields["owner"].queryset
                | type(self.lead.owner).objects.filter(pk=self.lead.owner_id)
            ).distinct()
        referred = form.fields["referred_by"]
        if self.lead.referred_by_id:
            referred.queryset = (
                referred.queryset
                | type(referred.queryset.model).objects.filter(pk=self.lead.referred_by_id)
            ).distinct()
        return form

    def form_valid(self, form):
        fields = form.service_kwargs()
        if fields.get("owner") is None:
            fields.pop("owner", None)
        try:
            services.lead_update(
                actor=self.request.user,
                lead=self.lead,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **fields,
            )
        except DuplicateLeadError as exc:
            return _render_duplicates(self, self.form_class, form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return self.back_to_lead()


class LeadActionView(LeadObjectMixin, LeadWriteMixin, FormView):
    """A small form that acts on one lead (its own page, also embedded on the lead page)."""

    template_name = "leads/lead_action.html"
    title = ""
    submit_label = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, submit_label=self.submit_label, **kwargs)

    def run(self, form):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.run(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return self.back_to_lead()


class LeadTransitionView(LeadActionView):
    form_class = TransitionForm
    title = _("Change status")
    submit_label = _("Change status")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "lead": self.lead}

    def run(self, form):
        lead = services.lead_transition(
            actor=self.request.user,
            lead=self.lead,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
        return _("The lead is now %(status)s.") % {"status": lead.get_status_display().lower()}


class LeadOverrideView(LeadActionView):
    form_class = OverrideForm
    title = _("Override grade")
    submit_label = _("Save grade")

    def check_lead_permission(self):
        if not services.can_override_grade(self.request.user, self.lead):
            raise PermissionDenied

    def get_initial(self):
        return {"grade": self.lead.grade_override}

    def run(self, form):
        lead = services.lead_override_grade(
            actor=self.request.user,
            lead=self.lead,
            grade=form.cleaned_data["grade"],
            reason=form.cleaned_data["reason"],
        )
        if lead.grade_override:
            return _("Grade overridden to %(grade)s (rubric grade %(rubric)s).") % {
                "grade": lead.grade,
                "rubric": lead.rubric_grade,
            }
        return _("Override cleared: the lead has its rubric grade %(grade)s again.") % {
            "grade": lead.grade
        }


class LeadConvertView(LeadActionView):
    form_class = ConvertForm
    title = _("Convert to customer")
    submit_label = _("Convert")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            result = services.lead_convert(
                actor=self.request.user, lead=self.lead, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Converted: customer %(customer)s with opportunity %(opportunity)s.")
            % {"customer": result.customer, "opportunity": result.opportunity},
        )
        return self.back_to_lead()


class LeadTouchCreateView(LeadActionView):
    form_class = NurtureTouchForm
    title = _("Log a nurture touch")
    submit_label = _("Log touch")

    def run(self, form):
        services.nurture_touch_create(actor=self.request.user, lead=self.lead, **form.cleaned_data)
        return _("Nurture touch logged.")


class LeadImportView(LeadWriteMixin, FormView):
    form_class = LeadImportForm
    template_name = "leads/lead_import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=IMPORT_COLUMNS, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_IMPORT_BYTES:
                raise LeadImportError(
                    [
                        ImportRowError(
                            0,
                            "file",
                            _("The file is too large: at most %(size)s MB may be imported at once.")
                            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
                        )
                    ]
                )
            leads = services.lead_import(
                actor=self.request.user, file_name=upload.name, data=upload.read()
            )
        except LeadImportError as exc:
            form.add_error("file", exc.messages[0])
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=exc.row_errors)
            )
        messages.success(self.request, _("%(count)s leads imported.") % {"count": len(leads)})
        return redirect("leads:lead-list")


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


class RubricView(OrganisationWideRequiredMixin, FormView):
    form_class = RubricForm
    template_name = "leads/rubric_form.html"

    def get_initial(self):
        rubric = selectors.rubric_current()
        return {name: getattr(rubric, name) for name in RUBRIC_FIELDS}

    def get_context_data(self, **kwargs):
        rubric = selectors.rubric_current()
        return super().get_context_data(
            rubric=rubric,
            grades=Grade,
            history=AuditEntry.objects.visible_to(self.request.user)
            .for_object(rubric)
            .select_related("actor")[:10],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result = services.rubric_update(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Rubric saved. %(count)s open leads were regraded.") % {"count": result.regraded},
        )
        return redirect("leads:rubric")
