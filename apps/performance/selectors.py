"""Reads of targets, period settings and weight schemes. Set-based: one query per call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch

from apps.accounts.models import User
from apps.core.choices import Role
from apps.performance import periods
from apps.performance.choices import CYCLE_PERIOD_KIND, Kpi
from apps.performance.models import (
    PdcaNote,
    PeriodSetting,
    Target,
    WeightScheme,
    WeightSchemeItem,
)


def _key(period) -> str:
    return period.key if isinstance(period, periods.Period) else str(period)


# -- weight schemes ---------------------------------------------------------------------------

#: The order of a scheme's items: heaviest first.
SCHEME_ITEM_ORDER = ("-weight", "kpi")


def schemes_with_items():
    """Weight schemes with their items prefetched (two queries however many schemes)."""
    return WeightScheme.objects.select_related("created_by").prefetch_related(
        Prefetch("items", queryset=WeightSchemeItem.objects.order_by(*SCHEME_ITEM_ORDER))
    )


def schemes_in_force_first(cycle: str, on_date: dt.date, *, queryset=None):
    """The versions of ``cycle`` effective by ``on_date``, the one in force on ``on_date``
    first (latest ``effective_from``, then latest version): THE rule of which scheme applies.
    A queryset (of ``queryset``, default every scheme), so a set-based read may nest its first
    row as a subquery."""
    if queryset is None:
        queryset = WeightScheme.objects.all()
    return queryset.filter(cycle=cycle, effective_from__lte=on_date).order_by(
        "-effective_from", "-version"
    )


def scheme_in_force(cycle: str, on_date: dt.date) -> WeightScheme | None:
    """The version of ``cycle`` in force on ``on_date``: the latest ``effective_from <= on_date``.

    Call it with the period's START date, so recomputing a past period uses the version that was
    in force then. Items are prefetched (``scheme.items.all()`` costs no query).
    """
    return schemes_in_force_first(cycle, on_date, queryset=schemes_with_items()).first()


def scheme_items(scheme_id):
    """The items of a weight scheme in display order (heaviest first): those
    ``schemes_with_items`` prefetches."""
    return WeightSchemeItem.objects.filter(scheme_id=scheme_id).order_by(*SCHEME_ITEM_ORDER)


def scheme_for_period(cycle: str, period: periods.Period) -> WeightScheme | None:
    """The scheme of ``cycle`` in force at the start of ``period``."""
    return scheme_in_force(cycle, period.start)


def schemes_in_force(on_date: dt.date) -> dict[str, WeightScheme]:
    """``{cycle: scheme}`` for every cycle that has a scheme in force on ``on_date``."""
    found: dict[str, WeightScheme] = {}
    for scheme in (
        schemes_with_items()
        .filter(effective_from__lte=on_date)
        .order_by("cycle", "-effective_from")
    ):
        found.setdefault(scheme.cycle, scheme)
    return found


def scheme_versions(cycle: str):
    """Every version of ``cycle``, newest first, with items."""
    return schemes_with_items().filter(cycle=cycle).order_by("-effective_from", "-version")


# -- targets ----------------------------------------------------------------------------------


def period_targets(period_key):
    """The targets of one period, a queryset (a set-based read filters it by rep, or nests
    it per rep). ``period_key``: a key or a Period."""
    return Target.objects.filter(period_key=_key(period_key))


def targets_by_rep(period_key, *, rep_ids=None) -> dict[int, Target]:
    """``{rep_id: Target}`` of one period (one query). ``period_key``: a key or a Period."""
    queryset = period_targets(period_key)
    if rep_ids is not None:
        queryset = queryset.filter(rep_id__in=rep_ids)
    return {target.rep_id: target for target in queryset}


def target_for(rep, period) -> Target | None:
    """The target of ``rep`` (a user or id) for ``period`` (a key or a Period), or ``None``."""
    rep_id = getattr(rep, "pk", rep)
    return Target.objects.filter(rep_id=rep_id, period_key=_key(period)).first()


def targets_for_user(user, *, period_key: str | None = None):
    """The targets ``user`` may see (scoped), with rep and setter joined."""
    queryset = Target.objects.visible_to(user).select_related("rep", "rep__team", "set_by")
    if period_key:
        queryset = queryset.filter(period_key=period_key)
    return queryset


def team_reps(team):
    """The active reps of ``team``, ordered by name: the rows of the team target form."""
    return User.objects.filter(team=team, role=Role.REP, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


# -- period settings --------------------------------------------------------------------------


def period_settings(period):
    """The setting of ``period`` (a key or a Period) as a queryset of at most one row."""
    return PeriodSetting.objects.filter(period_key=_key(period))


def period_setting_for(period) -> PeriodSetting | None:
    return period_settings(period).first()


def growth_targets(period_keys) -> dict[str, Decimal]:
    """``{period_key: industry growth + challenge margin}`` for the keys that have a setting."""
    return {
        setting.period_key: setting.growth_target
        for setting in PeriodSetting.objects.filter(period_key__in=[_key(k) for k in period_keys])
    }


# -- effective KPI targets --------------------------------------------------------------------


def effective_target(
    kpi: str,
    *,
    scheme_target: Decimal | None,
    rep_target: Target | None = None,
    period_setting: PeriodSetting | None = None,
) -> Decimal | None:
    """The target a KPI value is scored against (pure: no query).

    - new customers: the rep's ``new_customers_target`` when set, else the scheme's;
    - collection rate: the rep's ``collection_rate_target`` when set, else the scheme's;
    - sales growth: the period's industry growth + challenge margin when set, else the scheme's;
    - every other KPI: the scheme's (sales achievement is already a % of the rep's target, so
      its scheme target is normally 100).
    """
    if kpi == Kpi.NEW_CUSTOMERS and rep_target and rep_target.new_customers_target is not None:
        return rep_target.new_customers_target
    if kpi == Kpi.COLLECTION_RATE and rep_target and rep_target.collection_rate_target is not None:
        return rep_target.collection_rate_target
    if kpi == Kpi.SALES_GROWTH_RATE and period_setting is not None:
        return period_setting.growth_target
    return scheme_target


# -- PDCA -------------------------------------------------------------------------------------


def pdca_notes_for_user(user, *, period_key: str | None = None):
    queryset = PdcaNote.objects.visible_to(user).select_related("rep", "rep__team")
    if period_key:
        queryset = queryset.filter(period_key=period_key)
    return queryset


def cycle_period(cycle: str, day: dt.date) -> periods.Period:
    """The period of ``cycle`` that contains ``day``."""
    return periods.period_containing(CYCLE_PERIOD_KIND[cycle], day)
