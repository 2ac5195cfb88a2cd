"""Browser pages of the pipeline. Reads fetch within ``visible_to`` (404 outside the scope);
every write page is a :class:`apps.core.mixins.ServiceFormView`: one service call, its errors
on the form, a forbidden action a 403."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from apps.accounts.models import User
from apps.core.mixins import ServiceFormView, rows_conflict
from apps.core.models import AuditEntry
from apps.core.related import related_for
from apps.customers.models import Customer
from apps.opportunities import permissions, selectors, services
from apps.opportunities.calculations import weighted_amount
from apps.opportunities.choices import OPEN_STAGES, STAGE_ORDER, ReviewStatus, Stage
from apps.opportunities.filters import OpportunityFilter
from apps.opportunities.forms import (
    CreditFormSet,
    MoveForm,
    NeedsConfirmedForm,
    OpportunityForm,
    OpportunityUpdateForm,
    PipelineSettingsForm,
    ProposalForm,
    ProposalReviewForm,
    RiskForm,
    SpinNoteForm,
)
from apps.opportunities.models import Opportunity, PipelineSettings, Proposal, Risk


def _share(percent) -> str:
    """A credit share as the conflict table shows it: ``"60.00%"``."""
    return "—" if percent is None else f"{percent:.2f}%"


def _opportunity_url(opportunity) -> str:
    return reverse("opportunities:opportunity-detail", kwargs={"pk": opportunity.pk})


def _proposal_url(proposal) -> str:
    return reverse("opportunities:proposal-detail", kwargs={"pk": proposal.pk})


def _proposals(user):
    return selectors.proposal_list(user=user).select_related("opportunity__owner__team")


def _next_step(activities):
    """Of ``activities`` (newest first), the one whose next step is due soonest from today on;
    else the step noted last (as the customer page's next step)."""
    today = timezone.localdate()
    planned = [a for a in activities if a.next_step]
    ahead = [a for a in planned if a.next_step_on is not None and a.next_step_on >= today]
    if ahead:
        return min(ahead, key=lambda a: a.next_step_on)
    return planned[0] if planned else None


class OpportunityListView(LoginRequiredMixin, ListView):
    """The pipeline: a board of counts and amounts by stage, then the filtered list."""

    model = Opportunity
    template_name = "opportunities/opportunity_list.html"
    context_object_name = "opportunities"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = OpportunityFilter(
            self.request.GET or None,
            queryset=selectors.opportunity_list(user=self.request.user),
            request=self.request,
        )
        # The rows carry ``is_past_close`` (badge); the board groups the plain filtered set.
        return selectors.with_past_close(self.filterset.qs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        summary = selectors.pipeline_summary(self.filterset.qs)
        context["board"] = summary
        context["can_create"] = permissions.can_create_opportunity(self.request.user)
        # "Past close date" is a filter of the list once OpportunityFilter has it.
        context["past_close_filter"] = "past_close" in self.filterset.filters
        return context


class OpportunityDetailView(LoginRequiredMixin, DetailView):
    model = Opportunity
    template_name = "opportunities/opportunity_detail.html"
    context_object_name = "opportunity"

    def get_queryset(self):
        return selectors.opportunity_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity = self.object
        user = self.request.user
        can_change = permissions.can_change_opportunity(user, opportunity)
        credits = list(selectors.credits_of(opportunity=opportunity))
        # Kept by the activities app (above this one), which registers the list; newest first.
        activities = related_for(opportunity, user=user).get("activities")
        activities = None if activities is None else list(activities)
        context.update(
            history=selectors.stage_history(opportunity=opportunity),
            spin_notes=opportunity.spin_notes.select_related("author"),
            proposals=opportunity.proposals.select_related("author", "reviewed_by"),
            risks=opportunity.risks.all(),
            credits=credits,
            activities=activities,
            can_change=can_change,
            moves=services.allowed_moves(user, opportunity),
            weighted=weighted_amount(
                amount=opportunity.expected_amount, probability=opportunity.probability
            ),
            past_close=selectors.is_past_close(opportunity),
            next_step=_next_step(activities or ()),
            pre_review=PipelineSettings.current().solution_pre_review,
            stage_path=[(stage, Stage(stage).label) for stage in STAGE_ORDER]
            + ([(Stage.LOST, Stage.LOST.label)] if opportunity.stage == Stage.LOST else []),
            open_stages=OPEN_STAGES,
            can_log_activity=permissions.can_create_opportunity(user),
            audit=AuditEntry.objects.visible_to(user)
            .for_object(opportunity)
            .select_related("actor")[:20],
        )
        return context


class OpportunityCreateView(ServiceFormView):
    form_class = OpportunityForm
    template_name = "opportunities/opportunity_form.html"
    write_rule = permissions.can_create_opportunity
    form_takes_user = True

    def get_initial(self):
        initial = super().get_initial()
        customer_id = self.request.GET.get("customer")
        if customer_id and customer_id.isdigit():
            customer = Customer.objects.visible_to(self.request.user).filter(pk=customer_id).first()
            if customer is not None:
                initial["customer"] = customer.pk
                initial["owner"] = customer.owner_id
                if customer.opportunities.exists():
                    initial["kind"] = "cross_sell"
        lead_id = self.request.GET.get("lead")
        if lead_id and lead_id.isdigit():
            lead = selectors.visible_leads(user=self.request.user).filter(pk=lead_id).first()
            if lead is not None:
                initial["lead"] = lead.pk
        return initial

    def perform_service(self, form):
        data = form.cleaned_data
        return services.opportunity_create(
            actor=self.request.user,
            customer=data["customer"],
            owner=data.get("owner", self.request.user),
            name=data["name"],
            lead=data["lead"],
            kind=data["kind"],
            expected_amount=data["expected_amount"],
            expected_close_on=data["expected_close_on"],
            needs_confirmed=data["needs_confirmed"],
        )

    def get_success_message(self, opportunity):
        return _("Opportunity %(name)s opened.") % {"name": opportunity}

    def get_success_url(self, opportunity=None):
        return _opportunity_url(opportunity)


class OpportunityWriteView(ServiceFormView):
    """A page that changes the opportunity in the URL: 404 outside the user's scope, 403 for
    those who may only read it; back to the opportunity when done."""

    model = Opportunity
    object_rule = permissions.can_change_opportunity
    object_context_name = "opportunity"

    def get_object_queryset(self):
        return selectors.opportunity_detail_queryset(user=self.request.user)

    def get_success_url(self, result=None):
        return _opportunity_url(self.object)


class OpportunityUpdateView(OpportunityWriteView):
    version_check = True
    form_class = OpportunityUpdateForm
    template_name = "opportunities/opportunity_form.html"
    form_takes_user = True
    success_message = gettext_lazy("Changes saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "opportunity": self.object}

    def get_initial(self):
        o = self.object
        return {
            "name": o.name,
            "customer": o.customer_id,
            "owner": o.owner_id,
            "kind": o.kind,
            "lead": o.lead_id,
            "expected_amount": o.expected_amount,
            "expected_close_on": o.expected_close_on,
            "needs_confirmed": o.needs_confirmed,
            "negotiated_price": o.negotiated_price,
            "delivery_cycle_days": o.delivery_cycle_days,
            "service_terms": o.service_terms,
        }

    def perform_service(self, form):
        return services.opportunity_update(
            actor=self.request.user, opportunity=self.object, **form.cleaned_data
        )


class NeedsConfirmedView(OpportunityWriteView):
    """Flip "needs confirmed with the customer" from the SPIN section of the detail page."""

    http_method_names = ["post"]
    version_check = True
    form_class = NeedsConfirmedForm

    def perform_service(self, form):
        return services.opportunity_update(
            actor=self.request.user,
            opportunity=self.object,
            needs_confirmed=form.cleaned_data["needs_confirmed"],
            expected_version=self.expected_version,
        )

    def form_invalid(self, form):
        # A button on the opportunity page: its refusal is flashed there.
        messages.error(self.request, self.conflict_summary(form))
        return redirect(self.get_success_url())

    def get_success_message(self, opportunity):
        if opportunity.needs_confirmed:
            return _("Needs marked as confirmed with the customer.")
        return _("Needs marked as not yet confirmed.")


class OpportunityMoveView(OpportunityWriteView):
    version_check = True
    form_class = MoveForm
    template_name = "opportunities/opportunity_move.html"

    def load(self):
        self.moves = services.allowed_moves(self.request.user, self.object)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "stages": self.moves}
        stage = self.request.GET.get("stage")
        if stage in self.moves:
            kwargs.setdefault("initial", {})["stage"] = stage
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            history=selectors.stage_history(opportunity=self.object), **kwargs
        )

    def perform_service(self, form):
        data = form.cleaned_data
        return services.opportunity_move(
            actor=self.request.user,
            opportunity=self.object,
            to_stage=data["stage"],
            note=data["note"],
            lost_reason=data["lost_reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, opportunity):
        return _("Moved to %(stage)s (probability %(probability)s%%).") % {
            "stage": Stage(opportunity.stage).label,
            "probability": f"{opportunity.probability:.0f}",
        }


class OpportunityCreditsView(OpportunityWriteView):
    """The credit split as a formset; the service's errors show above the rows. The split is
    part of the opportunity: the page carries its version, and a split saved by someone else
    since the page was opened is a conflict (their split beside yours, nothing written)."""

    template_name = "opportunities/opportunity_credits.html"
    form_class = CreditFormSet
    prefix = "credits"
    success_message = gettext_lazy("Credit split saved.")
    version_check = True

    def get_initial(self):
        return [
            {"rep": rep_id, "percent": percent}
            for rep_id, percent in services.opportunity_credit_split(self.object)
        ]

    def get_form_kwargs(self):
        reps = services.creditable_reps(self.request.user, self.object).order_by("username")
        return {**super().get_form_kwargs(), "form_kwargs": {"reps": reps}}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formset"] = context.pop("form")
        context["credit_errors"] = context["formset"].service_errors
        return context

    def get_formset_conflict(self, formset, current) -> list[dict]:
        split = services.opportunity_credit_split(self.object)
        people = User.objects.in_bulk([rep_id for rep_id, _percent in split])
        theirs = [(str(people.get(rep_id, rep_id)), _share(percent)) for rep_id, percent in split]
        yours = []
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None) or {}
            if not data or row.is_blank():
                continue
            rep = data.get("rep")
            yours.append((str(rep) if rep is not None else "—", _share(data.get("percent"))))
        return rows_conflict(theirs, yours)

    def perform_service(self, formset):
        return services.opportunity_set_credits(
            actor=self.request.user,
            opportunity=self.object,
            credits=formset.credits(),
            expected_version=self.expected_version,
        )


class SpinNoteCreateView(OpportunityWriteView):
    form_class = SpinNoteForm
    template_name = "opportunities/child_form.html"
    success_message = gettext_lazy("SPIN note added.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Add SPIN note"), **kwargs)

    def perform_service(self, form):
        return services.spin_note_create(
            actor=self.request.user, opportunity=self.object, **form.cleaned_data
        )


class ProposalCreateView(OpportunityWriteView):
    form_class = ProposalForm
    template_name = "opportunities/child_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Add proposal"), multipart=True, **kwargs)

    def perform_service(self, form):
        return services.proposal_create(
            actor=self.request.user, opportunity=self.object, **form.cleaned_data
        )

    def get_success_message(self, proposal):
        return _("Proposal %(title)s added.") % {"title": proposal}

    def get_success_url(self, proposal=None):
        return _proposal_url(proposal)


class RiskCreateView(OpportunityWriteView):
    form_class = RiskForm
    template_name = "opportunities/child_form.html"
    success_message = gettext_lazy("Risk added.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Add risk"), **kwargs)

    def perform_service(self, form):
        return services.risk_create(
            actor=self.request.user, opportunity=self.object, **form.cleaned_data
        )


class RiskUpdateView(ServiceFormView):
    version_check = True
    model = Risk
    form_class = RiskForm
    template_name = "opportunities/child_form.html"
    object_rule = permissions.can_change_part
    object_context_name = "risk"
    success_message = gettext_lazy("Risk updated.")

    def get_object_queryset(self):
        return selectors.risk_list(user=self.request.user)

    def get_initial(self):
        return {name: getattr(self.object, name) for name in services.RISK_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Edit risk"), opportunity=self.object.opportunity, **kwargs
        )

    def perform_service(self, form):
        fields = {name: form.cleaned_data[name] for name in services.RISK_FIELDS}
        return services.risk_update(actor=self.request.user, risk=self.object, **fields)

    def get_success_url(self, result=None):
        return _opportunity_url(self.object.opportunity)


class ProposalObjectMixin(LoginRequiredMixin):
    """Loads ``self.proposal`` from the URL within the user's scope (else 404)."""

    model = Proposal

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.proposal = get_object_or_404(_proposals(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ProposalDetailView(ProposalObjectMixin, DetailView):
    template_name = "opportunities/proposal_detail.html"
    context_object_name = "proposal"

    def get_object(self, queryset=None):
        return self.proposal

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        proposal = self.proposal
        context.update(
            opportunity=proposal.opportunity,
            can_submit=permissions.can_change_part(user, proposal)
            and proposal.review_status in (ReviewStatus.NOT_SUBMITTED, ReviewStatus.REJECTED),
            can_review=permissions.can_review_proposal(user, proposal)
            and proposal.review_status == ReviewStatus.PENDING,
            review_form=ProposalReviewForm(),
            audit=AuditEntry.objects.visible_to(user).for_object(proposal).select_related("actor"),
        )
        return context


class ProposalAttachmentView(ProposalObjectMixin, View):
    """Serves a proposal's attachment to those who may see the proposal."""

    def get(self, request, *args, **kwargs):
        if not self.proposal.attachment:
            messages.info(request, _("This proposal has no attachment."))
            return redirect(_proposal_url(self.proposal))
        attachment = self.proposal.attachment
        return FileResponse(
            attachment.open("rb"),
            as_attachment=True,
            filename=attachment.name.rsplit("/", 1)[-1],
        )


class ProposalWriteView(ServiceFormView):
    """A write on the proposal in the URL (404 outside the user's scope); back to the proposal
    when done."""

    model = Proposal
    object_context_name = "proposal"

    def get_object_queryset(self):
        return _proposals(self.request.user)

    def get_success_url(self, result=None):
        return _proposal_url(self.object)


class ProposalSubmitView(ProposalWriteView):
    """A button on the proposal page: a refusal is flashed there, not shown on a form."""

    http_method_names = ["post"]
    version_check = True
    form_class = forms.Form
    success_message = gettext_lazy("Proposal sent for review.")

    def get_conflict_intent(self, form):
        return {"review_status": ReviewStatus.PENDING}

    def perform_service(self, form):
        return services.proposal_submit(
            actor=self.request.user, proposal=self.object, expected_version=self.expected_version
        )

    def form_invalid(self, form):
        messages.error(self.request, self.conflict_summary(form))
        return redirect(self.get_success_url())


class ProposalReviewView(ProposalWriteView):
    version_check = True
    form_class = ProposalReviewForm
    template_name = "opportunities/proposal_review.html"
    object_rule = permissions.can_review_proposal
    success_message = gettext_lazy("Review saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(opportunity=self.object.opportunity, **kwargs)

    def get_conflict_intent(self, form):
        decision = form.cleaned_data.get("decision")
        return {"review_status": services.REVIEW_DECISIONS.get(decision, "")}

    def perform_service(self, form):
        return services.proposal_review(
            actor=self.request.user,
            proposal=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )


class PipelineSettingsView(ServiceFormView):
    version_check = True
    form_class = PipelineSettingsForm
    template_name = "opportunities/pipeline_settings.html"
    write_rule = permissions.can_edit_pipeline_settings
    success_message = gettext_lazy("Pipeline settings saved.")
    success_url = reverse_lazy("opportunities:pipeline-settings")

    def get_versioned_object(self):
        return PipelineSettings.current()

    def get_initial(self):
        return {"solution_pre_review": PipelineSettings.current().solution_pre_review}

    def get_context_data(self, **kwargs):
        current = PipelineSettings.current()
        return super().get_context_data(
            current=current,
            audit=AuditEntry.objects.visible_to(self.request.user)
            .for_object(current)
            .select_related("actor")[:20],
            **kwargs,
        )

    def perform_service(self, form):
        return services.pipeline_settings_update(
            actor=self.request.user,
            solution_pre_review=form.cleaned_data["solution_pre_review"],
            expected_version=self.expected_version,
        )
