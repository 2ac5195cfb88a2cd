"""People and team services: bad input names the field, says why, and writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounts import services
from apps.accounts.models import EmployeeProfile, Team, User
from apps.core.choices import Role
from apps.core.models import AuditEntry


def test_user_create_writes_user_profile_and_audit(cast):
    user = services.user_create(
        actor=cast.hr,
        username="newrep",
        password="Str0ng-pass!",
        role=Role.REP,
        team=cast.team_a,
        profile={"monthly_base_salary": Decimal("9000.50")},
    )
    assert user.check_password("Str0ng-pass!")
    assert user.profile.monthly_base_salary == Decimal("9000.50")
    assert user.profile.job_title == "sales_rep"
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_duplicate_username_is_refused_case_insensitively_and_nothing_is_saved(cast):
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=cast.hr, username="REP_A", password="Str0ng-pass!")
    assert exc.value.message_dict["username"] == ["The username REP_A is already taken."]
    assert User.objects.count() == before


def test_negative_salary_is_refused_and_nothing_is_saved(cast):
    users, profiles = User.objects.count(), EmployeeProfile.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=cast.hr,
            username="poor",
            password="Str0ng-pass!",
            profile={"monthly_base_salary": Decimal("-1")},
        )
    assert exc.value.message_dict["monthly_base_salary"] == ["Must not be negative."]
    assert (User.objects.count(), EmployeeProfile.objects.count()) == (users, profiles)


def test_weak_password_is_refused_with_the_validator_message(cast):
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=cast.hr, username="weak", password="123")
    assert any("too short" in m for m in exc.value.message_dict["password"])
    assert not User.objects.filter(username="weak").exists()


def test_unknown_role_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=cast.hr, username="x", password="Str0ng-pass!", role="boss")
    assert "Unknown role boss" in exc.value.message_dict["role"][0]
    assert not User.objects.filter(username="x").exists()


def test_team_without_a_manager_is_refused_and_nothing_is_saved(cast):
    before = Team.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=cast.admin, name="Delta", managers=[])
    assert exc.value.message_dict["managers"] == ["A team needs at least one manager."]
    assert Team.objects.count() == before


def test_team_manager_must_have_the_manager_role(cast):
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=cast.admin, name="Delta", managers=[cast.rep_a])
    assert "Only people with the manager role" in exc.value.message_dict["managers"][0]
    assert not Team.objects.filter(name="Delta").exists()


def test_duplicate_team_name_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=cast.admin, name="alpha", managers=[cast.manager_a])
    assert exc.value.message_dict["name"] == ["A team called alpha already exists."]


def test_team_update_cannot_remove_the_last_manager(cast):
    with pytest.raises(ValidationError):
        services.team_update(actor=cast.admin, team=cast.team_a, managers=[])
    assert list(cast.team_a.managers.all()) == [cast.manager_a]


def test_user_update_records_changes_in_the_audit_log(cast):
    services.user_update(
        actor=cast.hr,
        user=cast.rep_a,
        team=cast.team_b,
        profile={"monthly_base_salary": Decimal("12000.00")},
    )
    entry = AuditEntry.objects.get(action="user.update", object_id=str(cast.rep_a.pk))
    assert entry.changes["team"] == [cast.team_a.pk, cast.team_b.pk]
    assert entry.changes["monthly_base_salary"] == ["10000.00", "12000.00"]
    assert entry.actor == cast.hr


def test_user_update_refuses_negative_pay_and_keeps_the_old_value(cast):
    with pytest.raises(ValidationError) as exc:
        services.user_update(
            actor=cast.hr, user=cast.rep_a, profile={"monthly_performance_pay": Decimal("-5")}
        )
    assert exc.value.message_dict["monthly_performance_pay"] == ["Must not be negative."]
    cast.rep_a.profile.refresh_from_db()
    assert cast.rep_a.profile.monthly_performance_pay == Decimal("5000.00")
