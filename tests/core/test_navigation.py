"""Navigation shows each role only what it may use; every entry points at a real page."""

import pytest
from django.urls import reverse

from apps.core.navigation import NAV_ITEMS, items_for


def test_every_navigation_entry_resolves():
    for item in NAV_ITEMS:
        assert reverse(item.url_name)


@pytest.mark.django_db
def test_rep_does_not_see_people_but_managers_and_hr_do(cast):
    assert "accounts:user-list" not in {i.url_name for i in items_for(cast.rep_a)}
    assert "accounts:user-list" in {i.url_name for i in items_for(cast.manager_a)}
    assert "accounts:user-list" in {i.url_name for i in items_for(cast.hr)}


@pytest.mark.django_db
def test_home_page_renders_the_role_navigation(cast, client_as):
    page = client_as(cast.rep_a).get(reverse("core:home")).content.decode()
    assert reverse("accounts:team-list") in page
    assert reverse("accounts:user-list") not in page
    page = client_as(cast.hr).get(reverse("core:home")).content.decode()
    assert reverse("accounts:user-list") in page


@pytest.mark.django_db
def test_login_page_is_public_and_has_the_language_switch(client):
    page = client.get(reverse("login")).content.decode()
    assert 'name="language"' in page
    assert "简体中文" in page


@pytest.mark.django_db
def test_navigation_shows_the_unread_reminder_count(cast, client_as):
    from tests.factories.reminders import ReminderFactory

    ReminderFactory(recipient=cast.rep_a)
    ReminderFactory(recipient=cast.rep_a)
    ReminderFactory(recipient=cast.rep_b)
    response = client_as(cast.rep_a).get(reverse("core:home"))
    assert response.context["unread_reminders"] == 2
    assert 'class="badge reminder-unread"' in response.content.decode()
