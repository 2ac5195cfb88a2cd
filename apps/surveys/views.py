"""Survey pages: the staff list (progress per rep), a survey's page with its actions (send a
link, record a phone interview, cancel) and the customer's public answer page."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from apps.accounts.models import User
from apps.accounts.security import client_ip
from apps.core.mixins import (
    FilteredListMixin,
    ScopedQuerysetMixin,
    ServiceFormView,
    add_service_errors,
)
from apps.core.models import AuditEntry
from apps.core.permissions import is_rep
from apps.core.versions import StaleVersionError
from apps.surveys import permissions, selectors, services
from apps.surveys.choices import SurveyStatus
from apps.surveys.filters import SurveyFilter
from apps.surveys.forms import CancelForm, IssueLinkForm, PhoneInterviewForm, SurveyAnswerForm
from apps.surveys.models import Survey

#: Refused link attempts an address may make per window before it is slowed down.
BAD_LINK_LIMIT = 30
BAD_LINK_WINDOW = 60 * 60


def forbidden(request, message: str):
    """A 403 page that says why."""
    return render(request, "surveys/forbidden.html", {"message": message}, status=403)


class SurveyListView(FilteredListMixin, ListView):
    """Managers: their teams' surveys; HR and admins: all; a rep (or a manager about their own
    customers): only the answered surveys of their own customers — the scores, never a link
    nor which customers are still waiting. Progress per rep for the quarter shown."""

    queryset = Survey.objects.select_related("rep", "rep__team", "customer", "recorded_by")
    filterset_class = SurveyFilter
    template_name = "surveys/survey_list.html"
    context_object_name = "surveys"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        quarters = selectors.period_keys(user=user)
        data = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        quarter = (data or {}).get("period_key") or (quarters[0] if quarters else None)
        context["quarter"] = quarter
        context["quarters"] = quarters
        context["is_rep"] = is_rep(user)
        context["progress"] = self.progress(quarter) if quarter and not is_rep(user) else []
        return context

    def progress(self, quarter) -> list[dict]:
        """Sampled / answered / cancelled per rep of the quarter, for the people the reader
        oversees (not their own customers: those stay unknown until answered)."""
        user = self.request.user
        rep_ids = set(
            Survey.objects.filter(period_key=quarter)
            .filter(rep__in=User.objects.visible_to(user))
            .exclude(rep=user)
            .values_list("rep_id", flat=True)
            .distinct()
        )
        counts = selectors.survey_progress(period_key=quarter, rep_ids=rep_ids)
        people = User.objects.filter(pk__in=rep_ids).select_related("team")
        rows = []
        for person in sorted(people, key=lambda p: (str(p.team or ""), str(p))):
            row = counts.get(person.pk, {"sampled": 0, "answered": 0, "cancelled": 0})
            counted = row["sampled"] - row["cancelled"]
            rows.append(
                {
                    "rep": person,
                    **row,
                    "waiting": counted - row["answered"],
                    "rate": (row["answered"] * 100 / counted) if counted else None,
                }
            )
        return rows


class SurveyDetailView(ScopedQuerysetMixin, DetailView):
    queryset = Survey.objects.select_related("rep", "rep__team", "customer", "recorded_by")
    template_name = "surveys/survey_detail.html"
    context_object_name = "survey"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        survey = self.object
        pending = survey.status == SurveyStatus.PENDING
        context["can_handle"] = pending and permissions.can_handle(user, survey)
        context["can_cancel"] = survey.status != SurveyStatus.CANCELLED and permissions.can_cancel(
            user, survey
        )
        context["link_active"] = bool(pending and survey.token_hash)
        context["history"] = (
            AuditEntry.objects.visible_to(user).for_object(survey).select_related("actor")[:20]
            if not is_rep(user)
            else []
        )
        return context


class SurveyActionView(ServiceFormView):
    """A staff action on the survey the URL names (scoped: 404), refused with a 403 that says
    why (the rep the survey is about never handles it)."""

    object_queryset = Survey.objects.select_related("rep", "rep__team", "customer")
    object_context_name = "survey"
    template_name = "surveys/survey_action.html"

    def allowed(self, user, survey) -> bool:
        raise NotImplementedError

    def denied_message(self, user, survey) -> str:
        return permissions.handle_denied_message(user, survey)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.allowed(request.user, self.object):
            return forbidden(request, self.denied_message(request.user, self.object))
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self, result=None):
        return reverse("surveys:survey-detail", kwargs={"pk": self.object.pk})


class SurveyIssueLinkView(SurveyActionView):
    """Send the customer a one-time link: the link is shown once, on the answer to the POST
    (only a hash of it is kept)."""

    form_class = IssueLinkForm
    version_check = True
    heading = gettext_lazy("Send a survey link")

    def allowed(self, user, survey):
        return permissions.can_handle(user, survey)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, action="link", **kwargs)

    def perform_service(self, form):
        return services.survey_issue_link(
            survey=self.object, actor=self.request.user, **form.cleaned_data
        )

    def form_valid(self, form):
        expected = self.pop_expected_version(form)
        try:
            token = services.survey_issue_link(
                survey=self.object,
                actor=self.request.user,
                days_valid=form.cleaned_data["days_valid"],
                expected_version=expected,
            )
        except StaleVersionError as exc:
            return self.version_conflict(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        self.object.refresh_from_db()
        link = self.request.build_absolute_uri(reverse("surveys:answer", args=[token]))
        response = render(
            self.request, "surveys/survey_link.html", {"survey": self.object, "link": link}
        )
        response["Cache-Control"] = "no-store"
        return response


class SurveyRecordView(SurveyActionView):
    """HR or the rep's manager types in the answers of a phone interview."""

    form_class = PhoneInterviewForm
    version_check = True
    heading = gettext_lazy("Record a phone interview")
    success_message = gettext_lazy("The interview's answers were saved.")

    def allowed(self, user, survey):
        return permissions.can_record(user, survey)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, action="record", **kwargs)

    def perform_service(self, form):
        return services.survey_record_interview(
            actor=self.request.user,
            survey=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )


class SurveyCancelView(SurveyActionView):
    form_class = CancelForm
    version_check = True
    heading = gettext_lazy("Cancel the survey")
    success_message = gettext_lazy("The survey was cancelled: it does not count.")

    def allowed(self, user, survey):
        return permissions.can_cancel(user, survey)

    def denied_message(self, user, survey):
        return permissions.cancel_denied_message()

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, action="cancel", **kwargs)

    def perform_service(self, form):
        return services.survey_cancel(
            actor=self.request.user,
            survey=self.object,
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )


# --- the customer's page (no sign-in) -----------------------------------------------------------


class SurveyAnswerView(View):
    """The customer's one-time survey page, in the survey's language, readable on a phone.

    Every refusal — a guessed or altered token, a replaced, used or expired link, a cancelled
    survey, a signed-in rep — is the same page with the same status (404), so nothing tells
    whether a survey exists. Refused attempts are counted per client address; past the limit
    the address gets a 429 for a while."""

    template_name = "surveys/answer.html"

    def dispatch(self, request, *args, **kwargs):
        self.throttle_key = f"surveys:bad-link:{client_ip(request)}"
        if (cache.get(self.throttle_key) or 0) >= BAD_LINK_LIMIT:
            response = render(
                request, "surveys/answer_invalid.html", {"throttled": True}, status=429
            )
            response["Retry-After"] = str(BAD_LINK_WINDOW)
            return self.private(response)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def private(response):
        response["Cache-Control"] = "no-store"
        # Not "no-referrer": the form's CSRF check needs the Origin of a same-site post.
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def invalid(self):
        try:
            cache.incr(self.throttle_key)
        except ValueError:
            cache.set(self.throttle_key, 1, BAD_LINK_WINDOW)
        return self.private(
            render(self.request, "surveys/answer_invalid.html", {"throttled": False}, status=404)
        )

    def page(self, survey, form, *, status=200):
        with translation.override(survey.language):
            response = render(
                self.request,
                self.template_name,
                {"survey": survey, "form": form, "customer": survey.customer},
                status=status,
            )
        response["Content-Language"] = survey.language
        return self.private(response)

    def get(self, request, token):
        survey = services.survey_for_token(token, user=request.user)
        if survey is None:
            return self.invalid()
        with translation.override(survey.language):
            form = SurveyAnswerForm()
        return self.page(survey, form)

    def post(self, request, token):
        survey = services.survey_for_token(token, user=request.user)
        if survey is None:
            return self.invalid()
        with translation.override(survey.language):
            form = SurveyAnswerForm(request.POST)
            if not form.is_valid():
                return self.page(survey, form, status=400)
            try:
                services.survey_answer_by_link(token=token, user=request.user, **form.cleaned_data)
            except services.InvalidLink:
                return self.invalid()
            except ValidationError as exc:
                add_service_errors(form, exc)
                return self.page(survey, form, status=400)
            response = render(request, "surveys/answer_thanks.html", {"survey": survey})
        response["Content-Language"] = survey.language
        return self.private(response)
