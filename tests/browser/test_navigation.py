"""The navigation bar fits one line at 1366 px for every role in both languages, wraps without
horizontal overflow on a 390 px phone, and its menus open and lead to their pages."""

import pytest
from playwright.sync_api import expect

from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("rep_a", "manager_a", "hr", "admin")


def sign_in(page, live_server, username, language="en"):
    page.goto(f"{live_server.url}/login/?next=/accounts/teams/")
    if language != "en":
        page.select_option("#language-select", language)
        page.wait_for_load_state()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator(".mainnav")).to_be_visible()


def top_offsets(page, selector):
    return page.eval_on_selector_all(
        selector, "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_navigation_fits_one_line_at_1366_px_for_every_role(page, live_server, cast, language):
    page.set_viewport_size({"width": 1366, "height": 800})
    for username in ROLES:
        sign_in(page, live_server, username, language)
        entries = top_offsets(page, ".mainnav-list > li")
        assert len(entries) >= 4, username
        assert len(set(entries)) == 1, f"{username} ({language}): entries on several lines"
        # The brand, the navigation and the session part share the one line too.
        bar = page.eval_on_selector(".topbar", "e => e.getBoundingClientRect().height")
        nav = page.eval_on_selector(".mainnav", "e => e.getBoundingClientRect().height")
        assert bar < nav * 2.2, f"{username} ({language}): the top bar wraps"
        page.click(".session button.linklike")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_horizontal_overflow_on_a_390_px_phone(page, live_server, cast, language):
    page.set_viewport_size({"width": 390, "height": 844})
    for username in ("rep_a", "admin"):
        sign_in(page, live_server, username, language)
        for summary in page.locator("details[data-navmenu] > summary").all():
            summary.click()  # an open menu must not push the page sideways either
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{username} ({language}): page is {width}px wide"
        page.click(".session button.linklike")


def test_menus_open_close_and_their_links_work(page, live_server, cast):
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, live_server, "manager_a")
    sales = page.locator("details[data-navmenu]", has_text="Sales")
    leads_link = sales.get_by_role("link", name="Leads")
    expect(leads_link).to_be_hidden()
    sales.locator("summary").click()
    expect(leads_link).to_be_visible()
    # Opening another menu closes the first; a click elsewhere closes all.
    page.locator("details[data-navmenu] > summary", has_text="Money").click()
    expect(leads_link).to_be_hidden()
    page.click("main")
    expect(page.locator("details[data-navmenu][open]")).to_have_count(0)
    # Keyboard: focus the summary, open it with Enter, close with Escape.
    sales.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(leads_link).to_be_visible()
    page.keyboard.press("Escape")
    expect(leads_link).to_be_hidden()
    # A link in a menu leads to its page, which the menu then marks as current.
    sales.locator("summary").click()
    leads_link.click()
    expect(page).to_have_url(f"{live_server.url}/leads/")
    expect(page.locator("details[data-navmenu] > summary.current")).to_have_text("Sales")
    people = page.locator("details[data-navmenu]", has_text="People")
    people.locator("summary").click()
    people.get_by_role("link", name="People").click()
    expect(page.locator("table.list")).to_contain_text("rep_a2")


def test_admin_reaches_the_admin_site_from_the_navigation(page, live_server, cast):
    sign_in(page, live_server, "admin")
    page.locator(".mainnav").get_by_role("link", name="Admin").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
