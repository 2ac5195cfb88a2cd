"""HR calibrates the annual grades in the browser: moves one grade with a reason (shown beside
the proposal), finalises, and the screen turns read-only; no sideways scrolling at 1366 px."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.grades import services
from apps.grades.models import AnnualGrade
from tests.browser.test_shell import sign_in
from tests.factories import ScorecardFactory
from tests.grades.conftest import add_reviews, make_annual_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _graded(cast):
    cycle = make_annual_cycle()
    people = [cast.rep_a, cast.rep_a2, cast.rep_b]
    add_reviews(cycle, [96, 82, 58], people=people, qualitative=[93, 78, 64])
    add_reviews(cycle, [88, 86, 84, 80, 76, 72, 70], team=cast.team_b, qualitative=[80] * 7)
    for person, score in zip(people, ("94", "81", "61"), strict=True):
        ScorecardFactory(rep=person, period_key="2026", score=Decimal(score))
    services.grades_propose(cycle=cycle, actor=cast.hr)
    return cycle


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_hr_moves_a_grade_with_a_reason_and_finalises(page, live_server, cast, language):
    cycle = _graded(cast)
    grade = AnnualGrade.objects.get(person=cast.rep_a2)
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "hr")
    if language != "en":
        page.select_option("#language-select", language)
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.goto(f"{live_server.url}/grades/calibration/?cycle={cycle.pk}")
    expect(page.locator(".ninebox-grid")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0

    # Move rep_a2 from B to A: without a reason the form refuses and names the field.
    page.locator(f"#grade-{grade.pk} a[href$='/move/']").click()
    page.select_option("#id_grade", "A")
    page.click("form button[type=submit].primary")
    expect(page.locator(".field.has-error textarea")).to_be_visible()
    assert AnnualGrade.objects.get(pk=grade.pk).grade == "B"
    page.fill("#id_reason", "Led the biggest rollout of the year")
    page.click("form button[type=submit].primary")
    row = page.locator(f"#grade-{grade.pk}")
    expect(row).to_contain_text("B → A: Led the biggest rollout of the year (")
    assert AnnualGrade.objects.get(pk=grade.pk).grade == "A"

    # Finalise: the screen turns read-only (no change links, no finalise button, a reopen).
    page.locator("form[action$='/finalise/'] button").click()
    expect(page.locator(".calibration-summary")).to_contain_text(
        "Finalised — locked" if language == "en" else ""
    )
    expect(page.locator("a[href$='/move/']")).to_have_count(0)
    expect(page.locator("form[action$='/finalise/']")).to_have_count(0)
    expect(page.locator("a[href*='/calibration/reopen/']")).to_be_visible()
    assert not AnnualGrade.objects.filter(cycle=cycle, finalised=False).exists()
    assert page.evaluate(OVERFLOW) <= 0
