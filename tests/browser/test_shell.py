"""A person signs in, finds their way by role, switches to Chinese and signs out."""

import pytest
from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    # Wait for the signed-in page to load (app.js, which drives the language switch, included)
    # so that what a test does next is not raced by the sign-in's own navigation.
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit].primary")


def test_manager_signs_in_sees_team_people_and_signs_out(page, live_server, cast):
    sign_in(page, live_server, "manager_a")
    expect(page.locator(".mainnav")).to_contain_text("People")
    page.click(".mainnav summary:has-text('People')")
    page.click(".navmenu-list >> text=People")
    expect(page.locator("table.list")).to_contain_text("rep_a2")
    expect(page.locator("table.list")).not_to_contain_text("rep_b")
    page.click("text=Sign out")
    expect(page).to_have_url(f"{live_server.url}/login/")


def test_rep_does_not_see_people_in_the_navigation(page, live_server, cast):
    sign_in(page, live_server, "rep_a")
    expect(page.locator(".mainnav")).to_contain_text("Teams")
    expect(page.locator(".mainnav")).not_to_contain_text("People")


def test_language_switch_turns_the_interface_chinese(page, live_server, cast):
    sign_in(page, live_server, "hr")
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".session")).to_contain_text("退出")


def test_wrong_password_shows_an_error(page, live_server, cast):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "rep_a")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit].primary")
    expect(page.locator(".errors")).to_be_visible()
