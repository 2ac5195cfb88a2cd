"""Browser pages of improvement plans: the scoped list, a plan's page (goals, support, weekly
sessions past and upcoming, outcome, history in words) and the forms to open a plan, complete a
proposal, log or miss a session and record the outcome."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.core.models import AuditEntry
from apps.performance.choices import Kpi
from apps.pips import permissions, selectors, services
from apps.pips.choices import PipStatus
from apps.pips.filters import PipFilter
from apps.pips.forms import (
    PipCompleteForm,
    PipOpenForm,
    PipOutcomeForm,
    SessionLogForm,
    SessionMissedForm,
)
from apps.pips.models import CoachingSession, Pip

KPI_LABELS = dict(Kpi.choices)


def weak_kpi_rows(pip) -> list[dict]:
    return [
        {"label": KPI_LABELS.get(row.get("kpi"), row.get("kpi")), "score": row.get("score")}
        for row in pip.weak_kpis or []
    ]


class PipListView(FilteredListMixin, ListView):
    """HR and admins: every plan; a manager: their teams'; a rep: their own."""

    model = Pip
    filterset_class = PipFilter
    template_name = "pips/pip_list.html"
    context_object_name = "pips"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "person__team", "manager")
            .order_by("status", "-start_date", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_open"] = permissions.can_open(self.request.user)
        return context


class PipDetailView(ScopedQuerysetMixin, DetailView):
    model = Pip
    template_name = "pips/pip_detail.html"
    context_object_name = "pip"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "person__team", "manager", "grade", "closed_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        pip = self.object
        sessions = list(pip.sessions.select_related("logged_by").order_by("number"))
        past, upcoming = selectors.split_sessions(sessions, timezone.localdate())
        context.update(
            sessions=sessions,
            past_sessions=past,
            upcoming_sessions=upcoming,
            next_session=upcoming[0] if upcoming else None,
            weak_kpis=weak_kpi_rows(pip),
            can_manage=permissions.can_manage(user, pip),
            is_proposed=pip.status == PipStatus.PROPOSED,
            is_active=pip.status == PipStatus.ACTIVE,
            history=AuditEntry.objects.visible_to(user)
            .for_object(pip)
            .select_related("actor")[:50],
        )
        return context


class PipOpenView(ServiceFormView):
    form_class = PipOpenForm
    template_name = "pips/pip_open.html"
    write_rule = permissions.can_open
    form_takes_user = True
    success_message = ""

    def perform_service(self, form):
        return services.pip_open(
            actor=self.request.user,
            person=form.cleaned_data["person"],
            reason=form.cleaned_data["reason"],
        )

    def get_success_message(self, result):
        return _("Plan opened for %(person)s: complete it with goals and a start date.") % {
            "person": result.person
        }


def _manages_pip(user, pip) -> bool:
    return permissions.can_manage_person(user, pip.person)


class _PipFormView(ServiceFormView):
    object_queryset = Pip.objects.select_related("person", "person__team", "manager")
    object_context_name = "pip"
    object_rule = staticmethod(_manages_pip)
    version_check = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("weak_kpis", weak_kpi_rows(self.object))
        return super().get_context_data(**kwargs)


class PipCompleteView(_PipFormView):
    form_class = PipCompleteForm
    template_name = "pips/pip_complete.html"

    def get_initial(self):
        pip = self.object
        goals = pip.goals
        if not goals and pip.weak_kpis:
            goals = "\n".join(
                _("%(kpi)s: from a score of %(score)s to at least 80.")
                % {"kpi": row["label"], "score": row["score"]}
                for row in weak_kpi_rows(pip)
            )
        return {"goals": goals, "support": pip.support, "start_date": pip.start_date}

    def perform_service(self, form):
        return services.pip_complete(
            actor=self.request.user,
            pip=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("The plan has started; its weekly sessions are scheduled.")


class PipOutcomeView(_PipFormView):
    form_class = PipOutcomeForm
    template_name = "pips/pip_outcome.html"

    def perform_service(self, form):
        return services.pip_record_outcome(
            actor=self.request.user,
            pip=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("Outcome recorded.")


def _manages_session(user, session) -> bool:
    return permissions.can_manage_person(user, session.pip.person)


class _SessionFormView(ServiceFormView):
    object_queryset = CoachingSession.objects.select_related(
        "pip", "pip__person", "pip__person__team"
    )
    object_context_name = "session"
    object_rule = staticmethod(_manages_session)
    version_check = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("pip", self.object.pip)
        return super().get_context_data(**kwargs)


class SessionLogView(_SessionFormView):
    form_class = SessionLogForm
    template_name = "pips/session_log.html"

    def get_initial(self):
        session = self.object
        return {
            "held_on": session.held_on or min(session.scheduled_on, timezone.localdate()),
            "notes": session.notes,
            "agreed_actions": session.agreed_actions,
        }

    def perform_service(self, form):
        return services.session_log(
            actor=self.request.user,
            session=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("Session %(number)s logged.") % {"number": result.number}


class SessionMissedView(_SessionFormView):
    form_class = SessionMissedForm
    template_name = "pips/session_missed.html"

    def perform_service(self, form):
        return services.session_mark_missed(
            actor=self.request.user,
            session=self.object,
            expected_version=self.expected_version,
            **form.cleaned_data,
        )

    def get_success_message(self, result):
        return _("Session %(number)s marked missed; HR has been told.") % {"number": result.number}
