"""The one ownership rule shared by leads, customers, opportunities and orders."""

from apps.core.ownership import assignable_owners


def test_a_rep_may_only_own_their_own_records(cast):
    assert list(assignable_owners(cast.rep_a)) == [cast.rep_a]


def test_a_manager_may_assign_to_self_and_their_teams_members(cast):
    assert set(assignable_owners(cast.manager_a)) == {cast.manager_a, cast.rep_a, cast.rep_a2}


def test_an_admin_or_the_system_may_assign_to_any_active_seller(cast):
    cast.rep_b.is_active = False
    cast.rep_b.save()
    sellers = {cast.rep_a, cast.rep_a2, cast.manager_a, cast.manager_b}
    assert set(assignable_owners(cast.admin)) == sellers
    assert set(assignable_owners(None)) == sellers


def test_hr_may_assign_to_nobody(cast):
    assert not assignable_owners(cast.hr).exists()
