"""People's names read the way their language writes them."""

from apps.accounts.models import User


def test_a_chinese_name_puts_the_family_name_first_without_a_space():
    person = User(username="rep01", first_name="伟", last_name="王")
    assert person.get_full_name() == "王伟"
    assert str(person) == "王伟"


def test_a_latin_name_keeps_the_given_name_first():
    person = User(username="rep02", first_name="Wei", last_name="Wang")
    assert person.get_full_name() == "Wei Wang"


def test_a_person_without_a_name_is_shown_by_username():
    assert str(User(username="rep03")) == "rep03"
