"""Browser pages of training recommendations: the scoped list (filters shared with the API),
a proposal's page with the actions its status allows, "Generate proposals now" (HR/admin) and
the settings page (HR/admin). The rules are stated on the pages and in
:mod:`apps.training.calculations`."""

from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.core.models import AuditEntry
from apps.development.choices import Skill
from apps.training import permissions, selectors, services
from apps.training.choices import DIMENSIONS, ProposalStatus
from apps.training.filters import TrainingProposalFilter
from apps.training.forms import ConfirmForm, DeclineForm, DoneForm, ScheduleForm, SettingsForm
from apps.training.models import TrainingProposal, TrainingSettings

SKILL_LABELS = dict(Skill.choices)


class ProposalListView(FilteredListMixin, ListView):
    """HR and admins: every proposal; a manager: their teams'; a rep: those about them."""

    model = TrainingProposal
    filterset_class = TrainingProposalFilter
    template_name = "training/proposal_list.html"
    context_object_name = "proposals"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("team", "person", "person__team", "mentor")
            .order_by("status", "-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_run_org"] = permissions.can_run_org(self.request.user)
        context["rules"] = TrainingSettings.current()
        return context


class ProposalDetailView(ScopedQuerysetMixin, DetailView):
    model = TrainingProposal
    template_name = "training/proposal_detail.html"
    context_object_name = "proposal"

    def get_queryset(self):
        return super().get_queryset().select_related("team", "person", "person__team", "mentor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        proposal = self.object
        can_manage = not proposal.is_closed and permissions.can_manage(user, proposal)
        context.update(
            people=selectors.people_of(proposal),
            can_manage=can_manage,
            can_accept=can_manage and proposal.status == ProposalStatus.PROPOSED,
            can_schedule=can_manage
            and proposal.status in (ProposalStatus.ACCEPTED, ProposalStatus.SCHEDULED),
            can_done=can_manage and proposal.status == ProposalStatus.SCHEDULED,
            history=AuditEntry.objects.visible_to(user)
            .for_object(proposal)
            .select_related("actor")[:50],
        )
        return context


def _manages(user, proposal) -> bool:
    return permissions.can_manage(user, proposal)


class _ProposalActionView(ServiceFormView):
    object_queryset = TrainingProposal.objects.select_related("team", "person", "person__team")
    object_context_name = "proposal"
    object_rule = staticmethod(_manages)
    write_rule = permissions.can_manage_any
    version_check = True
    template_name = "training/proposal_action.html"
    heading = ""
    button = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("heading", self.heading)
        kwargs.setdefault("button", self.button)
        return super().get_context_data(**kwargs)


class ProposalAcceptView(_ProposalActionView):
    form_class = ConfirmForm
    heading = gettext_lazy("Accept the training")
    button = gettext_lazy("Accept")

    def perform_service(self, form):
        return services.proposal_accept(
            actor=self.request.user, proposal=self.object, expected_version=self.expected_version
        )

    def get_success_message(self, result):
        return _("Training accepted: schedule it next.")


class ProposalScheduleView(_ProposalActionView):
    form_class = ScheduleForm
    heading = gettext_lazy("Schedule the training")
    button = gettext_lazy("Schedule")

    def get_initial(self):
        return {"date": self.object.scheduled_on, "location": self.object.location}

    def perform_service(self, form):
        return services.proposal_schedule(
            actor=self.request.user,
            proposal=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("Training scheduled.")


class ProposalDoneView(_ProposalActionView):
    form_class = DoneForm
    heading = gettext_lazy("Mark the training done")
    button = gettext_lazy("Mark done")

    def perform_service(self, form):
        return services.proposal_mark_done(
            actor=self.request.user,
            proposal=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("Training done: it now shows in the participants' learning log.")


class ProposalDeclineView(_ProposalActionView):
    form_class = DeclineForm
    heading = gettext_lazy("Decline the training")
    button = gettext_lazy("Decline")

    def perform_service(self, form):
        return services.proposal_decline(
            actor=self.request.user,
            proposal=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("Training declined.")


class GenerateView(ServiceFormView):
    form_class = ConfirmForm
    template_name = "training/generate.html"
    write_rule = permissions.can_run_org
    success_url = reverse_lazy("training:proposal-list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("rules", TrainingSettings.current())
        return super().get_context_data(**kwargs)

    def perform_service(self, form):
        return services.training_proposals_generate(actor=self.request.user)

    def get_success_message(self, result):
        return (
            _(
                "%(workshops)s team workshops and %(individual)s individual proposals made; "
                "%(replaced)s individual proposals replaced by workshops."
            )
            % result
        )


class SettingsView(ServiceFormView):
    form_class = SettingsForm
    template_name = "training/settings.html"
    write_rule = permissions.can_run_org
    version_check = True
    success_message = gettext_lazy("Training settings saved.")
    success_url = reverse_lazy("training:settings")

    def get_versioned_object(self):
        return TrainingSettings.current()

    def get_initial(self):
        row = TrainingSettings.current()
        initial = {
            "weak_score": row.weak_score,
            "kpi_gap_score": row.kpi_gap_score,
            "workshop_share": row.workshop_share,
        }
        for skill in DIMENSIONS:
            initial[f"workshop_{skill}"] = row.workshop_title(skill)
            initial[f"courses_{skill}"] = row.courses(skill)
        return initial

    def get_context_data(self, **kwargs):
        current = TrainingSettings.current()
        kwargs.setdefault(
            "audit",
            AuditEntry.objects.visible_to(self.request.user)
            .for_object(current)
            .select_related("actor")[:20],
        )
        return super().get_context_data(**kwargs)

    def perform_service(self, form):
        data = form.cleaned_data
        return services.training_settings_update(
            actor=self.request.user,
            weak_score=data["weak_score"],
            kpi_gap_score=data["kpi_gap_score"],
            workshop_share=data["workshop_share"],
            catalogue=form.catalogue(),
            expected_version=self.expected_version,
        )
