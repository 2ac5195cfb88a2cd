"""Writes of targets, period settings, weight schemes and PDCA notes.

Every service validates everything first and writes nothing on bad input: it raises a
``ValidationError`` whose keys name the offending fields, or ``PermissionDenied`` when the actor
may not do this at all. ``actor=None`` is the system (demo data, migrations, background jobs).
Targets and weight schemes drive pay, so their changes are audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.dates import check_business_date
from apps.core.kpi_facts import kpi_periods_changed
from apps.core.permissions import require
from apps.core.services import audit_record, audit_value
from apps.core.versions import (
    STALE_MESSAGE,
    StaleRowsError,
    StaleVersionError,
    check_version,
    version_of,
)
from apps.performance import periods, permissions
from apps.performance.calculations import DEFAULT_CAP, money
from apps.performance.choices import CYCLE_KPIS, CYCLE_PERIOD_KIND, Cycle, Kpi, SchemePreset
from apps.performance.models import (
    SYSTEM_SCHEME_NOTE,
    PdcaNote,
    PeriodSetting,
    Target,
    WeightScheme,
    WeightSchemeItem,
)
from apps.performance.presets import PRESETS, preset_items

WEIGHT_TOTAL = Decimal("100")
#: Effective date of the schemes created by :func:`ensure_default_schemes`.
DEFAULT_SCHEMES_EFFECTIVE_FROM = dt.date(2020, 1, 1)


# -- helpers ----------------------------------------------------------------------------------


def _enforce(rule, actor, message) -> None:
    """Raise ``PermissionDenied(message)`` unless ``rule(actor)``; ``actor=None`` (the system)
    may do anything."""
    if actor is not None:
        require(rule(actor), message)


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


def _as_id(value) -> int | None:
    """The primary key of a model instance, an int or a digit string; else ``None``."""
    value = getattr(value, "pk", value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


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


def clean_scheme_items(cycle: str, items, errors: dict) -> list[dict]:
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
    _enforce(permissions.can_configure, actor, _("Only HR and admins configure KPI weights."))
    errors: dict[str, list[str]] = {}
    if cycle not in Cycle.values:
        errors["cycle"] = [
            _("Unknown cycle %(value)s: choose monthly, quarterly or annual.") % {"value": cycle}
        ]
    if preset not in ("", *SchemePreset.values):
        errors["preset"] = [_("Unknown preset %(value)s.") % {"value": preset}]
    if not isinstance(effective_from, dt.date) or isinstance(effective_from, dt.datetime):
        errors["effective_from"] = [_("Enter the date from which the scheme applies.")]
    else:
        check_business_date(
            effective_from, field="effective_from", label=_("The effective date"), errors=errors
        )
    name = (name or "").strip()
    if len(name) > 120:
        errors["name"] = [_("A name has at most 120 characters.")]
    cleaned = clean_scheme_items(cycle, items, errors)
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
    # The scheme in force at a period's start scores it: every period of the cycle starting on
    # or after ``effective_from`` is now scored by this version (a new version always takes
    # effect after the latest one, so no earlier period changes).
    kpi_periods_changed(period_kind=CYCLE_PERIOD_KIND[cycle], starting_on=effective_from)
    audit_record(
        actor=actor,
        action="weight_scheme.create",
        target=scheme,
        changes={
            "cycle": cycle,
            "version": version,
            "effective_from": effective_from.isoformat(),
            "preset": preset,
            "items": [{k: audit_value(v) for k, v in item.items()} for item in cleaned],
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
        _enforce(permissions.can_configure, actor, _("Only HR and admins configure KPI weights."))
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
                notes=str(SYSTEM_SCHEME_NOTE),
            )
        )
    return created


# -- targets ----------------------------------------------------------------------------------

#: The target fields a manager sets, with their limits (lowest allowed, above 0?, highest).
TARGET_FIELDS = (
    "sales_target",
    "new_customer_sales_target",
    "repeat_sales_target",
    "new_customers_target",
    "collection_rate_target",
)
_MONEY_LIMIT = Decimal("1e12")
_COUNT_LIMIT = Decimal("1e6")


def _target_field_labels() -> dict[str, str]:
    return {field: str(Target._meta.get_field(field).verbose_name) for field in TARGET_FIELDS}


def _clean_target_values(values: dict, prefix: str, errors: dict) -> dict:
    """The five target values as Decimals (or ``None``); messages under ``prefix + field``."""
    labels = _target_field_labels()
    cleaned = {}
    for field in TARGET_FIELDS:
        raw = values.get(field)
        if raw is None or raw == "":
            cleaned[field] = None
            continue
        number = _decimal(raw)
        key = f"{prefix}{field}"
        if number is None:
            errors.setdefault(key, []).append(
                _("%(field)s: enter a number with at most 2 decimals, not %(value)s.")
                % {"field": labels[field], "value": raw}
            )
        elif number < 0:
            errors.setdefault(key, []).append(
                _("%(field)s must not be negative.") % {"field": labels[field]}
            )
        elif field == "collection_rate_target" and not 0 < number <= 100:
            errors.setdefault(key, []).append(
                _("%(field)s is a percentage above 0 and at most 100.") % {"field": labels[field]}
            )
        elif number >= (_COUNT_LIMIT if field == "new_customers_target" else _MONEY_LIMIT):
            errors.setdefault(key, []).append(
                _("%(field)s is too large.") % {"field": labels[field]}
            )
        cleaned[field] = number
    split = (cleaned["new_customer_sales_target"], cleaned["repeat_sales_target"])
    if (
        cleaned["sales_target"] is not None
        and None not in split
        and sum(split) != (cleaned["sales_target"])
    ):
        errors.setdefault(f"{prefix}sales_target", []).append(
            _(
                "New-customer sales (%(new)s) and repeat sales (%(repeat)s) must add up to the "
                "sales target (%(total)s)."
            )
            % {
                "new": money(split[0]),
                "repeat": money(split[1]),
                "total": money(cleaned["sales_target"]),
            }
        )
    return cleaned


def _write_target(
    *, actor, rep, period, values: dict, existing: Target | None
) -> tuple[Target | None, bool]:
    """Insert or update one target and audit the change. Returns the target (``None`` when
    there is none and nothing to create) and whether anything was written."""
    setter = actor if actor is not None and actor.is_authenticated else None
    if existing is None:
        if all(value is None for value in values.values()):
            return None, False
        target = Target.objects.create(
            rep=rep,
            period_key=period.key,
            period_kind=period.kind,
            period_start=period.start,
            set_by=setter,
            **values,
        )
        changes = {field: [None, audit_value(value)] for field, value in values.items()}
        action = "target.create"
    else:
        changes = {
            field: [audit_value(getattr(existing, field)), audit_value(value)]
            for field, value in values.items()
            if getattr(existing, field) != value
        }
        if not changes:
            return existing, False
        for field, value in values.items():
            setattr(existing, field, value)
        existing.set_by = setter
        existing.save(update_fields=[*values, "set_by", "updated_at"])
        target = existing
        action = "target.update"
    audit_record(
        actor=actor,
        action=action,
        target=target,
        subject_user=rep,
        changes={"period": period.key, **changes},
    )
    return target, True


@transaction.atomic
def target_set(
    *,
    actor,
    rep,
    period_key: str,
    must_be_new: bool = False,
    expected_version=None,
    **values,
) -> Target:
    """Create or update ``rep``'s target for one period (a manager for their team members,
    HR and admins for anyone). ``values``: any of :data:`TARGET_FIELDS`; a field left out keeps
    its current value. With ``must_be_new`` an existing target is refused (API create); with
    ``expected_version`` a target changed since that version is refused (nothing written)."""
    _enforce(permissions.can_write_targets, actor, _("Only managers, HR and admins set targets."))
    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown target fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    period = parse_period_key(period_key, "period", errors)
    if rep is None or getattr(rep, "role", None) != Role.REP:
        errors["rep"] = [_("Targets are set for sales reps.")]
    elif not permissions.may_set_targets_for(actor, rep):
        errors["rep"] = [_("You may set targets only for the members of the teams you manage.")]
    existing = None
    if period is not None and "rep" not in errors:
        existing = Target.objects.select_for_update().filter(rep=rep, period_key=period.key).first()
        check_version(existing, expected_version)
    if must_be_new and existing is not None:
        errors["period"] = [
            _("%(rep)s already has a target for %(period)s: change that one instead.")
            % {"rep": rep, "period": period.key}
        ]
    merged = {field: getattr(existing, field) if existing else None for field in TARGET_FIELDS}
    merged.update(values)
    cleaned = _clean_target_values(merged, "", errors)
    if errors:
        raise ValidationError(errors)
    target, changed = _write_target(
        actor=actor, rep=rep, period=period, values=cleaned, existing=existing
    )
    if target is None:
        raise ValidationError({"sales_target": [_("Enter at least one target.")]})
    if changed:
        # The rep's scorecard of that period is scored against the new target.
        kpi_periods_changed(period_keys=[period.key], rep_ids=[rep.pk])
    return target


@transaction.atomic
def team_targets_save(
    *,
    actor,
    team,
    period_key: str,
    rows: list[dict],
    team_sales_total=None,
) -> list[Target]:
    """Save the targets of a team's reps for one period in one transaction (all or nothing).

    ``rows``: ``[{"rep": user or id, <target fields>...}]``, one per rep of the team. When
    ``team_sales_total`` is given, the reps' sales targets must add up to it exactly; otherwise
    the message says by how much they differ. Every change is audited (targets drive pay).
    A row's optional ``version`` is the version of the rep's target the row was opened on (0:
    none yet); when a target has changed since, nothing is saved
    (:class:`~apps.core.versions.StaleRowsError`, saying what changed). Returns the saved
    targets.
    """
    _enforce(permissions.can_write_targets, actor, _("Only managers, HR and admins set targets."))
    errors: dict[str, list[str]] = {}
    period = parse_period_key(period_key, "period", errors)
    require(
        permissions.may_set_team_targets(actor, team),
        _("You may set targets only for the teams you manage."),
    )
    members = {rep.pk: rep for rep in User.objects.filter(team=team, role=Role.REP)}
    cleaned_rows: list[tuple] = []
    expected_versions: dict[int, int | None] = {}
    seen: set[int] = set()
    for index, row in enumerate(rows or []):
        rep = members.get(_as_id(row.get("rep")))
        if rep is None:
            errors.setdefault("targets", []).append(
                _("Row %(row)s: %(rep)s is not a rep of team %(team)s.")
                % {"row": index + 1, "rep": row.get("rep"), "team": team}
            )
            continue
        if rep.pk in seen:
            errors.setdefault("targets", []).append(
                _("Row %(row)s: %(rep)s appears twice.") % {"row": index + 1, "rep": rep}
            )
            continue
        if rep.pk == getattr(actor, "pk", None):
            errors.setdefault("targets", []).append(
                _("Row %(row)s: you may not set your own targets.") % {"row": index + 1}
            )
            continue
        seen.add(rep.pk)
        row_errors: dict[str, list[str]] = {}
        values = _clean_target_values(row, "", row_errors)
        for messages in row_errors.values():
            errors.setdefault("targets", []).extend(
                _("Row %(row)s (%(rep)s): %(message)s")
                % {"row": index + 1, "rep": rep, "message": message}
                for message in messages
            )
        cleaned_rows.append((rep, values))
        expected_versions[rep.pk] = row.get("version")
    if not rows:
        errors.setdefault("targets", []).append(_("The team has no reps to set targets for."))
    if team_sales_total not in (None, ""):
        total = _decimal(team_sales_total)
        if total is None or total < 0 or total >= _MONEY_LIMIT:
            errors["team_sales_total"] = [
                _("Enter the team's sales target as an amount with at most 2 decimals.")
            ]
        else:
            assigned = sum(
                (values["sales_target"] or Decimal("0") for _rep, values in cleaned_rows),
                Decimal("0"),
            )
            difference = assigned - total
            if difference:
                errors["team_sales_total"] = [
                    (
                        _(
                            "The reps' sales targets add up to %(assigned)s, %(diff)s more "
                            "than the team total %(total)s."
                        )
                        if difference > 0
                        else _(
                            "The reps' sales targets add up to %(assigned)s, %(diff)s less "
                            "than the team total %(total)s."
                        )
                    )
                    % {
                        "assigned": money(assigned),
                        "diff": money(abs(difference)),
                        "total": money(total),
                    }
                ]
    if errors:
        raise ValidationError(errors)

    existing = {
        target.rep_id: target
        for target in Target.objects.select_for_update().filter(
            period_key=period.key, rep_id__in=[rep.pk for rep, _values in cleaned_rows]
        )
    }
    _check_row_versions(cleaned_rows, expected_versions, existing)
    saved = []
    changed_reps = []
    for rep, values in cleaned_rows:
        target, changed = _write_target(
            actor=actor, rep=rep, period=period, values=values, existing=existing.get(rep.pk)
        )
        if target is not None:
            saved.append(target)
        if changed:
            changed_reps.append(rep.pk)
    if changed_reps:
        kpi_periods_changed(period_keys=[period.key], rep_ids=changed_reps)
    return saved


def _check_row_versions(cleaned_rows, expected_versions: dict, existing: dict) -> None:
    """Refuse the whole save when a row's target changed since the row was opened."""
    labels = _target_field_labels()
    problems: list[str] = []
    current_versions: dict[int, int] = {}
    for index, (rep, values) in enumerate(cleaned_rows):
        expected = expected_versions.get(rep.pk)
        if expected in (None, ""):
            continue
        target = existing.get(rep.pk)
        try:
            if target is None:
                if int(expected) != 0:
                    raise StaleVersionError(current=target, expected=expected)
            else:
                check_version(target, int(expected))
        except (StaleVersionError, ValueError):
            current = {field: getattr(target, field, None) for field in TARGET_FIELDS}
            differences = "; ".join(
                _("%(field)s now %(theirs)s, yours %(yours)s")
                % {
                    "field": capfirst(labels[field]),
                    "theirs": "—" if current[field] is None else current[field],
                    "yours": "—" if values[field] is None else values[field],
                }
                for field in TARGET_FIELDS
                if current[field] != values[field]
            )
            message = str(STALE_MESSAGE) + (f" {differences}." if differences else "")
            problems.append(
                _("Row %(row)s (%(rep)s): %(message)s")
                % {"row": index + 1, "rep": rep, "message": message}
            )
            current_versions[rep.pk] = version_of(target)
    if problems:
        raise StaleRowsError({"targets": problems}, current_versions=current_versions)


# -- period settings --------------------------------------------------------------------------


@transaction.atomic
def period_setting_set(
    *,
    actor,
    period_key: str,
    industry_growth_rate,
    challenge_margin=Decimal("5"),
    expected_version=None,
) -> PeriodSetting:
    """Create or update the industry growth rate and challenge margin of a period (HR, admin).

    The period's growth target becomes ``industry_growth_rate + challenge_margin``.
    """
    _enforce(permissions.can_configure, actor, _("Only HR and admins change period settings."))
    errors: dict[str, list[str]] = {}
    period = parse_period_key(period_key, "period", errors)
    values = {}
    for field, raw in (
        ("industry_growth_rate", industry_growth_rate),
        ("challenge_margin", challenge_margin),
    ):
        number = _decimal(raw)
        if number is None or abs(number) >= Decimal("100000"):
            errors[field] = [_("Enter a percentage with at most 2 decimals.")]
        values[field] = number
    if "challenge_margin" not in errors and values["challenge_margin"] < 0:
        errors["challenge_margin"] = [_("The challenge margin must not be negative.")]
    if errors:
        raise ValidationError(errors)
    setting = PeriodSetting.objects.select_for_update().filter(period_key=period.key).first()
    check_version(setting, expected_version)
    previous = {f: getattr(setting, f) for f in values} if setting is not None else {}
    before = {f: audit_value(value) for f, value in previous.items()}
    if setting is None:
        setting = PeriodSetting(
            period_key=period.key, period_kind=period.kind, period_start=period.start
        )
    for field, value in values.items():
        setattr(setting, field, value)
    setting.updated_by = actor if actor is not None and actor.is_authenticated else None
    setting.save()
    audit_record(
        actor=actor,
        action="period_setting.set",
        target=setting,
        changes={field: [before.get(field), audit_value(value)] for field, value in values.items()},
    )
    if any(previous.get(field) != value for field, value in values.items()):
        # The period's growth target (industry growth + margin) scores every rep of that
        # period; it scores no other period.
        kpi_periods_changed(period_keys=[period.key])
    return setting


# -- PDCA notes -------------------------------------------------------------------------------

PDCA_FIELDS = ("plan", "do", "check_notes", "act")


@transaction.atomic
def pdca_note_save(*, actor, period_key: str, expected_version=None, **texts) -> PdcaNote:
    """Create or update ``actor``'s own plan–do–check–act notes for one fiscal quarter.

    Only reps keep PDCA notes and only their own; their managers read them. With
    ``expected_version`` (the version opened; 0: no notes yet) notes saved since (another tab)
    are refused with :class:`StaleVersionError` and nothing is written.
    """
    require(
        permissions.keeps_pdca_notes(actor),
        _("Reps keep their own PDCA notes; managers read them."),
    )
    unknown = set(texts) - set(PDCA_FIELDS)
    if unknown:
        raise TypeError(f"Unknown PDCA fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    period = parse_period_key(period_key, "period", errors, kind=periods.QUARTER)
    cleaned = {field: (texts.get(field) or "").strip() for field in PDCA_FIELDS}
    if not any(cleaned.values()):
        errors["plan"] = [_("Write at least the plan.")]
    if errors:
        raise ValidationError(errors)
    check_version(
        PdcaNote.objects.select_for_update().filter(rep=actor, period_key=period.key).first(),
        expected_version,
    )
    note, _created = PdcaNote.objects.select_for_update().get_or_create(
        rep=actor,
        period_key=period.key,
        defaults={"period_start": period.start, **cleaned},
    )
    if not _created:
        for field, value in cleaned.items():
            setattr(note, field, value)
        note.save(update_fields=[*PDCA_FIELDS, "updated_at"])
    return note
