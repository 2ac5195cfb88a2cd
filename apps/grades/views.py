"""Browser pages of annual grades: the list (everyone, scoped), a grade's page with its history,
and HR's calibration screen (ranked lists, counts against the quota, the 9-box) with its
actions: propose, move a grade with a reason, finalise, reopen."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView, TemplateView

from apps.core.mixins import FilteredListMixin, ScopedQuerysetMixin, ServiceFormView
from apps.core.models import AuditEntry
from apps.grades import permissions, selectors, services
from apps.grades.filters import GradeFilter
from apps.grades.forms import CycleChoiceForm, CycleForm, GradeMoveForm, ReopenForm
from apps.grades.models import AnnualGrade


def calibration_url(cycle, anchor: str = "") -> str:
    url = f"{reverse('grades:calibration')}?{urlencode({'cycle': cycle.pk})}"
    return f"{url}#{anchor}" if anchor else url


class GradeListView(FilteredListMixin, ListView):
    """The grades the user may see: HR and admins all, a manager their teams' finalised grades,
    a rep their own once finalised."""

    model = AnnualGrade
    filterset_class = GradeFilter
    template_name = "grades/grade_list.html"
    context_object_name = "grades"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "person__team", "calibrated_by")
            .order_by("-year", "group_key", "rank", "person__username", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_calibrate"] = permissions.can_view_calibration(self.request.user)
        return context


class GradeDetailView(ScopedQuerysetMixin, DetailView):
    model = AnnualGrade
    template_name = "grades/grade_detail.html"
    context_object_name = "grade"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person", "person__team", "calibrated_by", "finalised_by", "cycle")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["history"] = (
            AuditEntry.objects.visible_to(user).for_object(self.object).select_related("actor")[:30]
        )
        context["can_move"] = permissions.can_move(user, self.object)
        context["can_calibrate"] = permissions.can_view_calibration(user)
        return context


class CalibrationView(LoginRequiredMixin, TemplateView):
    """HR's calibration screen of one annual cycle (``?cycle=<id>``, default the latest)."""

    template_name = "grades/calibration.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_view_calibration(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = selectors.default_cycle()
        chooser = CycleChoiceForm(initial={"cycle": cycle})
        if "cycle" in self.request.GET:
            chooser = CycleChoiceForm(self.request.GET)
            cycle = chooser.cleaned_data["cycle"] if chooser.is_valid() else None
        context["chooser"] = chooser
        context["cycle"] = cycle
        if cycle is not None:
            calibration = selectors.calibration(cycle=cycle)
            context["calibration"] = calibration
            context["action_form"] = CycleForm(initial={"cycle": cycle.pk}, auto_id=False)
            context["reopen_url"] = f"{reverse('grades:reopen')}?{urlencode({'cycle': cycle.pk})}"
        return context


class GradeMoveView(ServiceFormView):
    """Move one grade (HR/admin): the new grade and the reason, checked against the version the
    page was opened on. A finalised grade shows read-only."""

    form_class = GradeMoveForm
    template_name = "grades/grade_move.html"
    object_queryset = AnnualGrade.objects.select_related("person", "person__team", "cycle")
    object_context_name = "grade"
    write_rule = permissions.can_calibrate
    version_check = True

    def get_initial(self):
        return {"grade": self.object.grade}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("can_calibrate", True)
        return super().get_context_data(**kwargs)

    def get_conflict_intent(self, form):
        return {"grade": form.cleaned_data.get("grade")}

    def perform_service(self, form):
        return services.grade_move(
            actor=self.request.user,
            grade=self.object,
            new_grade=form.cleaned_data["grade"],
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version,
        )

    def get_success_message(self, result):
        return _("%(person)s: grade %(old)s → %(new)s.") % {
            "person": result.person,
            "old": result.proposed_grade,
            "new": result.grade,
        }

    def get_success_url(self, result=None):
        return calibration_url(self.object.cycle, f"grade-{self.object.pk}")


class _CycleActionView(ServiceFormView):
    """A POST on a whole annual cycle from the calibration screen (a GET shows the
    confirmation)."""

    form_class = CycleForm
    template_name = "grades/cycle_action.html"
    write_rule = permissions.can_calibrate
    title = ""
    button = ""
    explanation = ""

    def get_initial(self):
        return {
            "cycle": self.request.GET.get("cycle") or getattr(selectors.default_cycle(), "pk", None)
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        cycle = None
        if form.is_bound and form.is_valid():
            cycle = form.cleaned_data["cycle"]
        else:
            value = form["cycle"].value()
            cycle = (
                selectors.annual_cycles().filter(pk=value).first() if str(value).isdigit() else None
            )
        context.update(
            {
                "cycle": cycle,
                "title": self.title,
                "button": self.button,
                "explanation": self.explanation,
                "can_calibrate": True,
            }
        )
        return context

    def get_success_url(self, result=None):
        return calibration_url(self.cycle)

    def form_valid(self, form):
        self.cycle = form.cleaned_data["cycle"]
        return super().form_valid(form)


class ProposeView(_CycleActionView):
    @property
    def title(self):
        return _("Propose grades")

    @property
    def button(self):
        return _("Propose grades")

    @property
    def explanation(self):
        return _(
            "Ranks everyone in their calibration group by annual score and proposes A for the "
            "top share, C for the bottom share and B for the rest. Grades you moved keep your "
            "grade and reason."
        )

    def perform_service(self, form):
        return services.grades_propose(cycle=form.cleaned_data["cycle"], actor=self.request.user)

    def get_success_message(self, result):
        if not result:
            return _("The proposal is up to date: nothing changed.")
        return ngettext("%(count)d grade proposed.", "%(count)d grades proposed.", result) % {
            "count": result
        }


class FinaliseView(_CycleActionView):
    @property
    def title(self):
        return _("Finalise grades")

    @property
    def button(self):
        return _("Finalise grades")

    @property
    def explanation(self):
        return _(
            "Locks every grade of this cycle, in all groups. Managers and reps then see them. "
            "Changing a grade afterwards needs HR to reopen them with a reason."
        )

    def perform_service(self, form):
        return services.grades_finalise(cycle=form.cleaned_data["cycle"], actor=self.request.user)

    def get_success_message(self, result):
        return ngettext("%(count)d grade finalised.", "%(count)d grades finalised.", result) % {
            "count": result
        }


class ReopenView(_CycleActionView):
    form_class = ReopenForm

    @property
    def title(self):
        return _("Reopen grades")

    @property
    def button(self):
        return _("Reopen grades")

    @property
    def explanation(self):
        return _(
            "Unlocks every grade of this cycle so that it can be changed and finalised again. "
            "The reason is recorded on each grade."
        )

    def perform_service(self, form):
        return services.grades_reopen(
            cycle=form.cleaned_data["cycle"],
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
        )

    def get_success_message(self, result):
        return ngettext("%(count)d grade reopened.", "%(count)d grades reopened.", result) % {
            "count": result
        }
