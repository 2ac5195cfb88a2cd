"""The demo company: built from a seeded generator with documented logins."""

import pytest
from django.core.management import call_command

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import Team, User
from apps.core.choices import Role


@pytest.mark.django_db
def test_demo_company_has_teams_reps_managers_hr_and_admin(capsys):
    call_command("load_demo", seed=7)
    assert Team.objects.count() >= 3
    assert User.objects.filter(role=Role.REP).count() >= 20
    for team in Team.objects.all():
        assert team.managers.filter(role=Role.MANAGER).exists()
        assert team.members.filter(role=Role.REP).exists()
    assert User.objects.filter(role=Role.HR).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="rep01").check_password(DEMO_PASSWORD)
    assert "rep01" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_loading_is_skipped_when_the_database_has_users(capsys):
    call_command("load_demo", seed=1)
    users = User.objects.count()
    call_command("load_demo", if_empty=True)
    assert User.objects.count() == users
    assert "already has users" in capsys.readouterr().out
