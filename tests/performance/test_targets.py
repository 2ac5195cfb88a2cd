"""Target services: single and team-wide saves, validation, permissions and audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.performance import selectors, services
from apps.performance.models import PdcaNote, PeriodSetting, Target
from tests.factories import RepFactory, TargetFactory
from tests.performance.conftest import alpha_rows

D = Decimal
pytestmark = pytest.mark.django_db


def test_manager_saves_the_team_targets_in_one_go_with_an_audit_entry_each(cast):
    saved = services.team_targets_save(
        actor=cast.manager_a,
        team=cast.team_a,
        period_key="2026-Q4",
        rows=alpha_rows(cast),
        team_sales_total="100000",
    )
    assert len(saved) == 2
    target = Target.objects.get(rep=cast.rep_a, period_key="2026-Q4")
    assert (target.period_kind, target.period_start.isoformat()) == ("quarter", "2026-10-01")
    assert (target.sales_target, target.new_customers_target) == (D("60000"), D("3"))
    assert target.set_by == cast.manager_a
    entry = AuditEntry.objects.for_object(target).get()
    assert entry.action == "target.create"
    assert entry.subject_user == cast.rep_a
    assert entry.changes["sales_target"] == [None, "60000"]


def test_team_total_mismatch_says_by_how_much_and_saves_nothing(cast):
    with pytest.raises(ValidationError) as error:
        services.team_targets_save(
            actor=cast.manager_a,
            team=cast.team_a,
            period_key="2026-Q4",
            rows=alpha_rows(cast, a="59999.50"),
            team_sales_total="100000",
        )
    assert error.value.message_dict["team_sales_total"] == [
        "The reps' sales targets add up to 99999.50, 0.50 less than the team total 100000.00."
    ]
    assert not Target.objects.exists()
    assert not AuditEntry.objects.exists()


def test_team_total_exceeded_says_more(cast):
    with pytest.raises(ValidationError) as error:
        services.team_targets_save(
            actor=cast.hr,
            team=cast.team_a,
            period_key="2026-10",
            rows=alpha_rows(cast, a="70000"),
            team_sales_total="100000",
        )
    assert "10000.00 more than the team total" in error.value.message_dict["team_sales_total"][0]
    assert not Target.objects.exists()


def test_a_bad_row_refuses_the_whole_batch(cast):
    with pytest.raises(ValidationError) as error:
        services.team_targets_save(
            actor=cast.manager_a,
            team=cast.team_a,
            period_key="2026-Q4",
            rows=alpha_rows(cast, collection_rate_target="120"),
        )
    assert "Row 1 (" in error.value.message_dict["targets"][0]
    assert "at most 100" in error.value.message_dict["targets"][0]
    assert not Target.objects.exists()


def test_negative_target_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.target_set(
            actor=cast.manager_a, rep=cast.rep_a, period_key="2026-10", sales_target="-1"
        )
    assert error.value.message_dict["sales_target"] == ["sales target must not be negative."]
    assert not Target.objects.exists()


def test_a_bad_period_key_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.team_targets_save(
            actor=cast.manager_a, team=cast.team_a, period_key="2026-13", rows=alpha_rows(cast)
        )
    assert "not a valid month" in error.value.message_dict["period"][0]
    assert not Target.objects.exists()


def test_a_rep_of_another_team_in_the_rows_is_refused(cast):
    bad = [*alpha_rows(cast), {"rep": cast.rep_b.pk, "sales_target": "1"}]
    with pytest.raises(ValidationError) as error:
        services.team_targets_save(actor=cast.hr, team=cast.team_a, period_key="2026-Q4", rows=bad)
    message = error.value.message_dict["targets"][0]
    assert message == f"Row 3: {cast.rep_b.pk} is not a rep of team Alpha."
    assert not Target.objects.exists()


def test_manager_may_not_save_another_teams_targets(cast):
    with pytest.raises(PermissionDenied):
        services.team_targets_save(
            actor=cast.manager_a,
            team=cast.team_b,
            period_key="2026-Q4",
            rows=[{"rep": cast.rep_b, "sales_target": "1"}],
        )
    assert not Target.objects.exists()


def test_rep_may_not_set_targets(cast):
    with pytest.raises(PermissionDenied):
        services.team_targets_save(
            actor=cast.rep_a, team=cast.team_a, period_key="2026-Q4", rows=alpha_rows(cast)
        )
    with pytest.raises(PermissionDenied):
        services.target_set(actor=cast.rep_a, rep=cast.rep_a, period_key="2026-Q4", sales_target=1)
    assert not Target.objects.exists()


def test_saving_again_updates_and_audits_only_what_changed(cast):
    services.team_targets_save(
        actor=cast.manager_a, team=cast.team_a, period_key="2026-Q4", rows=alpha_rows(cast)
    )
    services.team_targets_save(
        actor=cast.hr, team=cast.team_a, period_key="2026-Q4", rows=alpha_rows(cast, a="65000")
    )
    target = Target.objects.get(rep=cast.rep_a, period_key="2026-Q4")
    assert target.sales_target == D("65000")
    assert target.set_by == cast.hr
    update = AuditEntry.objects.get(action="target.update")
    assert update.changes["sales_target"] == ["60000.00", "65000"]
    assert AuditEntry.objects.filter(action="target.update").count() == 1


def test_new_and_repeat_sales_must_add_up_to_the_sales_target(cast):
    with pytest.raises(ValidationError) as error:
        services.target_set(
            actor=cast.manager_a,
            rep=cast.rep_a,
            period_key="2026-10",
            sales_target="100",
            new_customer_sales_target="30",
            repeat_sales_target="60",
        )
    assert "must add up to the sales target (100.00)" in error.value.message_dict["sales_target"][0]
    assert not Target.objects.exists()


def test_target_set_keeps_fields_left_out(cast):
    TargetFactory(rep=cast.rep_a, period_key="2026-10", new_customers_target=D("4"))
    target = services.target_set(
        actor=cast.admin, rep=cast.rep_a, period_key="2026-10", sales_target="5000"
    )
    assert (target.sales_target, target.new_customers_target) == (D("5000"), D("4"))


def test_manager_may_not_set_own_or_other_teams_targets(cast):
    for rep in (cast.rep_b, cast.manager_a):
        with pytest.raises(ValidationError) as error:
            services.target_set(
                actor=cast.manager_a, rep=rep, period_key="2026-10", sales_target="1"
            )
        assert "rep" in error.value.message_dict
    assert not Target.objects.exists()


def test_targets_by_rep_is_one_query(cast, django_assert_num_queries):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        TargetFactory(rep=rep, period_key="2026-Q4")
    TargetFactory(rep=cast.rep_a, period_key="2026-Q3")
    with django_assert_num_queries(1):
        found = selectors.targets_by_rep("2026-Q4")
    assert set(found) == {cast.rep_a.pk, cast.rep_a2.pk, cast.rep_b.pk}
    assert selectors.target_for(cast.rep_a, "2026-Q3").period_key == "2026-Q3"
    assert selectors.target_for(cast.rep_b, "2026-Q3") is None


def test_effective_target_prefers_the_rep_and_the_period_setting(cast):
    target = TargetFactory(rep=cast.rep_a, new_customers_target=D("5"), collection_rate_target=None)
    setting = PeriodSetting(industry_growth_rate=D("10"), challenge_margin=D("5"))
    eff = selectors.effective_target
    assert eff("new_customers", scheme_target=D("3"), rep_target=target) == D("5")
    assert eff("collection_rate", scheme_target=D("95"), rep_target=target) == D("95")
    assert eff("sales_growth_rate", scheme_target=D("12"), period_setting=setting) == D("15")
    assert eff("sales_growth_rate", scheme_target=D("12")) == D("12")
    assert eff("retention_rate", scheme_target=D("90"), rep_target=target) == D("90")


def test_target_scoping_by_role(cast):
    for rep in (cast.rep_a, cast.rep_a2, cast.rep_b):
        TargetFactory(rep=rep)
    visible = {
        who: set(
            Target.objects.visible_to(getattr(cast, who)).values_list("rep__username", flat=True)
        )
        for who in ("rep_a", "manager_a", "manager_b", "hr", "admin")
    }
    assert visible["rep_a"] == {"rep_a"}
    assert visible["manager_a"] == {"rep_a", "rep_a2"}
    assert visible["manager_b"] == {"rep_b"}
    assert visible["hr"] == visible["admin"] == {"rep_a", "rep_a2", "rep_b"}


# -- period settings ----------------------------------------------------------------------------


def test_hr_sets_industry_growth_and_the_growth_target_follows(cast):
    setting = services.period_setting_set(
        actor=cast.hr, period_key="2026-Q4", industry_growth_rate="10", challenge_margin="5"
    )
    assert setting.growth_target == D("15")
    again = services.period_setting_set(
        actor=cast.admin, period_key="2026-Q4", industry_growth_rate="8"
    )
    assert again.pk == setting.pk
    assert again.growth_target == D("13")
    assert AuditEntry.objects.filter(action="period_setting.set").count() == 2
    assert selectors.growth_targets(["2026-Q4", "2026-Q3"]) == {"2026-Q4": D("13")}


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_only_hr_and_admin_change_period_settings(cast, who):
    with pytest.raises(PermissionDenied):
        services.period_setting_set(
            actor=getattr(cast, who), period_key="2026-Q4", industry_growth_rate="10"
        )
    assert not PeriodSetting.objects.exists()


def test_period_setting_bad_values_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.period_setting_set(
            actor=cast.hr, period_key="2026-Q9", industry_growth_rate="x", challenge_margin="-1"
        )
    assert set(error.value.message_dict) == {"period", "industry_growth_rate", "challenge_margin"}
    assert not PeriodSetting.objects.exists()


# -- PDCA ---------------------------------------------------------------------------------------


def test_rep_writes_own_quarterly_pdca_notes(cast):
    note = services.pdca_note_save(actor=cast.rep_a, period_key="2026-Q4", plan="Ten visits")
    again = services.pdca_note_save(
        actor=cast.rep_a, period_key="2026-Q4", plan="Ten visits", check_notes="Eight done"
    )
    assert again.pk == note.pk
    assert (again.rep, again.check_notes) == (cast.rep_a, "Eight done")


def test_pdca_notes_need_a_quarter(cast):
    with pytest.raises(ValidationError) as error:
        services.pdca_note_save(actor=cast.rep_a, period_key="2026-10", plan="x")
    assert "a quarter is needed here (e.g. 2026-Q4)" in error.value.message_dict["period"][0]
    assert not PdcaNote.objects.exists()


def test_empty_pdca_notes_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.pdca_note_save(actor=cast.rep_a, period_key="2026-Q4", plan="  ")
    assert error.value.message_dict["plan"] == ["Write at least the plan."]


@pytest.mark.parametrize("who", ["manager_a", "hr"])
def test_only_reps_write_pdca_notes(cast, who):
    with pytest.raises(PermissionDenied):
        services.pdca_note_save(actor=getattr(cast, who), period_key="2026-Q4", plan="x")
    assert not PdcaNote.objects.exists()


def test_rep_outside_any_team_has_no_manager_to_set_targets(cast):
    loner = RepFactory(team=None)
    with pytest.raises(ValidationError):
        services.target_set(actor=cast.manager_a, rep=loner, period_key="2026-10", sales_target=1)
