"""Navigation shows each role only what it may use; every entry points at a real page."""

import pytest
from django.urls import reverse

from apps.core.navigation import NAV_ITEMS, items_for


def test_every_navigation_entry_resolves():
    from django.apps import apps

    for item in NAV_ITEMS:
        if item.url_name.startswith("dashboards:") and not apps.is_installed("apps.dashboards"):
            continue  # listed ahead of the dashboards app; shown once its pages exist
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


# -- menus ------------------------------------------------------------------------------------


def _menu_labels(user):
    from apps.core.navigation import menus

    return [
        str(entry.group.label if entry.is_menu else entry.item.label)
        for entry in menus(items_for(user))
    ]


@pytest.mark.django_db
def test_entries_are_grouped_into_a_few_menus(cast):
    labels = _menu_labels(cast.manager_a)
    assert labels[:6] == ["Home", "Sales", "Money", "Performance", "Growth", "People"]
    assert "Inbox" in labels
    assert len(labels) <= 8


@pytest.mark.django_db
def test_a_menu_of_one_entry_shows_as_that_entry(cast):
    labels = _menu_labels(cast.rep_a)  # of the People menu, a rep may only use Teams
    assert "Teams" in labels
    assert "People" not in labels


@pytest.mark.django_db
def test_admin_link_is_shown_to_the_admin_only(cast, client_as):
    admin_page = client_as(cast.admin).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in admin_page
    for user in (cast.rep_a, cast.manager_a, cast.hr):
        page = client_as(user).get(reverse("core:home")).content.decode()
        assert f'href="{reverse("admin:index")}"' not in page


@pytest.mark.django_db
def test_admin_role_without_staff_access_gets_no_admin_link(cast):
    cast.admin.is_superuser = False
    cast.admin.is_staff = False
    cast.admin.role = "admin"
    assert "admin:index" not in {i.url_name for i in items_for(cast.admin)}


@pytest.mark.django_db
def test_a_menu_without_any_entry_for_the_role_is_left_out(cast, monkeypatch):
    from apps.core import navigation

    only_managers = [
        navigation.NavItem("Home", "core:home", navigation.EVERYONE),
        navigation.NavItem(
            "People", "accounts:user-list", navigation.MANAGERS_AND_UP, navigation.PEOPLE
        ),
    ]
    monkeypatch.setattr(navigation, "NAV_ITEMS", only_managers)
    assert _menu_labels(cast.rep_a) == ["Home"]
    assert _menu_labels(cast.manager_a) == ["Home", "People"]  # the link, not a menu


@pytest.mark.django_db
def test_entries_whose_page_does_not_exist_are_left_out(cast, monkeypatch):
    from apps.core import navigation

    missing = navigation.NavItem("Nowhere", "nowhere:page", navigation.EVERYONE)
    monkeypatch.setattr(navigation, "NAV_ITEMS", [*navigation.NAV_ITEMS, missing])
    assert "nowhere:page" not in {i.url_name for i in items_for(cast.rep_a)}


@pytest.mark.django_db
def test_the_current_page_is_marked_in_its_menu(cast, client_as):
    page = client_as(cast.rep_a).get(reverse("leads:lead-list")).content.decode()
    assert f'<a href="{reverse("leads:lead-list")}" aria-current="page">' in page
    assert '<summary class="current">Sales</summary>' in page
    assert '<summary class="current">Money</summary>' not in page


@pytest.mark.django_db
def test_a_detail_page_belongs_to_the_entry_its_address_starts_with(cast):
    from apps.core.navigation import current_url

    entries = items_for(cast.admin)  # the entries whose pages exist
    leads = reverse("leads:lead-list")
    assert current_url(entries, f"{leads}12/") == leads
    assert current_url(entries, reverse("core:home")) == reverse("core:home")
    assert current_url(entries, "/somewhere-else/") == ""


@pytest.mark.django_db
def test_menus_are_details_elements_without_inline_script(cast, client_as):
    page = client_as(cast.hr).get(reverse("core:home")).content.decode()
    assert page.count('<details class="navmenu" data-navmenu>') == 5
    assert "onclick" not in page
