"""Browser pages of promotion candidacies: the list (HR, managers; a rep is taken to their own),
a candidacy's page (status timeline, document, actions), the candidate's document form, HR's
accept / return / decide forms and the team's training material."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.core.models import AuditEntry
from apps.core.permissions import is_rep
from apps.promotions import permissions, selectors, services
from apps.promotions.filters import CandidateFilter
from apps.promotions.forms import AcceptForm, DecideForm, DocumentForm, ReasonForm, RefreshForm
from apps.promotions.models import PromotionCandidate


class CandidateListView(FilteredListMixin, ListView):
    model = PromotionCandidate
    filterset_class = CandidateFilter
    template_name = "promotions/candidate_list.html"
    context_object_name = "candidates"

    def get(self, request, *args, **kwargs):
        if is_rep(request.user) and not request.GET:
            own = PromotionCandidate.objects.visible_to(request.user).order_by("-year").first()
            if own is not None:
                return redirect("promotions:candidate-detail", pk=own.pk)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "person__team")
            .order_by("-year", "person__username", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = permissions.can_manage(self.request.user)
        return context


class CandidateDetailView(ScopedQuerysetMixin, DetailView):
    model = PromotionCandidate
    template_name = "promotions/candidate_detail.html"
    context_object_name = "candidate"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "person__team", "decided_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        candidate = self.object
        context["document"] = candidate.document_or_none
        context["history"] = (
            AuditEntry.objects.visible_to(user).for_object(candidate).select_related("actor")[:30]
        )
        context["can_write"] = permissions.can_write_document(user, candidate)
        context["can_review"] = permissions.can_review(user, candidate)
        context["can_decide"] = permissions.can_decide(user, candidate)
        return context


class _CandidateFormView(ServiceFormView):
    object_queryset = PromotionCandidate.objects.select_related("person")
    object_context_name = "candidate"
    template_name = "promotions/candidate_form.html"
    version_check = True
    title = ""
    button = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        kwargs.setdefault("button", self.button)
        return super().get_context_data(**kwargs)

    def get_success_url(self, result=None):
        return reverse("promotions:candidate-detail", args=[self.object.pk])


class DocumentFormView(_CandidateFormView):
    form_class = DocumentForm
    object_rule = staticmethod(permissions.can_write_document)
    template_name = "promotions/document_form.html"

    def get_initial(self):
        document = self.object.document_or_none
        if document is None:
            return {}
        return {"title": document.title, "text": document.text}

    def perform_service(self, form):
        return services.document_save(
            actor=self.request.user,
            candidate=self.object,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            file=form.cleaned_data.get("file"),
            submit=form.cleaned_data.get("submit", False),
            expected_version=self.expected_version,
        )

    def get_success_message(self, result):
        if result.submitted_at and self.request.POST.get("submit"):
            return _("Your methodology document was submitted to HR.")
        return _("Your methodology document was saved.")


class AcceptView(_CandidateFormView):
    form_class = AcceptForm
    object_rule = staticmethod(permissions.can_review)

    @property
    def title(self):
        return _("Accept the methodology document")

    @property
    def button(self):
        return _("Accept")

    def perform_service(self, form):
        return services.document_accept(actor=self.request.user, candidate=self.object)

    def get_success_message(self, result):
        return _("Accepted: the document is now in the team's training material.")


class ReturnView(_CandidateFormView):
    form_class = ReasonForm
    object_rule = staticmethod(permissions.can_review)

    @property
    def title(self):
        return _("Return the document for rework")

    @property
    def button(self):
        return _("Return for rework")

    def perform_service(self, form):
        return services.document_return(
            actor=self.request.user, candidate=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, result):
        return _("The document was returned to the candidate.")


class DecideView(_CandidateFormView):
    form_class = DecideForm
    object_rule = staticmethod(permissions.can_decide)

    @property
    def title(self):
        return _("Decide the promotion")

    @property
    def button(self):
        return _("Record the decision")

    def perform_service(self, form):
        return services.candidate_decide(
            actor=self.request.user,
            candidate=self.object,
            promoted=form.cleaned_data["promoted"],
            reason=form.cleaned_data["reason"],
        )

    def get_success_message(self, result):
        return _("The decision was recorded.")


class RefreshView(ServiceFormView):
    """HR makes the candidates of an annual cycle from its finalised A grades."""

    form_class = RefreshForm
    template_name = "promotions/refresh.html"
    write_rule = staticmethod(permissions.can_manage)

    def perform_service(self, form):
        return services.candidates_refresh(
            cycle=form.cleaned_data["cycle"], actor=self.request.user
        )

    def get_success_message(self, result):
        return _("%(created)d new, %(withdrawn)d withdrawn, %(restored)d restored.") % result

    def get_success_url(self, result=None):
        return reverse("promotions:candidate-list")


class MaterialView(LoginRequiredMixin, ListView):
    template_name = "promotions/material.html"
    context_object_name = "documents"
    paginate_by = 25

    def get_queryset(self):
        return selectors.training_material(self.request.user, self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


class DocumentDownloadView(LoginRequiredMixin, View):
    """The document's file, for those who may read the document."""

    def get(self, request, pk):
        document = selectors.readable_document(request.user, pk)
        if document is None:
            raise Http404
        if not document.file:
            messages.info(request, _("This document has no file."))
            return redirect("promotions:material")
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.file_name or document.file.name.rsplit("/", 1)[-1],
        )
