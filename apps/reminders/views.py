import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from apps.core.mixins import ServiceFormView
from apps.core.versions import CombinedState
from apps.reminders import calendar, permissions, selectors, services
from apps.reminders.filters import ReminderFilter
from apps.reminders.forms import CalendarExceptionForm, PreferencesForm, RuleForm
from apps.reminders.models import CalendarException, Reminder, ReminderRule


def own_reminder(user, pk) -> Reminder:
    """The user's own reminder; someone else's is refused (see
    :func:`permissions.refuse_foreign_reminder`)."""
    reminder = Reminder.objects.visible_to(user).select_related("rule").filter(pk=pk).first()
    if reminder is None:
        permissions.refuse_foreign_reminder(user, pk)
    return reminder


class ConfigurationMixin(LoginRequiredMixin):
    """Pages of the reminder configuration (rules, runs, calendar): HR and admins only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_configure(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


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
        messages.success(
            request,
            ngettext("%(count)s reminder marked read.", "%(count)s reminders marked read.", count)
            % {"count": count},
        )
        return redirect("reminders:inbox")


class PreferencesView(ServiceFormView):
    template_name = "reminders/preferences.html"
    form_class = PreferencesForm
    #: The rule rows and the digest are one setting with one version
    #: (``selectors.preferences_version``): a save from a page opened before another save
    #: (another tab, another device) is refused with both values.
    version_check = True
    success_url = reverse_lazy("reminders:preferences")
    success_message = gettext_lazy("Your reminder preferences were saved.")

    def load(self):
        services.rules_ensure()

    def get_form_kwargs(self):
        self.rows, self.digest = selectors.preference_rows(user=self.request.user)
        return {**super().get_form_kwargs(), "rows": self.rows}

    def get_initial(self):
        return {"digest": self.digest}

    def get_versioned_object(self):
        return CombinedState(version=selectors.preferences_version(user=self.request.user))

    def conflict_label(self, form, name):
        for row in form.rows:
            if name in (f"inbox_{row['code']}", f"email_{row['code']}"):
                return f"{row['name']}: {form[name].label}"
        return super().conflict_label(form, name)

    def perform_service(self, form):
        return services.preferences_update(
            user=self.request.user,
            choices=form.choices(),
            digest=form.cleaned_data["digest"],
            expected_version=self.expected_version,
        )


class RuleListView(ConfigurationMixin, ListView):
    template_name = "reminders/rule_list.html"
    context_object_name = "rules"

    def get_queryset(self):
        services.rules_ensure()
        return selectors.rule_rows(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = {}
        for run in selectors.run_log(user=self.request.user).order_by("-started_at")[:200]:
            latest.setdefault(run.rule_id, run)
        context["rows"] = [(rule, latest.get(rule.pk)) for rule in context["rules"]]
        return context


class RuleEditView(ServiceFormView):
    version_check = True
    template_name = "reminders/rule_form.html"
    form_class = RuleForm
    write_rule = permissions.can_configure
    object_queryset = ReminderRule.objects.all()
    object_context_name = "rule"
    success_url = reverse_lazy("reminders:rule-list")

    def load(self):
        if self.object.definition is None:
            raise Http404

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rule": self.object}

    def perform_service(self, form):
        return services.rule_update(
            actor=self.request.user,
            rule=self.object,
            enabled=form.cleaned_data["enabled"],
            params=form.params(),
        )

    def get_success_message(self, result):
        return _("The rule “%(rule)s” was saved.") % {"rule": self.object}


class RuleRunNowView(ConfigurationMixin, View):
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


class RunLogView(ConfigurationMixin, ListView):
    template_name = "reminders/run_log.html"
    context_object_name = "runs"
    paginate_by = 50

    def get_queryset(self):
        queryset = selectors.run_log(user=self.request.user)
        code = self.request.GET.get("rule")
        return queryset.filter(rule__code=code) if code else queryset


class CalendarView(ServiceFormView):
    template_name = "reminders/calendar.html"
    form_class = CalendarExceptionForm
    write_rule = permissions.can_configure
    success_url = reverse_lazy("reminders:calendar")
    success_message = gettext_lazy("The calendar exception was added.")

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

    def perform_service(self, form):
        return services.calendar_exception_create(actor=self.request.user, **form.cleaned_data)


class CalendarExceptionDeleteView(ConfigurationMixin, View):
    model = CalendarException
    http_method_names = ["post"]

    def post(self, request, pk):
        exception = get_object_or_404(CalendarException.objects.visible_to(request.user), pk=pk)
        services.calendar_exception_delete(actor=request.user, exception=exception)
        messages.success(request, _("The calendar exception was deleted."))
        return redirect("reminders:calendar")
