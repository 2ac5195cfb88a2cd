"""The role dashboards (SPEC §2.5): a rep's month, a manager's team, HR's company overview.

Every figure is read through :mod:`apps.dashboards.selectors` (scoped with ``visible_to``, a
fixed number of queries) and shaped by the pure :mod:`apps.dashboards.calculations`; charts
are server-rendered SVG specs from :mod:`apps.dashboards.charts`.

- ``dashboards:my`` / ``dashboards:rep``: a person's dashboard (the signed-in person's own, or
  anyone they may see — out of scope is a 404);
- ``dashboards:team``: a manager's teams (HR and admin may choose any team; a rep gets 403);
- ``dashboards:company``: HR and admin only (403 otherwise).

All take ``?period=YYYY-MM`` (default: the current month; a bad value is reported and the
current month shown).
"""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.formatting import format_number
from apps.core.mixins import ServiceFormView
from apps.core.permissions import is_manager
from apps.core.scoping import sees_everything
from apps.dashboards import calculations, charts, selectors, whatif
from apps.dashboards.forms import KPI_PREFIXES, WeightsWhatIfForm, next_period_start
from apps.dashboards.panels import CompanyOverview, company_panels
from apps.leads.choices import Grade, LeadSource
from apps.opportunities.choices import OPEN_STAGES, Stage
from apps.performance.calculations import DEFAULT_CAP
from apps.performance.choices import CYCLE_PERIOD_KIND, KPI_UNITS, Cycle, Kpi
from apps.performance.periods import (
    MONTH,
    QUARTER,
    Period,
    add_months,
    parse_period,
    period_containing,
)
from apps.performance.permissions import can_configure
from apps.performance.selectors import scheme_for_period, schemes_with_items
from apps.performance.services import clean_scheme_items, weight_scheme_create
from apps.performance.templatetags.kpi_format import format_kpi_value

KPI_ORDER = [kpi.value for kpi in Kpi]
KPI_LABELS = dict(Kpi.choices)
TOP = 10


def url_with(name: str, *args, **params) -> str:
    """``reverse(name, args)`` with the query string of the non-empty ``params``."""
    url = reverse(name, args=args)
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{url}?{query}" if query else url


def kpi_sources_url(card, kpi: str) -> str:
    """Where the records behind a KPI figure are listed: the scorecard's sources page
    (``scorecards:scorecard-sources?kpi=…``) when it exists, else the scorecard itself."""
    try:
        return url_with("scorecards:scorecard-sources", card.pk, kpi=kpi)
    except NoReverseMatch:
        return reverse("scorecards:scorecard-detail", args=[card.pk])


class DashboardView(LoginRequiredMixin, TemplateView):
    """The month (``?period=YYYY-MM``) shared by every dashboard."""

    def get_period(self):
        current = selectors.current_month()
        raw = self.request.GET.get("period", "").strip()
        if not raw:
            return current
        try:
            period = parse_period(raw)
        except ValueError as error:
            messages.error(self.request, str(error))
            return current
        if period.kind != MONTH:
            messages.error(
                self.request,
                _("Choose a month, written like %(example)s; showing %(current)s instead.")
                % {"example": current.key, "current": current.key},
            )
            return current
        return period

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.period = self.get_period()
        context.update(
            period=period,
            period_month=period.start,
            is_current_month=period == selectors.current_month(),
            previous_period=period.previous().key,
            next_period=period.next().key,
        )
        return context


# --- A person's dashboard ------------------------------------------------------------------


class RepDashboardView(DashboardView):
    """A seller's month: KPIs against target, 12-month trend, pipeline, lead funnel, what to do
    today. ``/dashboard/`` is the signed-in person's own; ``/dashboard/rep/<id>/`` anyone the
    reader may see (a 404 otherwise)."""

    template_name = "dashboards/rep.html"

    def get_rep(self):
        rep_id = self.kwargs.get("rep_id")
        if rep_id is None:
            return self.request.user
        return get_object_or_404(User.objects.visible_to(self.request.user), pk=rep_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, period = self.request.user, self.period
        rep = self.get_rep()
        today = timezone.localdate()
        history = selectors.rep_history(rep=rep, period=period)
        card = history[-1]["card"]
        context.update(
            rep=rep,
            is_own=rep.pk == user.pk,
            card=card,
            measured=rep.role in (Role.REP, Role.MANAGER),
            can_see_team=is_manager(user) or sees_everything(user),
        )
        context.update(self.kpi_context(card))
        context.update(self.trend_context(history))
        context.update(self.pipeline_context(user, rep, today))
        context.update(self.funnel_context(user, rep, period))
        if rep.pk == user.pk:  # reminders are personal: only on one's own dashboard
            context["reminders"] = selectors.open_reminders(user=user, today=today, limit=TOP)
        context["a_leads"] = selectors.a_leads_to_call(user=user, rep=rep, limit=TOP)
        context["a_leads_url"] = url_with("leads:lead-list", owner=rep.pk, grade=Grade.A)
        return context

    def kpi_context(self, card) -> dict:
        if card is None:
            return {"kpis": [], "sales_gap": None}
        figures = calculations.kpi_figures(card.kpi_scores or {}, KPI_ORDER)
        kpis = [
            {
                "kpi": figure.kpi,
                "label": KPI_LABELS.get(figure.kpi, figure.kpi),
                "unit": KPI_UNITS.get(figure.kpi, "number"),
                "value": figure.value,
                "target": figure.target,
                "score": figure.score,
                "weight": figure.weight,
                "url": kpi_sources_url(card, figure.kpi),
            }
            for figure in figures
        ]
        return {
            "kpis": kpis,
            "sales_gap": calculations.gap_to_target(card.sales, card.sales_target),
            "sales_url": kpi_sources_url(card, Kpi.SALES_ACHIEVEMENT_RATE),
        }

    def trend_context(self, history) -> dict:
        labels = [row["period"] for row in history]
        cards = [row["card"] for row in history]
        if not any(cards):
            return {"score_chart": None, "sales_chart": None}
        score_chart = charts.line(
            _("Score, last 12 months"),
            labels=labels,
            series=[
                (_("Score"), [calculations.as_decimal(c and c.score) for c in cards]),
                (
                    _("Team average"),
                    [calculations.as_decimal(row["team"].get("score")) for row in history],
                ),
            ],
            unit="score",
        )
        sales_chart = charts.line(
            _("Sales against target, last 12 months"),
            labels=labels,
            series=[
                (_("Sales"), [c.sales if c else None for c in cards]),
                (_("Sales target"), [c.sales_target if c else None for c in cards]),
            ],
            unit="money",
        )
        return {"score_chart": score_chart, "sales_chart": sales_chart}

    def pipeline_context(self, user, rep, today) -> dict:
        rows = {
            row["stage"]: row
            for row in selectors.pipeline_by_stage(user=user, rep=rep, today=today)
        }
        labels = dict(Stage.choices)
        stages = []
        for stage in OPEN_STAGES:
            row = rows.get(stage, {})
            stages.append(
                {
                    "stage": stage,
                    "label": labels[stage],
                    "count": row.get("count", 0),
                    "value": row.get("value"),
                    "overdue_count": row.get("overdue_count", 0),
                    "overdue_value": row.get("overdue_value"),
                    "url": url_with("opportunities:opportunity-list", owner=rep.pk, stage=stage),
                }
            )
        open_count = sum(stage["count"] for stage in stages)
        overdue_count = sum(stage["overdue_count"] for stage in stages)
        chart = None
        if open_count:
            chart = charts.bar(
                _("Open pipeline by stage"),
                items=[(s["label"], s["value"], s["url"]) for s in stages],
                unit="money",
            )
        return {
            "pipeline": stages,
            "pipeline_chart": chart,
            "pipeline_count": open_count,
            "pipeline_value": calculations.total(s["value"] for s in stages),
            "overdue_count": overdue_count,
            "overdue_value": calculations.total(s["overdue_value"] for s in stages),
            "pipeline_url": url_with("opportunities:opportunity-list", owner=rep.pk),
        }

    def funnel_context(self, user, rep, period) -> dict:
        until = add_months(period.start, 1)
        since = add_months(period.start, -11)
        rows = selectors.lead_funnel_rows(user=user, rep=rep, since=since, until=until)
        grade_labels, source_labels = dict(Grade.choices), dict(LeadSource.choices)
        by_grade = calculations.conversions(rows, "grade", [g.value for g in Grade])
        by_source = calculations.conversions(rows, "source", [s.value for s in LeadSource])
        leads = sum(item.leads for item in by_grade)
        converted = sum(item.converted for item in by_grade)
        for item in by_grade:
            item.label = grade_labels.get(item.key, item.key)
            item.url = url_with("leads:lead-list", owner=rep.pk, grade=item.key)
        for item in by_source:
            item.label = source_labels.get(item.key, item.key)
            item.url = url_with("leads:lead-list", owner=rep.pk, source=item.key)
        context = {
            "funnel_since": since,
            "funnel_leads": leads,
            "funnel_converted": converted,
            "funnel_rate": calculations.rate(converted, leads),
            "by_grade": by_grade,
            "by_source": [item for item in by_source if item.leads],
            "funnel_chart": None,
            "grade_chart": None,
            "source_chart": None,
        }
        if leads:
            context["funnel_chart"] = charts.funnel(
                _("Leads converted, last 12 months"),
                stages=[(_("Leads"), leads), (_("Converted"), converted)],
            )
            context["grade_chart"] = charts.bar(
                _("Conversion by lead grade"),
                items=[(item.label, item.rate, item.url) for item in by_grade],
                unit="percent",
            )
            context["source_chart"] = charts.bar(
                _("Conversion by source"),
                items=[(item.label, item.rate, item.url) for item in context["by_source"]],
                unit="percent",
            )
        return context


# --- A team --------------------------------------------------------------------------------

FLAG_LABELS = {
    calculations.STALE: lambda: _("Figures changed since the scorecard was computed"),
    calculations.NO_SCORECARD: lambda: _("No scorecard for this month"),
    calculations.NO_ACTIVITY: lambda: _("No activity logged in the last 14 days"),
}


class TeamDashboardView(DashboardView):
    """A team's month: people ranked by score, each KPI's spread, a person × KPI heatmap,
    team totals, and who has stale or missing data. A manager sees the teams they manage, HR
    and admin any team (``?team=<id>``); a rep is refused (403)."""

    template_name = "dashboards/team.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (is_manager(user) or sees_everything(user)):
            raise PermissionDenied(_("Only managers, HR and admins see team dashboards."))
        return super().dispatch(request, *args, **kwargs)

    def get_team(self, teams):
        raw = self.request.GET.get("team", "").strip()
        if not raw:
            return teams[0] if teams else None
        try:
            team_id = int(raw)
        except ValueError:
            messages.error(self.request, _("Choose a team from the list."))
            return teams[0] if teams else None
        for team in teams:
            if team.pk == team_id:
                return team
        raise Http404(_("No team of yours has this id."))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, period = self.request.user, self.period
        teams = list(selectors.managed_or_visible_teams(user))
        team = self.get_team(teams)
        context.update(teams=teams, team=team, rows=[], team_query=team.pk if team else "")
        if team is None:
            return context
        people = selectors.team_people(user=user, team=team, period_key=period.key)
        cards = selectors.team_cards(
            user=user, rep_ids=[p.pk for p in people], period_key=period.key
        )
        now = timezone.now()
        rows = []
        for person in people:
            card = cards.get(person.pk)
            flags = calculations.data_flags(
                has_scorecard=card is not None,
                stale=bool(card and card.stale),
                last_activity=person.last_activity,
                now=now,
            )
            rows.append(
                {
                    "person": person,
                    "card": card,
                    "score": card.score if card else None,
                    "flags": [FLAG_LABELS[flag]() for flag in flags],
                    "url": url_with("dashboards:rep", person.pk, period=period.key),
                }
            )
        ranked = calculations.ranked(rows, key=lambda row: row["score"])
        for rank, row in ranked:
            row["rank"] = rank
        rows = [row for _rank, row in ranked]
        kpis = [
            kpi
            for kpi in KPI_ORDER
            if any(kpi in (row["card"].kpi_scores or {}) for row in rows if row["card"])
        ]
        context.update(
            rows=rows,
            kpi_labels=[KPI_LABELS[kpi] for kpi in kpis],
            flagged=[row for row in rows if row["flags"]],
            totals=calculations.totals(row["card"] for row in rows if row["card"]),
            has_cards=bool(cards),
            review_progress=selectors.team_review_progress(
                user=user, rep_ids=[p.pk for p in people]
            ),
            pips=selectors.team_pip_progress(
                user=user, rep_ids=[p.pk for p in people], today=timezone.localdate()
            ),
        )
        if cards:
            context.update(self.chart_context(rows, kpis))
        return context

    def chart_context(self, rows, kpis) -> dict:
        scored = [row for row in rows if row["card"]]
        ranking_chart = charts.bar(
            _("Score by person"),
            items=[(str(row["person"]), row["score"], row["url"]) for row in scored],
            unit="score",
        )
        histograms = [
            charts.histogram(
                _("Score spread: %(kpi)s") % {"kpi": KPI_LABELS[kpi]},
                values=[calculations.kpi_score(row["card"].kpi_scores, kpi) for row in scored],
                bins=charts.SCORE_BINS,
                unit="score",
            )
            for kpi in kpis
        ]
        heatmap = charts.heatmap(
            _("Scores by person and KPI"),
            rows=[(str(row["person"]), row["url"]) for row in scored],
            columns=[KPI_LABELS[kpi] for kpi in kpis],
            cells=[
                [calculations.kpi_score(row["card"].kpi_scores, kpi) for kpi in kpis]
                for row in scored
            ],
        )
        return {"ranking_chart": ranking_chart, "histograms": histograms, "heatmap": heatmap}


# --- The company ---------------------------------------------------------------------------


class CompanyDashboardView(DashboardView):
    """HR's and admins' overview of the month: a list of panels (:mod:`apps.dashboards.panels`;
    the built-in ones are in :mod:`apps.dashboards.company`). Anyone else is refused (403)."""

    template_name = "dashboards/company.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not sees_everything(request.user):
            raise PermissionDenied(_("Only HR and admins see the company overview."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, period = self.request.user, self.period
        overview = CompanyOverview(
            user=user,
            period=period,
            cards=selectors.company_cards(user=user, period_key=period.key),
            query=urlencode({"period": period.key}),
        )
        context["overview"] = overview
        context["panels"] = company_panels(overview)
        return context


# --- The quarterly review meeting ----------------------------------------------------------

#: Product default (SPEC §2.7): a KPI no longer separates people when the spread of the team's
#: scores (highest minus lowest) is below this many points, or when everyone is at the cap.
SEPARATION_MIN_SPREAD = Decimal("10")
#: Fewer scored people than this tell nothing about separation: no flag then.
SEPARATION_MIN_PEOPLE = 2


def spread_summary(values) -> dict:
    """min / median / max / spread (max − min) of the known ``values`` (``None`` ignored)."""
    known = sorted(v for v in (calculations.as_decimal(x) for x in values) if v is not None)
    if not known:
        return {"count": 0, "min": None, "median": None, "max": None, "spread": None}
    return {
        "count": len(known),
        "min": known[0],
        "median": Decimal(statistics.median(known)).quantize(Decimal("0.01")),
        "max": known[-1],
        "spread": known[-1] - known[0],
    }


def separation_flag(scores, cap) -> str:
    """``""`` when the scores still separate people, else why not: ``"at_cap"`` (everyone at
    the cap) or ``"narrow"`` (spread of scores below :data:`SEPARATION_MIN_SPREAD`)."""
    known = [v for v in (calculations.as_decimal(x) for x in scores) if v is not None]
    if len(known) < SEPARATION_MIN_PEOPLE:
        return ""
    cap = calculations.as_decimal(cap)
    if cap is not None and all(v >= cap for v in known):
        return "at_cap"
    if max(known) - min(known) < SEPARATION_MIN_SPREAD:
        return "narrow"
    return ""


class ReviewMeetingView(LoginRequiredMixin, TemplateView):
    """SPEC §2.7, the quarterly review meeting: each KPI of the quarter's weight scheme side
    by side, its distribution across the team (from the stored quarter scorecards), flagged
    when it no longer separates people. Managers for their teams, HR and admin any team
    (``?team=<id>&quarter=YYYY-Qn``, default the last complete quarter); a rep gets 403."""

    template_name = "dashboards/review_meeting.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (is_manager(user) or sees_everything(user)):
            raise PermissionDenied(_("Only managers, HR and admins see the review meeting view."))
        return super().dispatch(request, *args, **kwargs)

    get_team = TeamDashboardView.get_team

    def get_quarter(self):
        default = period_containing(QUARTER, timezone.localdate()).previous()
        raw = self.request.GET.get("quarter", "").strip()
        if not raw:
            return default
        try:
            period = parse_period(raw)
        except ValueError as error:
            messages.error(self.request, str(error))
            return default
        if period.kind != QUARTER:
            messages.error(
                self.request,
                _("Choose a quarter, written like %(example)s; showing %(current)s instead.")
                % {"example": default.key, "current": default.key},
            )
            return default
        return period

    def get_scheme(self, cards, quarter):
        used = Counter(card.weight_scheme_id for card in cards if card.weight_scheme_id)
        if used:
            scheme_id = used.most_common(1)[0][0]
            return schemes_with_items().filter(pk=scheme_id).first()
        return scheme_for_period(Cycle.QUARTERLY, quarter)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        quarter = self.get_quarter()
        teams = list(selectors.managed_or_visible_teams(user))
        team = self.get_team(teams)
        context.update(
            quarter=quarter,
            previous_quarter=quarter.previous().key,
            next_quarter=quarter.next().key,
            teams=teams,
            team=team,
            kpis=[],
            scheme=None,
            min_spread=SEPARATION_MIN_SPREAD,
        )
        if team is None:
            return context
        cards = selectors.quarter_team_cards(user=user, team=team, period_key=quarter.key)
        scheme = self.get_scheme(cards, quarter)
        items = list(scheme.items.all()) if scheme else []
        if items:
            kpi_items = [(item.kpi, item) for item in items]
        else:
            kpi_items = [
                (kpi, None)
                for kpi in KPI_ORDER
                if any(kpi in (card.kpi_scores or {}) for card in cards)
            ]
        context.update(
            cards=cards,
            scheme=scheme,
            scheme_items=items,
            kpis=[self.kpi_column(kpi, item, cards) for kpi, item in kpi_items],
        )
        return context

    def kpi_column(self, kpi, item, cards) -> dict:
        entries = [(card.kpi_scores or {}).get(kpi) or {} for card in cards]
        values = [entry.get("value") for entry in entries]
        scores = [entry.get("score") for entry in entries]
        cap = item.cap if item else DEFAULT_CAP
        value_stats = spread_summary(values)
        score_stats = spread_summary(scores)
        flag = separation_flag(scores, cap)
        label = KPI_LABELS.get(kpi, kpi)
        return {
            "kpi": kpi,
            "label": label,
            "item": item,
            "cap": cap,
            "flag": flag,
            "values": {k: format_kpi_value(v, kpi) for k, v in value_stats.items() if k != "count"},
            "scores": {k: format_number(v, 1) for k, v in score_stats.items() if k != "count"},
            "scored": score_stats["count"],
            "histogram": charts.histogram(
                _("Score spread: %(kpi)s") % {"kpi": label},
                values=scores,
                bins=charts.SCORE_BINS,
                unit="score",
            ),
        }


# --- The weights what-if -------------------------------------------------------------------

#: The ids of the publish form's fields (the draft form on the same page has the plain ones).
PUBLISH_AUTO_ID = "id_publish_%s"


class WeightsWhatIfView(ServiceFormView):
    """SPEC §2.4/§2.7, keeping the model honest: a draft weight scheme of a cycle (pre-filled
    with the version in force in the period) tried on a past period's stored scorecards
    (``?cycle=monthly&period=2026-10&compare=1&weight_<kpi>=…``, a read: GET), showing how
    each rep's score and grade would move; then "Publish as a new version" (POST) creates the
    next scheme version through :func:`apps.performance.services.weight_scheme_create`, which
    validates and audits it. HR and admins only (403 otherwise)."""

    template_name = "dashboards/whatif.html"
    form_class = WeightsWhatIfForm
    write_rule = can_configure
    #: The scheme in force in the period the blank form is pre-filled from.
    scheme = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_configure(request.user):
            raise PermissionDenied(_("Only HR and admins try out and publish KPI weights."))
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        params = self.request.POST if self.request.method == "POST" else self.request.GET
        self.cycle = params.get("cycle") or Cycle.MONTHLY
        if self.cycle not in Cycle.values:
            raise Http404(_("Unknown cycle."))
        self.today = timezone.localdate()
        self.publishing = self.request.method == "POST"
        self.comparing = not self.publishing and "compare" in self.request.GET

    # --- the forms ------------------------------------------------------------------------

    def requested_period(self):
        """The period a GET names (``?period=``) when it is a past period of the cycle, else the
        last complete one."""
        last = whatif.last_complete_period(self.cycle, self.today)
        try:
            period = parse_period(self.request.GET.get("period", "").strip())
        except ValueError:
            return last
        kind = CYCLE_PERIOD_KIND[self.cycle]
        if period.kind != kind or period.last_day >= self.today:
            return last
        return period

    def get_initial(self):
        if self.publishing or self.comparing:
            return {}
        period = self.requested_period()
        self.scheme, items = whatif.scheme_in_force_items(self.cycle, period)
        initial = {"period": period.key}
        initial.update(
            WeightsWhatIfForm.initial_from_items(
                [
                    {"kpi": i.kpi, "weight": i.weight, "target": i.target, "cap": i.cap}
                    for i in items
                ]
            )
        )
        return initial

    def get_form_kwargs(self):
        kwargs = {
            "initial": self.get_initial(),
            "cycle": self.cycle,
            "today": self.today,
            "publishing": self.publishing,
        }
        if self.publishing:
            kwargs.update(data=self.request.POST, auto_id=PUBLISH_AUTO_ID)
        elif self.comparing:
            kwargs["data"] = self.request.GET
        return kwargs

    # --- the comparison -------------------------------------------------------------------

    def draft(self, form):
        """``(period, items)`` of a bound form whose draft is valid, else ``None``; the scheme
        rules (weights summing to 100, targets, caps) are those of the scheme create service,
        and their messages go on the form."""
        if not form.is_bound:
            return None
        form.is_valid()
        draft_fields = ["period", *(n for n in form.fields if n.split("_", 1)[0] in KPI_PREFIXES)]
        if any(name in form.errors for name in draft_fields):
            return None
        errors: dict = {}
        items = clean_scheme_items(self.cycle, form.items(), errors)
        if errors:
            shown = {str(message) for message in form.non_field_errors()}
            for messages_ in errors.values():
                fresh = [message for message in messages_ if str(message) not in shown]
                if fresh:
                    form.add_error(None, fresh)
            return None
        return form.cleaned_data["period"], items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        draft = self.draft(form)
        context.update(
            cycle=self.cycle,
            cycle_label=Cycle(self.cycle).label,
            cycles=Cycle.choices,
            comparing=form.is_bound,
            scheme_in_force=self.scheme,
            draft_form=form,
            publish_form=None,
            result=None,
            chart=None,
        )
        if self.publishing:
            # The editable draft rows show what was posted; the publish form is ``form``.
            context["draft_form"] = WeightsWhatIfForm(
                self.request.POST, cycle=self.cycle, today=self.today
            )
            context["publish_form"] = form
        if draft is None:
            period = form.cleaned_data.get("period") if form.is_bound else None
            context["period"] = period if isinstance(period, Period) else self.requested_period()
            return context
        period, items = draft
        result = whatif.whatif_for_period(
            user=self.request.user, cycle=self.cycle, period=period, draft=items
        )
        context.update(period=period, result=result, chart=self.delta_chart(result))
        if not self.publishing:
            context["publish_form"] = WeightsWhatIfForm(
                cycle=self.cycle,
                today=self.today,
                publishing=True,
                auto_id=PUBLISH_AUTO_ID,
                initial={
                    **{name: form.cleaned_data.get(name) for name in form.fields},
                    "period": period.key,
                    "effective_from": next_period_start(self.cycle, self.today),
                    "notes": _("Weights revisited with the what-if on %(period)s.")
                    % {"period": period.key},
                },
            )
        return context

    def delta_chart(self, result):
        rows = [row for row in result.rows if row.delta is not None]
        if not rows:
            return None
        return charts.bar(
            _("Score change by rep"),
            items=[
                (
                    str(row.rep),
                    row.delta,
                    reverse("scorecards:scorecard-detail", args=[row.card_id]),
                )
                for row in rows
            ],
            unit="score",
            label_header=_("Rep"),
            value_header=_("Score change"),
        )

    # --- publishing -----------------------------------------------------------------------

    def perform_service(self, form):
        data = form.cleaned_data
        return weight_scheme_create(
            actor=self.request.user,
            cycle=self.cycle,
            effective_from=data["effective_from"],
            items=form.items(),
            name=data["name"],
            notes=data["notes"],
        )

    def get_success_message(self, result):
        return _(
            "Version %(version)s of the %(cycle)s scheme published; it applies from %(date)s."
        ) % {
            "version": result.version,
            "cycle": result.get_cycle_display().lower(),
            "date": result.effective_from.isoformat(),
        }

    def get_success_url(self, result=None):
        return reverse("performance:scheme-detail", kwargs={"pk": result.pk})
