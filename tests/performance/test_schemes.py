"""Weight schemes: validation, versioning, immutability and the version in force."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.performance import selectors, services
from apps.performance.choices import CYCLE_KPIS, Cycle, Kpi
from apps.performance.models import WeightScheme, WeightSchemeItem
from apps.performance.presets import PRESETS

D = Decimal
pytestmark = pytest.mark.django_db


def monthly_items(sales="40", new="40", collection="20"):
    return [
        {"kpi": Kpi.SALES_ACHIEVEMENT_RATE, "weight": D(sales), "target": D("100")},
        {"kpi": Kpi.NEW_CUSTOMERS, "weight": D(new), "target": D("3")},
        {"kpi": Kpi.COLLECTION_RATE, "weight": D(collection), "target": D("95"), "cap": D("110")},
    ]


def create(actor, **overrides):
    kwargs = {
        "actor": actor,
        "cycle": Cycle.MONTHLY,
        "effective_from": dt.date(2026, 1, 1),
        "items": monthly_items(),
        "name": "Monthly 2026",
    }
    kwargs.update(overrides)
    return services.weight_scheme_create(**kwargs)


def nothing_saved():
    return not WeightScheme.objects.exists() and not WeightSchemeItem.objects.exists()


def test_hr_creates_version_one_with_items_and_an_audit_entry(cast):
    scheme = create(cast.hr)
    assert (scheme.version, scheme.cycle, scheme.created_by) == (1, "monthly", cast.hr)
    items = {i.kpi: (i.weight, i.target, i.cap) for i in scheme.items.all()}
    assert items[Kpi.COLLECTION_RATE] == (D("20"), D("95"), D("110"))
    assert items[Kpi.SALES_ACHIEVEMENT_RATE][2] == D("120")  # default cap
    entry = AuditEntry.objects.for_object(scheme).get()
    assert entry.action == "weight_scheme.create"
    assert entry.actor == cast.hr
    assert len(entry.changes["items"]) == 3


def test_weights_summing_to_99_99_are_refused_naming_the_sum_and_nothing_is_saved(cast):
    with pytest.raises(ValidationError) as error:
        create(cast.hr, items=monthly_items(collection="19.99"))
    assert error.value.message_dict["weights"] == [
        "The weights must sum to exactly 100; they sum to 99.99."
    ]
    assert nothing_saved()


def test_weights_summing_above_100_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        create(cast.admin, items=monthly_items(collection="30"))
    assert "they sum to 110" in error.value.message_dict["weights"][0]
    assert nothing_saved()


def test_a_kpi_not_allowed_for_the_cycle_is_refused(cast):
    items = [
        *monthly_items(collection="10"),
        {"kpi": Kpi.RETENTION_RATE, "weight": 10, "target": 90},
    ]
    with pytest.raises(ValidationError) as error:
        create(cast.hr, items=items)
    message = error.value.message_dict["items"][0]
    assert "Customer retention rate is not part of the monthly cycle" in message
    assert nothing_saved()


def test_a_zero_weight_is_refused(cast):
    items = monthly_items()
    items[1]["weight"] = "0"
    with pytest.raises(ValidationError) as error:
        create(cast.hr, items=items)
    assert (
        "The weight of New customers (grade-weighted) must be a number above 0"
        in (error.value.message_dict["items"][0])
    )
    assert nothing_saved()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target", "0", "The target of Sales achievement rate must be a number above 0"),
        ("target", "-1", "The target of Sales achievement rate must be a number above 0"),
        ("cap", "99", "The cap of Sales achievement rate must be at least 100"),
        ("weight", "abc", "The weight of Sales achievement rate must be a number"),
        ("weight", "40.001", "2 decimals at most"),
    ],
)
def test_bad_target_cap_or_weight_is_refused(cast, field, value, message):
    items = monthly_items()
    items[0][field] = value
    with pytest.raises(ValidationError) as error:
        create(cast.hr, items=items)
    assert message in " ".join(error.value.message_dict["items"])
    assert nothing_saved()


def test_a_kpi_listed_twice_is_refused(cast):
    items = monthly_items(sales="20")
    items.append({"kpi": Kpi.SALES_ACHIEVEMENT_RATE, "weight": "20", "target": "100"})
    with pytest.raises(ValidationError) as error:
        create(cast.hr, items=items)
    assert "Sales achievement rate is listed twice." in error.value.message_dict["items"]
    assert nothing_saved()


def test_a_scheme_without_items_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        create(cast.hr, items=[])
    assert error.value.message_dict["items"] == ["A scheme weighs at least one KPI."]


def test_unknown_cycle_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        create(cast.hr, cycle="weekly")
    assert "Unknown cycle weekly" in error.value.message_dict["cycle"][0]
    assert nothing_saved()


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_reps_and_managers_may_not_configure_weights(cast, who):
    with pytest.raises(PermissionDenied):
        create(getattr(cast, who))
    assert nothing_saved()


def test_a_change_is_a_new_version_and_the_old_one_is_untouched(cast):
    first = create(cast.hr)
    second = create(
        cast.hr,
        effective_from=dt.date(2026, 7, 1),
        items=monthly_items(sales="40", new="20", collection="40"),
    )
    assert second.version == 2
    assert second.pk != first.pk
    first.refresh_from_db()
    weights = {i.kpi: i.weight for i in first.items.all()}
    assert weights[Kpi.NEW_CUSTOMERS] == D("40")
    assert WeightScheme.objects.filter(cycle=Cycle.MONTHLY).count() == 2


def test_a_new_version_must_take_effect_after_the_latest_one(cast):
    create(cast.hr, effective_from=dt.date(2026, 7, 1))
    for day in (dt.date(2026, 7, 1), dt.date(2026, 1, 1)):
        with pytest.raises(ValidationError) as error:
            create(cast.hr, effective_from=day)
        assert (
            "must take effect after the current latest version (v1, effective 2026-07-01)"
            in (error.value.message_dict["effective_from"][0])
        )
    assert WeightScheme.objects.count() == 1


def test_versions_are_numbered_per_cycle(cast):
    create(cast.hr)
    quarterly = services.weight_scheme_create_from_preset(
        actor=cast.hr,
        cycle=Cycle.QUARTERLY,
        preset="market_expansion",
        effective_from=dt.date(2026, 1, 1),
    )
    assert quarterly.version == 1


def test_there_is_no_service_to_edit_or_delete_a_scheme():
    public = {name for name in dir(services) if name.startswith("weight_scheme")}
    assert public == {"weight_scheme_create", "weight_scheme_create_from_preset"}


# -- presets ------------------------------------------------------------------------------------


def test_every_preset_sums_to_100_and_uses_only_kpis_of_its_cycle():
    assert len(PRESETS) == 6
    for (preset, cycle), items in PRESETS.items():
        assert sum(item["weight"] for item in items) == 100, (preset, cycle)
        assert {item["kpi"] for item in items} <= set(CYCLE_KPIS[cycle])


def test_market_expansion_weighs_development_more_and_mature_market_retention_more():
    def weight(preset, cycle, kpi):
        return next(i["weight"] for i in PRESETS[(preset, cycle)] if i["kpi"] == kpi)

    assert weight("market_expansion", "monthly", Kpi.NEW_CUSTOMERS) == 40
    assert weight("mature_market", "monthly", Kpi.NEW_CUSTOMERS) == 20
    assert weight("mature_market", "monthly", Kpi.COLLECTION_RATE) == 40
    for cycle in ("quarterly", "annual"):
        assert weight("mature_market", cycle, Kpi.RETENTION_RATE) > weight(
            "market_expansion", cycle, Kpi.RETENTION_RATE
        )


def test_every_preset_passes_the_service_validation(cast):
    day = dt.date(2021, 1, 1)
    for preset, cycle in PRESETS:
        day += dt.timedelta(days=1)
        scheme = services.weight_scheme_create_from_preset(
            actor=cast.admin, cycle=cycle, preset=preset, effective_from=day
        )
        assert scheme.preset == preset


def test_ensure_default_schemes_creates_three_v1_schemes_once():
    created = services.ensure_default_schemes()
    assert sorted(s.cycle for s in created) == ["annual", "monthly", "quarterly"]
    assert {(s.version, s.effective_from, s.preset) for s in created} == {
        (1, dt.date(2020, 1, 1), "market_expansion")
    }
    assert services.ensure_default_schemes() == []
    assert WeightScheme.objects.count() == 3


def test_unknown_preset_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.weight_scheme_create_from_preset(
            actor=cast.hr, cycle="monthly", preset="growth", effective_from=dt.date(2026, 1, 1)
        )
    assert "Unknown preset growth" in error.value.message_dict["preset"][0]


# -- the version in force -----------------------------------------------------------------------


def test_scheme_in_force_the_day_before_at_and_after_the_effective_date(cast):
    v1 = create(cast.hr, effective_from=dt.date(2026, 1, 1))
    v2 = create(cast.hr, effective_from=dt.date(2026, 7, 1))
    assert selectors.scheme_in_force("monthly", dt.date(2025, 12, 31)) is None
    assert selectors.scheme_in_force("monthly", dt.date(2026, 1, 1)) == v1
    assert selectors.scheme_in_force("monthly", dt.date(2026, 6, 30)) == v1
    assert selectors.scheme_in_force("monthly", dt.date(2026, 7, 1)) == v2
    assert selectors.scheme_in_force("monthly", dt.date(2026, 7, 2)) == v2
    assert selectors.scheme_in_force("quarterly", dt.date(2026, 7, 2)) is None


def test_scheme_in_force_prefetches_its_items(cast):
    create(cast.hr)
    scheme = selectors.scheme_in_force("monthly", dt.date(2026, 3, 1))
    with CaptureQueriesContext(connection) as queries:
        assert len(list(scheme.items.all())) == 3
    assert len(queries) == 0


def test_recomputing_a_past_period_uses_the_version_in_force_then(cast):
    from apps.performance.periods import parse_period

    v1 = create(cast.hr, effective_from=dt.date(2026, 1, 1))
    create(cast.hr, effective_from=dt.date(2026, 7, 15))
    assert selectors.scheme_for_period("monthly", parse_period("2026-07")) == v1


def test_schemes_in_force_returns_one_scheme_per_cycle(cast):
    services.ensure_default_schemes()
    newer = create(cast.hr, effective_from=dt.date(2026, 1, 1))
    found = selectors.schemes_in_force(dt.date(2026, 2, 1))
    assert set(found) == {"monthly", "quarterly", "annual"}
    assert found["monthly"] == newer


def test_the_admin_site_cannot_change_or_delete_a_scheme(cast, client_as):
    (scheme, *_rest) = services.ensure_default_schemes()
    client = client_as(cast.admin)
    change_url = f"/admin/performance/weightscheme/{scheme.pk}/change/"
    response = client.get(change_url)
    assert response.status_code == 200  # view only
    assert not response.context["has_change_permission"]
    client.post(change_url, {"name": "edited"})
    assert client.get(f"/admin/performance/weightscheme/{scheme.pk}/delete/").status_code == 403
    scheme.refresh_from_db()
    assert scheme.name != "edited"


def test_ensure_weight_schemes_command_is_idempotent(capsys):
    from django.core.management import call_command

    call_command("ensure_weight_schemes")
    call_command("ensure_weight_schemes")
    out = capsys.readouterr().out
    assert "Created monthly v1" in out
    assert "Every cycle already has a weight scheme." in out
    assert WeightScheme.objects.count() == 3
