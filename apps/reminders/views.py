import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from apps.core.mixins import OrganisationWideRequiredMixin, add_service_errors
from apps.core.scoping import sees_everything
from apps.reminders import calendar, selectors, services
from apps.reminders.filters import ReminderFilter
from apps.reminders.forms import CalendarExceptionForm, PreferencesForm, RuleForm
from apps.reminders.models import CalendarException, Reminder, ReminderRule


def own_reminder(user, pk) -> Reminder:
    """The user's own reminder; someone else's is a 404, or a 403 for HR/admin (who may know
    it exists but may not act on another person's inbox)."""
    reminder = Reminder.objects.visible_to(user).select_related("rule").filter(pk=pk).first()
    if reminder is not None:
        return reminder
    if sees_everything(user) and Reminder.objects.filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404


class InboxView(LoginRequiredMixin, ListView):
    model = Reminder
    template_name = "reminders/inbox.html"
    context_object_name = "reminders"
    paginate_by = 25

    def get_queryset(self):
        data = self.request.GET.copy()
        if "status" not in data:
            data["status"] = "open"
        self.filterset = ReminderFilter(
            data, queryset=selectors.reminder_list(user=self.request.user), request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            querystring=query.urlencode(),
            today=timezone.localdate(),
            unread=selectors.unread_count(user=self.request.user),
        )
        return context


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("reminders:inbox")


class ReminderDoneView(LoginRequiredMixin, View):
    model = Reminder
    http_method_names = ["post"]

    def post(self, request, pk):
        reminder = services.reminder_mark_done(
            actor=request.user, reminder=own_reminder(request.user, pk)
        )
        messages.success(request, _("“%(title)s” is done.") % {"title": reminder.title})
        return _back(request)


class ReminderOpenView(LoginRequiredMixin, View):
    """Marks the reminder read and goes to the record it is about."""

    model = Reminder

    def get(self, request, pk):
        reminder = services.reminder_mark_read(
            actor=request.user, reminder=own_reminder(request.user, pk)
        )
        return redirect(reminder.link or reverse("reminders:inbox"))


class MarkAllReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        count = services.reminders_mark_all_read(actor=request.user)
        messages.success(request, _("%(count)s reminders marked read.") % {"count": count})
        return redirect("reminders:inbox")


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "reminders/preferences.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        self.rows, self.digest = selectors.preference_rows(user=self.request.user)
        return {**super().get_form_kwargs(), "rows": self.rows}

    def get_initial(self):
        return {"digest": self.digest}

    def form_valid(self, form):
        try:
            services.preferences_update(
                user=self.request.user, choices=form.choices(), digest=form.cleaned_data["digest"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your reminder preferences were saved."))
        return redirect("reminders:preferences")


class RuleListView(OrganisationWideRequiredMixin, ListView):
    template_name = "reminders/rule_list.html"
    context_object_name = "rules"

    def get_queryset(self):
        return selectors.rule_rows(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = {}
        for run in selectors.run_log(user=self.request.user).order_by("-started_at")[:200]:
            latest.setdefault(run.rule_id, run)
        context["rows"] = [(rule, latest.get(rule.pk)) for rule in context["rules"]]
        return context


class RuleEditView(OrganisationWideRequiredMixin, FormView):
    model = ReminderRule
    template_name = "reminders/rule_form.html"
    form_class = RuleForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and sees_everything(request.user):
            self.rule = get_object_or_404(
                ReminderRule.objects.visible_to(request.user), pk=kwargs["pk"]
            )
            if self.rule.definition is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rule": self.rule}

    def get_context_data(self, **kwargs):
        return super().get_context_data(rule=self.rule, **kwargs)

    def form_valid(self, form):
        try:
            services.rule_update(
                actor=self.request.user,
                rule=self.rule,
                enabled=form.cleaned_data["enabled"],
                params=form.params(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The rule “%(rule)s” was saved.") % {"rule": self.rule})
        return redirect("reminders:rule-list")


class RuleRunNowView(OrganisationWideRequiredMixin, View):
    model = ReminderRule
    http_method_names = ["post"]

    def post(self, request, pk):
        rule = get_object_or_404(ReminderRule.objects.visible_to(request.user), pk=pk)
        if rule.definition is None:
            raise Http404
        try:
            run = services.rule_run(code=rule.code)
        except Exception:  # noqa: BLE001 — the run log holds the error
            messages.error(request, _("The rule failed; see the run log."))
            return redirect("reminders:run-log")
        messages.success(
            request,
            _("Run finished: %(created)s created, %(closed)s closed, %(emailed)s e-mailed.")
            % {"created": run.created, "closed": run.closed, "emailed": run.emailed},
        )
        return redirect("reminders:run-log")


class RunLogView(OrganisationWideRequiredMixin, ListView):
    template_name = "reminders/run_log.html"
    context_object_name = "runs"
    paginate_by = 50

    def get_queryset(self):
        queryset = selectors.run_log(user=self.request.user)
        code = self.request.GET.get("rule")
        return queryset.filter(rule__code=code) if code else queryset


class CalendarView(OrganisationWideRequiredMixin, FormView):
    template_name = "reminders/calendar.html"
    form_class = CalendarExceptionForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
        except ValueError:
            year = today.year
        year = min(max(year, 2000), 2100)
        cal = calendar.load_calendar()
        language = calendar.holiday_language(get_language(), cal.country)
        holidays_of_year = []
        day = datetime.date(year, 1, 1)
        while day.year == year:
            name = calendar.public_holiday(day, cal.country, language)
            if name or calendar.official_workday(day, cal.country):
                holidays_of_year.append((day, name, cal.is_working_day(day)))
            day += datetime.timedelta(days=1)
        context.update(
            exceptions=CalendarException.objects.visible_to(self.request.user),
            country=cal.country,
            year=year,
            public_days=holidays_of_year,
        )
        return context

    def form_valid(self, form):
        try:
            services.calendar_exception_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The calendar exception was added."))
        return redirect("reminders:calendar")


class CalendarExceptionDeleteView(OrganisationWideRequiredMixin, View):
    model = CalendarException
    http_method_names = ["post"]

    def post(self, request, pk):
        exception = get_object_or_404(CalendarException.objects.visible_to(request.user), pk=pk)
        services.calendar_exception_delete(actor=request.user, exception=exception)
        messages.success(request, _("The calendar exception was deleted."))
        return redirect("reminders:calendar")
