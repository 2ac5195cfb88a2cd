from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from apps.accounts.models import User
from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.core.permissions import is_admin, is_manager, is_rep
from apps.development import calculations, periods, permissions, selectors, services
from apps.development.filters import CaseFilter, LearningFilter, RatingFilter
from apps.development.forms import CaseForm, GoalForm, LearningForm, RatingForm
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase

# --- collaboration ratings -------------------------------------------------------------------


def _chosen_period(request, open_periods: list[str]) -> str:
    wanted = request.POST.get("period_key") or request.GET.get("period") or ""
    return wanted if wanted in open_periods else open_periods[0]


class RatingListView(LoginRequiredMixin, TemplateView):
    """ "Ratings to give": the people the signed-in person rates this quarter, done or not,
    each with a form."""

    template_name = "development/rating_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        open_periods = services.open_rating_periods()
        period = _chosen_period(self.request, open_periods)
        targets = selectors.ratings_to_give(user=user, period_key=period)
        for target in targets:
            rating = target.rating
            target.form = RatingForm(
                initial={
                    "period_key": period,
                    "cross_department": rating.cross_department if rating else None,
                    "knowledge_sharing": rating.knowledge_sharing if rating else None,
                    "comment": rating.comment if rating else "",
                },
                auto_id=f"id_rating_{target.person.pk}_%s",
            )
        first, last = services.rating_window(period)
        return super().get_context_data(
            can_rate=permissions.can_rate(user),
            is_manager=is_manager(user),
            period=period,
            open_periods=open_periods,
            closes_on=last,
            targets=targets,
            done=sum(1 for t in targets if t.done),
            pending=sum(1 for t in targets if not t.done),
            **kwargs,
        )


class RatingGiveView(ServiceFormView):
    """Give or change the rating of one person (``pk``: the rated person) for an open quarter."""

    template_name = "development/rating_form.html"
    form_class = RatingForm
    write_rule = permissions.can_rate
    version_check = True
    object_context_name = "person"

    def get_object(self):
        return get_object_or_404(
            selectors.rating_candidates(self.request.user), pk=self.kwargs["pk"]
        )

    def load(self):
        wanted = self.request.POST.get("period_key") or self.request.GET.get("period") or ""
        if periods.is_quarter_key(wanted):
            self.period = wanted
        else:
            self.period = services.open_rating_periods()[0]

    def get_rating(self):
        return CollaborationRating.objects.filter(
            rated=self.object, rater=self.request.user, period_key=self.period
        ).first()

    def get_versioned_object(self):
        return self.get_rating()

    def get_initial(self):
        rating = self.get_rating()
        initial = {"period_key": self.period}
        if rating is not None:
            initial.update(
                cross_department=rating.cross_department,
                knowledge_sharing=rating.knowledge_sharing,
                comment=rating.comment,
            )
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.period, rating=self.get_rating(), **kwargs)

    def perform_service(self, form):
        try:
            return services.rating_save(
                actor=self.request.user,
                rated=self.object,
                expected_version=self.expected_version,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            # The quarter rides along hidden: its refusal goes to the top of the form.
            if not hasattr(exc, "error_dict") or "period_key" not in exc.error_dict:
                raise
            errors = exc.message_dict
            errors.setdefault(NON_FIELD_ERRORS, []).extend(errors.pop("period_key"))
            raise ValidationError(errors) from None

    def get_success_message(self, result):
        return _("Your rating of %(person)s for %(quarter)s is saved.") % {
            "person": self.object,
            "quarter": result.period_key,
        }

    def get_success_url(self, result=None):
        return f"{reverse('development:rating-list')}?period={self.period}"


class MyCollaborationView(LoginRequiredMixin, TemplateView):
    """The rated rep's own view: manager mean, the peer mean from at least 3 peers and the
    score of the last four quarters — never a single rating or a rater."""

    template_name = "development/my_collaboration.html"

    def get_context_data(self, **kwargs):
        keys = periods.recent_quarter_keys(timezone.localdate(), 4)
        return super().get_context_data(
            summaries=selectors.collaboration_summary(rated=self.request.user, period_keys=keys),
            is_rep=is_rep(self.request.user),
            min_peers=calculations.MIN_PEERS_SHOWN,
            **kwargs,
        )


class RatingTeamView(FilteredListMixin, ListView):
    """Raw ratings as the user may read them: a rep those they gave; a manager also those about
    their team's reps with the raters named (a manager needs to see who rated whom to spot an
    unfair rating; the rated rep never does); HR and admins all."""

    queryset = CollaborationRating.objects.select_related("rated", "rater", "rated__team")
    filterset_class = RatingFilter
    template_name = "development/rating_team.html"
    context_object_name = "ratings"


# --- learning log and capability -------------------------------------------------------------


class LearningListView(FilteredListMixin, ListView):
    queryset = LearningEntry.objects.select_related("rep")
    filterset_class = LearningFilter
    template_name = "development/learning_list.html"
    context_object_name = "entries"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        overview = selectors.capability_overview(user=user, today=today)
        managed = (
            set(user.managed_teams.values_list("pk", flat=True)) if is_manager(user) else set()
        )
        for row in overview:
            person = row.person
            row.can_set_goal = is_admin(user) or (
                (person.pk == user.pk and permissions.can_rate(user)) or person.team_id in managed
            )
        return super().get_context_data(
            can_log=permissions.can_write_learning(user),
            is_admin=is_admin(user),
            overview=overview,
            year=periods.fiscal_year_of(today),
            quarter=periods.quarter_key(today),
            weights={
                "skills": calculations.SKILLS_WEIGHT,
                "pace": calculations.PACE_WEIGHT,
                "goal": calculations.GOAL_WEIGHT,
            },
            **kwargs,
        )


class LearningFormMixin:
    template_name = "development/learning_form.html"
    form_class = LearningForm

    def get_success_url(self, result=None):
        return reverse("development:learning-list")


class LearningCreateView(LearningFormMixin, ServiceFormView):
    write_rule = permissions.can_write_learning

    def get_initial(self):
        return {"on": timezone.localdate()}

    def perform_service(self, form):
        return services.learning_create(actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, result):
        return _("“%(title)s” is in your learning log.") % {"title": result.title}


class LearningUpdateView(LearningFormMixin, ServiceFormView):
    version_check = True
    object_queryset = LearningEntry.objects.select_related("rep")
    object_rule = permissions.can_edit_learning
    object_context_name = "entry"
    success_message = gettext_lazy("Changes saved.")

    def get_initial(self):
        e = self.object
        return {
            "kind": e.kind,
            "title": e.title,
            "on": e.on,
            "skill": e.skill,
            "score": e.score,
            "hours": e.hours,
            "evidence": e.evidence,
            "notes": e.notes,
        }

    def perform_service(self, form):
        return services.learning_update(
            actor=self.request.user,
            entry=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )


class ConfirmForm(forms.Form):
    """A delete button's form: only the version the page was opened on."""


class LearningDeleteView(ServiceFormView):
    template_name = "development/confirm_delete.html"
    form_class = ConfirmForm
    version_check = True
    object_queryset = LearningEntry.objects.select_related("rep")
    object_rule = permissions.can_edit_learning
    object_context_name = "record"
    success_message = gettext_lazy("The entry was deleted.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("development:learning-list"), **kwargs)

    def perform_service(self, form):
        services.learning_delete(
            actor=self.request.user, entry=self.object, expected_version=self.expected_version
        )

    def get_success_url(self, result=None):
        return reverse("development:learning-list")


class GoalCreateView(ServiceFormView):
    """``/development/goals/new/?rep=<id>&year=2026``: set a capability goal (yours by
    default)."""

    template_name = "development/goal_form.html"
    form_class = GoalForm

    def load(self):
        user = self.request.user
        rep_id = self.request.GET.get("rep", "")
        if rep_id.isdigit():
            self.rep = get_object_or_404(User.objects.visible_to(user), pk=rep_id)
        else:
            self.rep = user
        if not permissions.can_set_goal(user, self.rep):
            raise PermissionDenied(
                _("Only the rep or a manager of their team can set their capability goal.")
            )
        year = self.request.GET.get("year", "")
        today_year = periods.fiscal_year_of(timezone.localdate())
        self.year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today_year

    def get_context_data(self, **kwargs):
        return super().get_context_data(rep=self.rep, year=self.year, **kwargs)

    def perform_service(self, form):
        return services.goal_create(
            actor=self.request.user, rep=self.rep, year=self.year, **form.cleaned_data
        )

    def get_success_message(self, result):
        return _("Capability goal set for %(person)s.") % {"person": self.rep}

    def get_success_url(self, result=None):
        return reverse("development:learning-list")


class GoalUpdateView(ServiceFormView):
    template_name = "development/goal_form.html"
    form_class = GoalForm
    version_check = True
    object_queryset = CapabilityGoal.objects.select_related("rep")
    object_context_name = "goal"
    success_message = gettext_lazy("Goal updated.")

    @staticmethod
    def object_rule(user, goal):
        return permissions.can_set_goal(user, goal.rep)

    def get_initial(self):
        goal = self.object
        return {"title": goal.title, "progress": goal.progress, "notes": goal.notes}

    def get_context_data(self, **kwargs):
        return super().get_context_data(rep=self.object.rep, year=self.object.year, **kwargs)

    def perform_service(self, form):
        return services.goal_update(
            actor=self.request.user,
            goal=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_url(self, result=None):
        return reverse("development:learning-list")


# --- case library ----------------------------------------------------------------------------


class CaseListView(FilteredListMixin, ListView):
    queryset = SalesCase.objects.select_related("author", "team")
    filterset_class = CaseFilter
    template_name = "development/case_list.html"
    context_object_name = "cases"


class CaseDetailView(ScopedQuerysetMixin, DetailView):
    queryset = SalesCase.objects.select_related("author", "team")
    template_name = "development/case_detail.html"
    context_object_name = "case"

    def get_context_data(self, **kwargs):
        case = self.object
        return super().get_context_data(
            can_edit=permissions.can_edit_case(self.request.user, case),
            **kwargs,
        )


class CaseCreateView(ServiceFormView):
    template_name = "development/case_form.html"
    form_class = CaseForm
    write_rule = permissions.can_share_case

    def get_initial(self):
        return {"team": self.request.user.team_id, "meeting_on": timezone.localdate()}

    def perform_service(self, form):
        return services.case_create(actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, result):
        return _("Case “%(title)s” added to the library.") % {"title": result.title}

    def get_success_url(self, result=None):
        return reverse("development:case-detail", kwargs={"pk": result.pk})


class CaseUpdateView(ServiceFormView):
    template_name = "development/case_form.html"
    form_class = CaseForm
    version_check = True
    object_queryset = SalesCase.objects.select_related("author", "team")
    object_rule = permissions.can_edit_case
    object_context_name = "case"
    success_message = gettext_lazy("Changes saved.")

    def get_initial(self):
        c = self.object
        return {
            "kind": c.kind,
            "title": c.title,
            "summary": c.summary,
            "lessons": c.lessons,
            "tags": c.tags.replace(",", ", "),
            "meeting_on": c.meeting_on,
            "team": c.team_id,
        }

    def perform_service(self, form):
        return services.case_update(
            actor=self.request.user,
            case=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_url(self, result=None):
        return reverse("development:case-detail", kwargs={"pk": self.object.pk})


class CaseDeleteView(ServiceFormView):
    template_name = "development/confirm_delete.html"
    form_class = ConfirmForm
    version_check = True
    object_queryset = SalesCase.objects.select_related("author")
    object_rule = permissions.can_edit_case
    object_context_name = "record"
    success_message = gettext_lazy("The case was deleted.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            cancel_url=reverse("development:case-detail", kwargs={"pk": self.object.pk}),
            **kwargs,
        )

    def perform_service(self, form):
        services.case_delete(
            actor=self.request.user, case=self.object, expected_version=self.expected_version
        )

    def get_success_url(self, result=None):
        return reverse("development:case-list")
