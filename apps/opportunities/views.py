"""Browser pages of the pipeline. Views fetch within ``visible_to`` (404 outside the scope),
call one service and map its errors onto the form; a forbidden action is a 403."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from apps.core.mixins import add_service_errors
from apps.core.models import AuditEntry
from apps.customers.models import Customer
from apps.leads.models import Lead
from apps.opportunities import permissions, selectors, services
from apps.opportunities.calculations import weighted_amount
from apps.opportunities.choices import OPEN_STAGES, STAGE_ORDER, ReviewStatus, Stage
from apps.opportunities.filters import OpportunityFilter
from apps.opportunities.forms import (
    CreditFormSet,
    MoveForm,
    OpportunityForm,
    OpportunityUpdateForm,
    PipelineSettingsForm,
    ProposalForm,
    ProposalReviewForm,
    RiskForm,
    SpinNoteForm,
)
from apps.opportunities.models import Opportunity, PipelineSettings, Proposal, Risk


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
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        summary = selectors.pipeline_summary(self.filterset.qs)
        context["board"] = summary
        context["can_create"] = permissions.can_create_opportunity(self.request.user)
        return context


class OpportunityObjectMixin(LoginRequiredMixin):
    """Loads ``self.opportunity`` from the URL within the user's scope (else 404)."""

    model = Opportunity
    #: Set to True for pages that change the opportunity: others than its writers get a 403.
    requires_change = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.opportunity = get_object_or_404(
            selectors.opportunity_detail_queryset(user=request.user), pk=kwargs["pk"]
        )
        if self.requires_change and not permissions.can_change_opportunity(
            request.user, self.opportunity
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(opportunity=self.opportunity, **kwargs)

    def done(self, message):
        messages.success(self.request, message)
        return redirect("opportunities:opportunity-detail", pk=self.opportunity.pk)


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
        activities = getattr(opportunity, "activities", None)
        context.update(
            history=selectors.stage_history(opportunity=opportunity),
            spin_notes=opportunity.spin_notes.select_related("author"),
            proposals=opportunity.proposals.select_related("author", "reviewed_by"),
            risks=opportunity.risks.all(),
            credits=credits,
            activities=(
                activities.visible_to(user).select_related("owner")[:20]
                if activities is not None
                else None
            ),
            can_change=can_change,
            moves=services.allowed_moves(user, opportunity),
            weighted=weighted_amount(
                amount=opportunity.expected_amount, probability=opportunity.probability
            ),
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


class OpportunityCreateView(LoginRequiredMixin, FormView):
    form_class = OpportunityForm
    template_name = "opportunities/opportunity_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_opportunity(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

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
            lead = Lead.objects.visible_to(self.request.user).filter(pk=lead_id).first()
            if lead is not None:
                initial["lead"] = lead.pk
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_create(
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
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Opportunity %(name)s opened.") % {"name": opportunity})
        return redirect("opportunities:opportunity-detail", pk=opportunity.pk)


class OpportunityUpdateView(OpportunityObjectMixin, FormView):
    form_class = OpportunityUpdateForm
    template_name = "opportunities/opportunity_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "opportunity": self.opportunity,
        }

    def get_initial(self):
        o = self.opportunity
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

    def form_valid(self, form):
        try:
            services.opportunity_update(
                actor=self.request.user, opportunity=self.opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.done(_("Changes saved."))


class NeedsConfirmedView(OpportunityObjectMixin, View):
    """Flip "needs confirmed with the customer" from the SPIN section of the detail page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        confirmed = request.POST.get("needs_confirmed") == "1"
        services.opportunity_update(
            actor=request.user, opportunity=self.opportunity, needs_confirmed=confirmed
        )
        if confirmed:
            return self.done(_("Needs marked as confirmed with the customer."))
        return self.done(_("Needs marked as not yet confirmed."))


class OpportunityMoveView(OpportunityObjectMixin, FormView):
    form_class = MoveForm
    template_name = "opportunities/opportunity_move.html"

    def get_form_kwargs(self):
        self.moves = services.allowed_moves(self.request.user, self.opportunity)
        kwargs = {**super().get_form_kwargs(), "stages": self.moves}
        stage = self.request.GET.get("stage")
        if stage in self.moves:
            kwargs.setdefault("initial", {})["stage"] = stage
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            history=selectors.stage_history(opportunity=self.opportunity), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_move(
                actor=self.request.user,
                opportunity=self.opportunity,
                to_stage=data["stage"],
                note=data["note"],
                lost_reason=data["lost_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.done(
            _("Moved to %(stage)s (probability %(probability)s%%).")
            % {
                "stage": Stage(opportunity.stage).label,
                "probability": f"{opportunity.probability:.0f}",
            }
        )


class OpportunityCreditsView(OpportunityObjectMixin, FormView):
    template_name = "opportunities/opportunity_credits.html"

    def get_form(self, form_class=None):
        reps = services.creditable_reps(self.request.user, self.opportunity).order_by("username")
        initial = [
            {"rep": rep_id, "percent": percent}
            for rep_id, percent in services.opportunity_credit_split(self.opportunity)
        ]
        kwargs = {"form_kwargs": {"reps": reps}, "prefix": "credits"}
        if self.request.method == "POST":
            return CreditFormSet(self.request.POST, **kwargs)
        return CreditFormSet(initial=initial, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formset"] = context.pop("form")
        return context

    def form_valid(self, formset):
        try:
            services.opportunity_set_credits(
                actor=self.request.user, opportunity=self.opportunity, credits=formset.credits()
            )
        except ValidationError as exc:
            self.credit_errors = exc.message_dict.get("credits", exc.messages)
            return self.form_invalid(formset)
        return self.done(_("Credit split saved."))

    def form_invalid(self, formset):
        context = self.get_context_data(form=formset)
        context["credit_errors"] = getattr(self, "credit_errors", [])
        return self.render_to_response(context)


class SpinNoteCreateView(OpportunityObjectMixin, FormView):
    form_class = SpinNoteForm
    template_name = "opportunities/child_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Add SPIN note"), **kwargs)

    def form_valid(self, form):
        try:
            services.spin_note_create(
                actor=self.request.user, opportunity=self.opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.done(_("SPIN note added."))


class ProposalCreateView(OpportunityObjectMixin, FormView):
    form_class = ProposalForm
    template_name = "opportunities/child_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Add proposal"), multipart=True, **kwargs)

    def form_valid(self, form):
        try:
            proposal = services.proposal_create(
                actor=self.request.user, opportunity=self.opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Proposal %(title)s added.") % {"title": proposal})
        return redirect("opportunities:proposal-detail", pk=proposal.pk)


class ProposalObjectMixin(LoginRequiredMixin):
    model = Proposal

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.proposal = get_object_or_404(
            selectors.proposal_list(user=request.user).select_related("opportunity__owner__team"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return redirect("opportunities:proposal-detail", pk=self.proposal.pk)


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
            can_submit=permissions.can_change_opportunity(user, proposal.opportunity)
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
            return self.back()
        attachment = self.proposal.attachment
        return FileResponse(
            attachment.open("rb"),
            as_attachment=True,
            filename=attachment.name.rsplit("/", 1)[-1],
        )


class ProposalSubmitView(ProposalObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.proposal_submit(actor=request.user, proposal=self.proposal)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.back()
        messages.success(request, _("Proposal sent for review."))
        return self.back()


class ProposalReviewView(ProposalObjectMixin, FormView):
    form_class = ProposalReviewForm
    template_name = "opportunities/proposal_review.html"

    def get(self, request, *args, **kwargs):
        self._check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._check()
        return super().post(request, *args, **kwargs)

    def _check(self):
        if not permissions.can_review_proposal(self.request.user, self.proposal):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            proposal=self.proposal, opportunity=self.proposal.opportunity, **kwargs
        )

    def form_valid(self, form):
        try:
            services.proposal_review(
                actor=self.request.user, proposal=self.proposal, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Review saved."))
        return self.back()


class RiskCreateView(OpportunityObjectMixin, FormView):
    form_class = RiskForm
    template_name = "opportunities/child_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Add risk"), **kwargs)

    def form_valid(self, form):
        try:
            services.risk_create(
                actor=self.request.user, opportunity=self.opportunity, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.done(_("Risk added."))


class RiskUpdateView(LoginRequiredMixin, FormView):
    model = Risk
    form_class = RiskForm
    template_name = "opportunities/child_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.risk = get_object_or_404(selectors.risk_list(user=request.user), pk=kwargs["pk"])
        self.opportunity = self.risk.opportunity
        if not permissions.can_change_opportunity(request.user, self.opportunity):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {name: getattr(self.risk, name) for name in services.RISK_FIELDS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Edit risk"), opportunity=self.opportunity, **kwargs
        )

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in services.RISK_FIELDS}
        try:
            services.risk_update(actor=self.request.user, risk=self.risk, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Risk updated."))
        return redirect("opportunities:opportunity-detail", pk=self.opportunity.pk)


class PipelineSettingsView(LoginRequiredMixin, FormView):
    form_class = PipelineSettingsForm
    template_name = "opportunities/pipeline_settings.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_edit_pipeline_settings(
            request.user
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

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

    def form_valid(self, form):
        services.pipeline_settings_update(
            actor=self.request.user,
            solution_pre_review=form.cleaned_data["solution_pre_review"],
        )
        messages.success(self.request, _("Pipeline settings saved."))
        return redirect("opportunities:pipeline-settings")
