"""Browser pages of targets, weight schemes, period settings and PDCA notes."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, ListView, TemplateView

from apps.core.formatting import format_money, format_number, format_percent
from apps.core.mixins import (
    FilteredListMixin,
    ScopedQuerysetMixin,
    ServiceFormView,
    add_service_errors,
)
from apps.core.models import AuditEntry
from apps.core.permissions import is_rep
from apps.core.versions import STALE_MESSAGE, StaleRowsError, StaleVersionError, version_of
from apps.performance import periods, permissions, selectors, services
from apps.performance.calculations import split_evenly
from apps.performance.choices import CYCLE_PERIOD_KIND, Cycle, SchemePreset
from apps.performance.filters import PdcaNoteFilter, PeriodSettingFilter, TargetFilter
from apps.performance.forms import (
    PdcaNoteForm,
    PeriodSettingForm,
    TargetRowFormSet,
    TeamPeriodForm,
    TeamTotalForm,
    WeightSchemeForm,
)
from apps.performance.models import PdcaNote, PeriodSetting, Target, WeightScheme
from apps.performance.presets import preset_items

TARGET_FIELDS = services.TARGET_FIELDS


def _today():
    return timezone.localdate()


def _history(user, obj):
    return AuditEntry.objects.visible_to(user).for_object(obj).select_related("actor")[:30]


#: How the values of a target's fields read in its history.
_TARGET_VALUE_FORMATS = {
    "sales_target": format_money,
    "new_customer_sales_target": format_money,
    "repeat_sales_target": format_money,
    "new_customers_target": lambda value: format_number(value, 1),
    "collection_rate_target": format_percent,
}


def _target_history(user, target):
    """The target's audit entries, each with ``change_rows``: (field label, before, after) in
    words and formatted numbers, never field names."""
    entries = list(_history(user, target))
    for entry in entries:
        rows = []
        for field, change in (entry.changes or {}).items():
            fmt = _TARGET_VALUE_FORMATS.get(field)
            if fmt is None or not isinstance(change, list | tuple) or len(change) != 2:
                continue
            label = capfirst(Target._meta.get_field(field).verbose_name)
            rows.append((label, fmt(change[0]), fmt(change[1])))
        entry.change_rows = rows
    return entries


# -- targets ----------------------------------------------------------------------------------


class TargetListView(FilteredListMixin, ListView):
    model = Target
    filterset_class = TargetFilter
    template_name = "performance/target_list.html"
    context_object_name = "targets"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("rep", "rep__team", "set_by")
            .order_by("-period_start", "period_kind", "rep__username")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_set_targets"] = permissions.target_setter_teams(user).exists()
        context["is_rep"] = is_rep(user)
        return context


class TargetDetailView(ScopedQuerysetMixin, DetailView):
    model = Target
    template_name = "performance/target_detail.html"
    context_object_name = "target"

    def get_queryset(self):
        return super().get_queryset().select_related("rep", "rep__team", "set_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = _target_history(self.request.user, self.object)
        context["can_edit"] = permissions.may_set_targets_for(self.request.user, self.object.rep)
        return context


class TeamTargetsView(LoginRequiredMixin, TemplateView):
    """One screen for a team's targets of one period: a team sales total split across the reps
    (evenly by default, editable per rep) plus new-customer and collection-rate targets."""

    template_name = "performance/team_targets.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_write_targets(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _chooser(self, data):
        teams = permissions.target_setter_teams(self.request.user).order_by("name")
        initial = {
            "team": teams.first(),
            "period": periods.period_containing(periods.QUARTER, _today()).key,
        }
        bound = data if data and {"team", "period"} & set(data) else None
        return TeamPeriodForm(bound, teams=teams, initial=initial)

    def _reps(self, team):
        return [rep for rep in selectors.team_reps(team) if rep.pk != self.request.user.pk]

    def _initial_rows(self, reps, period_key):
        existing = selectors.targets_by_rep(period_key, rep_ids=[rep.pk for rep in reps])
        rows = []
        for rep in reps:
            target = existing.get(rep.pk)
            row = {"rep": rep.pk, "version": version_of(target)}
            if target is not None:
                row.update({field: getattr(target, field) for field in TARGET_FIELDS})
            rows.append(row)
        total = sum(
            (row.get("sales_target") or Decimal("0") for row in rows if row.get("sales_target")),
            Decimal("0"),
        )
        return rows, (total if existing else None)

    def _render(self, chooser, *, team=None, period=None, total_form=None, formset=None, **extra):
        reps = {}
        if formset is not None:
            reps = {rep.pk: rep for rep in self._reps(team)}
        rows = []
        if formset is not None:
            for form in formset:
                rep_id = form["rep"].value()
                rep_id = int(rep_id) if str(rep_id or "").isdigit() else None
                rows.append((form, reps.get(rep_id)))
        return self.render_to_response(
            self.get_context_data(
                chooser=chooser,
                team=team,
                period=period,
                total_form=total_form,
                formset=formset,
                rows=rows,
                **extra,
            )
        )

    def get(self, request, *args, **kwargs):
        chooser = self._chooser(request.GET)
        if not chooser.is_bound:
            if chooser.fields["team"].queryset.exists():
                chooser = self._chooser(
                    {"team": chooser.initial["team"].pk, "period": chooser.initial["period"]}
                )
            else:
                return self._render(chooser)
        if not chooser.is_valid():
            return self._render(chooser)
        team = chooser.cleaned_data["team"]
        period = periods.parse_period(chooser.cleaned_data["period"])
        rows, total = self._initial_rows(self._reps(team), period.key)
        return self._render(
            chooser,
            team=team,
            period=period,
            total_form=TeamTotalForm(initial={"team_sales_total": total}),
            formset=TargetRowFormSet(initial=rows),
        )

    def post(self, request, *args, **kwargs):
        chooser = self._chooser(request.POST)
        if not chooser.is_valid():
            return self._render(chooser)
        team = chooser.cleaned_data["team"]
        period = periods.parse_period(chooser.cleaned_data["period"])
        total_form = TeamTotalForm(request.POST)
        formset = TargetRowFormSet(request.POST)
        if "split" in request.POST:
            return self._split(chooser, team, period, total_form, formset)
        if not (total_form.is_valid() and formset.is_valid()):
            return self._render(
                chooser, team=team, period=period, total_form=total_form, formset=formset
            )
        try:
            saved = services.team_targets_save(
                actor=request.user,
                team=team,
                period_key=period.key,
                rows=[form.cleaned_data for form in formset],
                team_sales_total=total_form.cleaned_data["team_sales_total"],
            )
        except ValidationError as exc:
            errors = exc.message_dict
            if isinstance(exc, StaleRowsError):
                # Show the rows as the user entered them, now based on the current versions.
                formset = TargetRowFormSet(self._with_versions(formset, exc.current_versions))
                formset.is_valid()
            if "team_sales_total" in errors:
                total_form.add_error("team_sales_total", errors["team_sales_total"])
            if "period" in errors:
                chooser.add_error("period", errors["period"])
            return self._render(
                chooser,
                team=team,
                period=period,
                total_form=total_form,
                formset=formset,
                service_errors=errors.get("targets", []),
            )
        messages.success(
            request,
            ngettext(
                "%(count)s target of %(team)s for %(period)s saved.",
                "%(count)s targets of %(team)s for %(period)s saved.",
                len(saved),
            )
            % {"count": len(saved), "team": team, "period": period.key},
        )
        query = urlencode({"period": period.key, "team": team.pk})
        return redirect(f"{reverse('performance:target-list')}?{query}")

    def _with_versions(self, formset, current_versions: dict):
        data = self.request.POST.copy()
        for form in formset:
            rep_id = form.cleaned_data.get("rep")
            if rep_id in current_versions:
                data[form.add_prefix("version")] = str(current_versions[rep_id])
        return data

    def _split(self, chooser, team, period, total_form, formset):
        """Fill each rep's sales target with an even share of the team total (not saved)."""
        if not total_form.is_valid() or total_form.cleaned_data["team_sales_total"] is None:
            total_form.add_error(
                "team_sales_total", _("Enter the team's sales target to split it.")
            )
            return self._render(
                chooser, team=team, period=period, total_form=total_form, formset=formset
            )
        data = self.request.POST.copy()
        count = formset.total_form_count()
        shares = split_evenly(total_form.cleaned_data["team_sales_total"], count)
        for index, share in enumerate(shares):
            data[f"form-{index}-sales_target"] = str(share)
        messages.info(self.request, _("Split evenly: review the rows, then save."))
        return self._render(
            chooser,
            team=team,
            period=period,
            total_form=TeamTotalForm(data),
            formset=TargetRowFormSet(data),
        )


# -- weight schemes ---------------------------------------------------------------------------


class SchemeListView(LoginRequiredMixin, ListView):
    """Every cycle's version in force today and the version history."""

    template_name = "performance/scheme_list.html"
    context_object_name = "schemes"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            selectors.schemes_with_items()
            .visible_to(self.request.user)
            .order_by("cycle", "-effective_from")
        )
        self.cycle = self.request.GET.get("cycle")
        if self.cycle in Cycle.values:
            queryset = queryset.filter(cycle=self.cycle)
        else:
            self.cycle = ""
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = _today()
        in_force = selectors.schemes_in_force(today)
        context.update(
            today=today,
            cycle=self.cycle,
            cycles=Cycle.choices,
            in_force=[(value, label, in_force.get(value)) for value, label in Cycle.choices],
            in_force_ids={scheme.pk for scheme in in_force.values()},
            presets=SchemePreset.choices,
            can_configure=permissions.can_configure(self.request.user),
            querystring=urlencode({"cycle": self.cycle}) if self.cycle else "",
        )
        return context


class SchemeDetailView(LoginRequiredMixin, DetailView):
    model = WeightScheme
    template_name = "performance/scheme_detail.html"
    context_object_name = "scheme"

    def get_queryset(self):
        return selectors.schemes_with_items().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scheme = self.object
        current = selectors.scheme_in_force(scheme.cycle, _today())
        context.update(
            in_force=current is not None and current.pk == scheme.pk,
            versions=selectors.scheme_versions(scheme.cycle),
            weight_total=sum((item.weight for item in scheme.items.all()), Decimal("0")),
            history=_history(self.request.user, scheme),
            can_configure=permissions.can_configure(self.request.user),
        )
        return context


class SchemeCreateView(ServiceFormView):
    """A new version of a cycle's scheme, pre-filled from the version in force, another
    version (``?from=<id>``) or a preset (``?preset=market_expansion``). HR and admins only."""

    write_rule = permissions.can_configure
    form_class = WeightSchemeForm
    template_name = "performance/scheme_form.html"
    source = None
    latest = None

    def load(self):
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        self.cycle = params.get("cycle") or Cycle.MONTHLY
        if self.cycle not in Cycle.values:
            raise Http404("Unknown cycle.")
        self.latest = selectors.scheme_versions(self.cycle).first()

    def get_initial(self):
        if self.request.method != "GET":
            return {}
        today = _today()
        kind = CYCLE_PERIOD_KIND[self.cycle]
        initial = {"effective_from": periods.period_containing(kind, today).next().start}
        preset = self.request.GET.get("preset", "")
        if preset in SchemePreset.values:
            items = preset_items(preset, self.cycle)
            initial.update(preset=preset, name=SchemePreset(preset).label)
        else:
            source_id = self.request.GET.get("from", "")
            if source_id.isdigit():
                self.source = get_object_or_404(
                    selectors.schemes_with_items(), pk=source_id, cycle=self.cycle
                )
            else:
                self.source = selectors.scheme_in_force(self.cycle, today)
            if self.source is not None:
                items = [
                    {"kpi": i.kpi, "weight": i.weight, "target": i.target, "cap": i.cap}
                    for i in self.source.items.all()
                ]
                initial.update(name=self.source.name, preset=self.source.preset)
            else:
                items = preset_items(SchemePreset.MARKET_EXPANSION, self.cycle)
        if self.latest is not None and self.latest.effective_from >= initial["effective_from"]:
            initial["effective_from"] = None
        initial.update(WeightSchemeForm.initial_from_items(items))
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cycle": self.cycle}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # builds the form: sets self.source
        context.update(
            cycle=self.cycle,
            cycle_label=Cycle(self.cycle).label,
            cycles=Cycle.choices,
            presets=SchemePreset.choices,
            source=self.source,
            latest=self.latest,
        )
        return context

    def perform_service(self, form):
        data = form.cleaned_data
        return services.weight_scheme_create(
            actor=self.request.user,
            cycle=self.cycle,
            effective_from=data["effective_from"],
            items=form.items(),
            name=data["name"],
            preset=data["preset"],
            notes=data["notes"],
        )

    def get_success_message(self, result):
        return _("Version %(version)s of the %(cycle)s scheme saved; it applies from %(date)s.") % {
            "version": result.version,
            "cycle": result.get_cycle_display().lower(),
            "date": result.effective_from.isoformat(),
        }

    def get_success_url(self, result=None):
        return reverse("performance:scheme-detail", kwargs={"pk": result.pk})


# -- period settings --------------------------------------------------------------------------


class PeriodSettingsView(FilteredListMixin, ListView):
    """Industry growth rate and challenge margin per period: everyone reads, HR/admin write."""

    model = PeriodSetting
    filterset_class = PeriodSettingFilter
    template_name = "performance/period_settings.html"
    context_object_name = "settings"

    def get_queryset(self):
        return super().get_queryset().select_related("updated_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if permissions.can_configure(self.request.user):
            context.setdefault("form", self._opened_form())
        return context

    def _opened_form(self) -> PeriodSettingForm:
        """The form on the period ``?edit=`` names (default: this quarter), with its values
        and the version they were read at (0: no setting yet)."""
        key = (self.request.GET.get("edit") or "").strip().upper()
        key = key or periods.period_containing(periods.QUARTER, _today()).key
        setting = PeriodSetting.objects.filter(period_key=key).first()
        initial = {"period": key, "challenge_margin": Decimal("5"), "version": version_of(setting)}
        if setting is not None:
            initial.update(
                industry_growth_rate=setting.industry_growth_rate,
                challenge_margin=setting.challenge_margin,
            )
        return PeriodSettingForm(initial=initial)

    def post(self, request, *args, **kwargs):
        if not permissions.can_configure(request.user):
            raise PermissionDenied
        form = PeriodSettingForm(request.POST)
        if form.is_valid():
            try:
                setting = services.period_setting_set(
                    actor=request.user,
                    **{
                        "period_key": form.cleaned_data["period"],
                        "industry_growth_rate": form.cleaned_data["industry_growth_rate"],
                        "challenge_margin": form.cleaned_data["challenge_margin"],
                        "expected_version": form.cleaned_data["version"],
                    },
                )
            except StaleVersionError as exc:
                form = _period_setting_conflict(form, exc.current)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(period)s: growth target %(target)s %%.")
                    % {"period": setting.period_key, "target": setting.growth_target},
                )
                return redirect("performance:period-settings")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _period_setting_conflict(form, current) -> PeriodSettingForm:
    """The form again after a refused stale save: the conflict message, per differing value
    theirs now and yours, and the setting's current version (saving again overwrites it)."""
    differences = []
    for name in ("industry_growth_rate", "challenge_margin"):
        theirs, yours = getattr(current, name), form.cleaned_data.get(name)
        if theirs != yours:
            differences.append(
                {
                    "label": form[name].label,
                    "theirs": "—" if theirs is None else theirs,
                    "yours": "—" if yours is None else yours,
                }
            )
    data = form.data.copy()
    data["version"] = str(current.version)
    form = PeriodSettingForm(data)
    form.is_valid()
    form.add_error(None, str(STALE_MESSAGE))
    form.version_conflict = differences
    return form


# -- PDCA notes -------------------------------------------------------------------------------


class PdcaListView(FilteredListMixin, ListView):
    model = PdcaNote
    filterset_class = PdcaNoteFilter
    template_name = "performance/pdca_list.html"
    context_object_name = "notes"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("rep", "rep__team")
            .order_by("-period_start", "rep__username")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_rep"] = permissions.keeps_pdca_notes(self.request.user)
        context["current_quarter"] = periods.period_containing(periods.QUARTER, _today()).key
        return context


class PdcaEditView(ServiceFormView):
    """A rep writes their own plan–do–check–act notes for a quarter (``?period=2026-Q4``)."""

    write_rule = permissions.keeps_pdca_notes
    form_class = PdcaNoteForm
    template_name = "performance/pdca_form.html"
    version_check = True
    note = None

    def get_versioned_object(self):
        """The rep's notes of the quarter the form is on (``None``: none yet, version 0)."""
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        key = (data.get("period") or "").strip().upper()
        key = key or periods.period_containing(periods.QUARTER, _today()).key
        return PdcaNote.objects.filter(rep=self.request.user, period_key=key).first()

    def get_initial(self):
        if self.request.method != "GET":
            return {}
        key = (
            self.request.GET.get("period")
            or periods.period_containing(periods.QUARTER, _today()).key
        )
        initial = {"period": key}
        self.note = PdcaNote.objects.filter(
            rep=self.request.user, period_key=key.strip().upper()
        ).first()
        if self.note is not None:
            initial.update(
                {field: getattr(self.note, field) for field in services.PDCA_FIELDS},
                period=self.note.period_key,
            )
        return initial

    def get_context_data(self, **kwargs):
        if self.request.method == "GET":
            kwargs.setdefault("note", self.note)
        return super().get_context_data(**kwargs)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def perform_service(self, form):
        data = form.cleaned_data
        return services.pdca_note_save(
            actor=self.request.user,
            period_key=data["period"],
            expected_version=self.expected_version,
            **{field: data[field] for field in services.PDCA_FIELDS},
        )

    def get_success_message(self, result):
        return _("PDCA notes for %(period)s saved.") % {"period": result.period_key}

    def get_success_url(self, result=None):
        return f"{reverse('performance:pdca-list')}?{urlencode({'period': result.period_key})}"
