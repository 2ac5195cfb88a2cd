"""A manager logs a weekly coaching session of an improvement plan in the browser (1366 and
390 px, English and Chinese); the rep sees their own plan read-only; another team's manager
gets a 404."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.pips import services
from apps.pips.choices import SessionStatus
from apps.pips.models import CoachingSession
from apps.reminders.calendar import load_calendar
from tests.browser.test_shell import sign_in
from tests.factories import PipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _running_plan(cast):
    cal = load_calendar()
    start = cal.next_working_day(timezone.localdate() - datetime.timedelta(days=15))
    pip = PipFactory(person=cast.rep_a, manager=cast.manager_a)
    return services.pip_complete(
        actor=cast.manager_a,
        pip=pip,
        goals="Collection rate to 80",
        support="Weekly one-to-one",
        start_date=start,
    )


@pytest.mark.parametrize(("language", "width"), [("en", 1366), ("zh-hans", 390)])
def test_a_manager_logs_a_coaching_session(page, live_server, cast, language, width):
    pip = _running_plan(cast)
    session = pip.sessions.order_by("number").first()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, "manager_a")
    if language != "en":
        page.select_option("#language-select", language)
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.goto(f"{live_server.url}/pips/")
    page.locator(f"a[href='/pips/{pip.pk}/']").first.click()
    expect(page.locator(f"#session-{session.number}")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0

    page.locator(f"a[href='/pips/sessions/{session.pk}/log/']").click()
    # Without notes the form refuses and names the field; nothing is written.
    page.fill("#id_notes", "")
    page.fill("#id_agreed_actions", "Call the three largest debtors")
    page.click("form button[type=submit].primary")
    expect(page.locator(".field.has-error textarea")).to_be_visible()
    assert CoachingSession.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED
    page.fill("#id_notes", "Went through the overdue invoices")
    page.click("form button[type=submit].primary")
    row = page.locator(f"#session-{session.number}")
    expect(row).to_contain_text("Call the three largest debtors")
    assert CoachingSession.objects.get(pk=session.pk).status == SessionStatus.HELD
    assert page.evaluate(OVERFLOW) <= 0


def test_the_rep_sees_their_plan_read_only_and_others_are_not_found(page, live_server, cast):
    pip = _running_plan(cast)
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/pips/{pip.pk}/")
    expect(page.locator("h1")).to_contain_text("Improvement plan")
    expect(page.locator("body")).to_contain_text("Collection rate to 80")
    assert page.locator("a[href*='/log/']").count() == 0
    assert page.locator("a[href$='/outcome/']").count() == 0
    assert page.evaluate(OVERFLOW) <= 0
    sign_in(page, live_server, "manager_b")
    response = page.goto(f"{live_server.url}/pips/{pip.pk}/")
    assert response.status == 404
