"""Writes of targets, period settings, weight schemes and PDCA notes.

Every service validates everything first and writes nothing on bad input: it raises a
``ValidationError`` whose keys name the offending fields, or ``PermissionDenied`` when the actor
may not do this at all. ``actor=None`` is the system (demo data, migrations, background jobs).
Targets and weight schemes drive pay, so their changes are audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.core.scoping import sees_everything
from apps.core.services import audit_record
from apps.performance import periods
from apps.performance.calculations import DEFAULT_CAP
from apps.performance.choices import CYCLE_KPIS, Cycle, Kpi, SchemePreset
from apps.performance.models import WeightScheme, WeightSchemeItem
from apps.performance.presets import PRESETS, preset_items

WEIGHT_TOTAL = Decimal("100")
#: Effective date of the schemes created by :func:`ensure_default_schemes`.
DEFAULT_SCHEMES_EFFECTIVE_FROM = dt.date(2020, 1, 1)


# -- helpers ----------------------------------------------------------------------------------


def organisation_wide_write_check(actor, message: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` is HR or an admin (``None``: the system)."""
    if actor is None:
        return
    if not actor.is_authenticated or not actor.is_active or not sees_everything(actor):
        raise PermissionDenied(message)


def _decimal(value, *, places: int = 2) -> Decimal | None:
    """``value`` as a finite Decimal with at most ``places`` decimals, or ``None`` if it is not."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        return None
    return number


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def parse_period_key(value, field: str, errors: dict, *, kind: str | None = None):
    """The Period named by ``value``; on a bad key, an error under ``field`` and ``None``."""
    try:
        period = periods.parse_period(value or "")
    except ValueError as exc:
        errors[field] = [str(exc)]
        return None
    if kind is not None and period.kind != kind:
        errors[field] = [
            _("%(key)s is a %(actual)s; a %(expected)s is needed here (e.g. %(example)s).")
            % {
                "key": period.key,
                "actual": period.kind,
                "expected": kind,
                "example": periods.period_containing(kind, period.start).key,
            }
        ]
        return None
    return period


# -- weight schemes ---------------------------------------------------------------------------


def _clean_scheme_items(cycle: str, items, errors: dict) -> list[dict]:
    """Validated items (``kpi``, ``weight``, ``target``, ``cap``); messages under ``items`` and
    ``weights`` (the sum)."""
    problems: list[str] = []
    cleaned: list[dict] = []
    seen: set[str] = set()
    allowed = CYCLE_KPIS.get(cycle, ())
    for raw in items or []:
        kpi = raw.get("kpi")
        if kpi not in Kpi.values:
            problems.append(_("Unknown KPI %(kpi)s.") % {"kpi": kpi})
            continue
        label = Kpi(kpi).label
        if cycle in CYCLE_KPIS and kpi not in allowed:
            problems.append(
                _("%(kpi)s is not part of the %(cycle)s cycle (allowed: %(allowed)s).")
                % {
                    "kpi": label,
                    "cycle": Cycle(cycle).label.lower(),
                    "allowed": ", ".join(str(Kpi(k).label) for k in allowed),
                }
            )
            continue
        if kpi in seen:
            problems.append(_("%(kpi)s is listed twice.") % {"kpi": label})
            continue
        seen.add(kpi)
        weight = _decimal(raw.get("weight"))
        target = _decimal(raw.get("target"))
        cap_raw = raw.get("cap")
        cap = DEFAULT_CAP if cap_raw is None or cap_raw == "" else _decimal(cap_raw)
        item_ok = True
        if weight is None or weight <= 0 or weight > WEIGHT_TOTAL:
            problems.append(
                _(
                    "The weight of %(kpi)s must be a number above 0 and at most 100 "
                    "(2 decimals at most), not %(value)s."
                )
                % {"kpi": label, "value": raw.get("weight")}
            )
            item_ok = False
        if target is None or target <= 0 or target >= Decimal("1e10"):
            problems.append(
                _("The target of %(kpi)s must be a number above 0, not %(value)s.")
                % {"kpi": label, "value": raw.get("target")}
            )
            item_ok = False
        if cap is None or cap < 100 or cap >= Decimal("10000"):
            problems.append(
                _("The cap of %(kpi)s must be at least 100 (%%), not %(value)s.")
                % {"kpi": label, "value": cap_raw}
            )
            item_ok = False
        if item_ok:
            cleaned.append({"kpi": kpi, "weight": weight, "target": target, "cap": cap})
    if not items:
        problems.append(_("A scheme weighs at least one KPI."))
    if problems:
        errors["items"] = problems
        return cleaned
    total = sum((item["weight"] for item in cleaned), Decimal("0"))
    if total != WEIGHT_TOTAL:
        errors["weights"] = [
            _("The weights must sum to exactly 100; they sum to %(total)s.")
            % {"total": f"{total.normalize():f}"}
        ]
    return cleaned


@transaction.atomic
def weight_scheme_create(
    *,
    actor,
    cycle: str,
    effective_from: dt.date,
    items: list[dict],
    name: str = "",
    preset: str = "",
    notes: str = "",
) -> WeightScheme:
    """Create the next version of ``cycle``'s weight scheme (HR and admins only).

    ``items``: ``[{"kpi", "weight", "target", "cap"?}]``; the weights must sum to exactly 100,
    every KPI must belong to the cycle (:data:`CYCLE_KPIS`), weight > 0, target > 0, cap >= 100.
    The new version must take effect after the latest existing one: schemes are never edited,
    and the past keeps the version that was in force then.
    """
    organisation_wide_write_check(actor, _("Only HR and admins configure KPI weights."))
    errors: dict[str, list[str]] = {}
    if cycle not in Cycle.values:
        errors["cycle"] = [
            _("Unknown cycle %(value)s: choose monthly, quarterly or annual.") % {"value": cycle}
        ]
    if preset not in ("", *SchemePreset.values):
        errors["preset"] = [_("Unknown preset %(value)s.") % {"value": preset}]
    if not isinstance(effective_from, dt.date) or isinstance(effective_from, dt.datetime):
        errors["effective_from"] = [_("Enter the date from which the scheme applies.")]
    name = (name or "").strip()
    if len(name) > 120:
        errors["name"] = [_("A name has at most 120 characters.")]
    cleaned = _clean_scheme_items(cycle, items, errors)
    latest = None
    if "cycle" not in errors:
        latest = (
            WeightScheme.objects.select_for_update()
            .filter(cycle=cycle)
            .order_by("-effective_from")
            .first()
        )
        if latest and "effective_from" not in errors and effective_from <= latest.effective_from:
            errors["effective_from"] = [
                _(
                    "A new version must take effect after the current latest version "
                    "(v%(version)s, effective %(date)s); earlier versions are never changed."
                )
                % {"version": latest.version, "date": latest.effective_from.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)

    version = (
        WeightScheme.objects.filter(cycle=cycle).aggregate(top=Max("version"))["top"] or 0
    ) + 1
    if not name:
        name = str(SchemePreset(preset).label) if preset else Cycle(cycle).label
    try:
        with transaction.atomic():
            scheme = WeightScheme.objects.create(
                name=name,
                cycle=cycle,
                version=version,
                effective_from=effective_from,
                preset=preset,
                notes=notes or "",
                created_by=actor if actor is not None else None,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"effective_from": [_("Another version was saved at the same time; try again.")]}
        ) from exc
    WeightSchemeItem.objects.bulk_create(
        WeightSchemeItem(scheme=scheme, **item) for item in cleaned
    )
    audit_record(
        actor=actor,
        action="weight_scheme.create",
        target=scheme,
        changes={
            "cycle": cycle,
            "version": version,
            "effective_from": effective_from.isoformat(),
            "preset": preset,
            "items": [{k: _jsonable(v) for k, v in item.items()} for item in cleaned],
        },
    )
    return scheme


def weight_scheme_create_from_preset(
    *,
    actor,
    cycle: str,
    preset: str,
    effective_from: dt.date,
    name: str = "",
    notes: str = "",
) -> WeightScheme:
    """A new version of ``cycle`` with the default items of ``preset`` (see ``presets.py``)."""
    if preset not in SchemePreset.values or cycle not in Cycle.values:
        organisation_wide_write_check(actor, _("Only HR and admins configure KPI weights."))
        raise ValidationError({"preset": [_("Unknown preset %(value)s.") % {"value": preset}]})
    return weight_scheme_create(
        actor=actor,
        cycle=cycle,
        effective_from=effective_from,
        items=preset_items(preset, cycle),
        name=name,
        preset=preset,
        notes=notes,
    )


def ensure_default_schemes() -> list[WeightScheme]:
    """Create the v1 "market expansion" scheme of every cycle that has none (idempotent).

    Effective from 2020-01-01, so every period of the demo and of the tests is covered. Returns
    the schemes it created.
    """
    created = []
    existing = set(WeightScheme.objects.values_list("cycle", flat=True).distinct())
    for cycle in Cycle.values:
        if cycle in existing or (SchemePreset.MARKET_EXPANSION, cycle) not in PRESETS:
            continue
        created.append(
            weight_scheme_create_from_preset(
                actor=None,
                cycle=cycle,
                preset=SchemePreset.MARKET_EXPANSION,
                effective_from=DEFAULT_SCHEMES_EFFECTIVE_FROM,
                notes=_("Default scheme created by the system."),
            )
        )
    return created
