"""Reviews in the browser: a rep submits their self-review, HR finalises a review and its page
turns read-only; the pages do not scroll sideways on a laptop or a phone."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from apps.performance.choices import Kpi
from apps.reviews import services
from apps.reviews.choices import ReviewStatus
from apps.reviews.models import Review, ReviewIndicator
from tests.browser.test_shell import sign_in
from tests.factories import QuarterReviewFactory, ReviewCycleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KPIS = (
    Kpi.SALES_GROWTH_RATE,
    Kpi.RETENTION_RATE,
    Kpi.CUSTOMER_SATISFACTION,
    Kpi.TEAM_COLLABORATION,
)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
SIZES = [(1366, 768), (390, 844)]


def assert_no_sideways_scroll(page, what):
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{what} scrolls {overflow}px sideways at {width}px"
    page.set_viewport_size({"width": 1366, "height": 768})


def make_review(cast):
    cycle = ReviewCycleFactory(name="2026 Q3 360° review")
    review = QuarterReviewFactory(cycle=cycle, person=cast.rep_a, manager=cast.manager_a)
    ReviewIndicator.objects.filter(review=review).update(computed_score=D("72.5"))
    return review


def test_a_rep_submits_their_self_review(page, live_server, cast):
    review = make_review(cast)
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/reviews/")
    expect(page.locator("table.reviews")).to_contain_text("Your self-review is open")
    assert_no_sideways_scroll(page, "the review list")
    page.click("table.reviews >> text=2026 Q3 360° review")
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/")
    assert_no_sideways_scroll(page, "the review page")
    page.click("a.button >> text=Write your self-review")
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/self/")
    # Pre-filled with the computed score.
    expect(page.locator(f"#id_score_{Kpi.SALES_GROWTH_RATE}")).to_have_value("72.50")
    assert_no_sideways_scroll(page, "the self-review form")
    for index, kpi in enumerate(KPIS):
        page.fill(f"#id_score_{kpi}", str(70 + index))
        page.fill(f"#id_comment_{kpi}", f"Comment {index}")
    page.fill("#id_summary", "Two big orders slipped into Q4.")
    page.click("button[value=submit]")
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/")
    expect(page.locator(".messages")).to_contain_text("Your self-review is submitted.")
    expect(page.locator("h1 .badge")).to_have_text("Self-review submitted")
    expect(page.locator("body")).to_contain_text("Two big orders slipped into Q4.")
    review = Review.objects.get(pk=review.pk)
    assert review.status == ReviewStatus.SELF_SUBMITTED
    assert review.self_part is not None


def test_hr_finalises_a_review_and_the_page_turns_read_only(page, live_server, cast):
    review = make_review(cast)
    scores = {kpi: (D("80"), "ok") for kpi in KPIS}
    for part, actor in (("self", cast.rep_a), ("manager", cast.manager_a)):
        save = getattr(services, f"review_save_{part}")
        submit = getattr(services, f"review_submit_{part}")
        review = save(
            actor=actor, review=review, expected_version=review.version, summary="", scores=scores
        )
        review = submit(actor=actor, review=review, expected_version=review.version)
    services.review_waive_part(
        actor=cast.hr,
        review=review,
        part="customer",
        reason="No customers in the new territory yet",
        expected_version=review.version,
    )
    sign_in(page, live_server, "hr")
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(page.locator("body")).to_contain_text(
        "Customers part waived by HR: No customers in the new territory yet; weights 37.5 / 62.5"
    )
    assert_no_sideways_scroll(page, "the review page")
    page.click("a.button >> text=Finalise")
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/finalise/")
    page.click("button[type=submit].primary")
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/")
    expect(page.locator(".notice.locked")).to_contain_text("locked")
    expect(page.locator("a.button >> text=Manager review")).to_have_count(0)
    expect(page.locator("a.button >> text=Finalise")).to_have_count(0)
    expect(page.locator("a.button >> text=Reopen")).to_have_count(1)
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.FINALISED
    # The cycle pages fit too.
    page.goto(f"{live_server.url}/reviews/cycles/")
    assert_no_sideways_scroll(page, "the cycle list")
    page.goto(f"{live_server.url}/reviews/cycles/{review.cycle_id}/")
    assert_no_sideways_scroll(page, "the cycle page")
