"""A customer answers the satisfaction survey on a phone (390×844) in Chinese: the page is in the
survey's language, nothing scrolls sideways, the answer is saved, and the link then refuses
reuse with the same page a wrong link gets."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from apps.surveys import services
from apps.surveys.models import Survey
from tests.factories import CustomerFactory, SurveyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sideways(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_customer_answers_on_a_phone_in_chinese(cast, live_server, page):
    customer = CustomerFactory(owner=cast.rep_a, name="杭州精密仪器有限公司")
    survey = SurveyFactory(rep=cast.rep_a, customer=customer, language="zh-hans")
    token = services.survey_issue_link(survey=survey, actor=cast.hr)
    url = live_server.url + reverse("surveys:answer", args=[token])

    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(url)
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    with translation.override("zh-hans"):
        heading = gettext("How satisfied are you with us?")  # Chinese once translated
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.get_by_text("杭州精密仪器有限公司")).to_be_visible()
    assert _sideways(page) <= 0

    page.locator("input[name=solution_fit]").fill("90")
    page.locator("input[name=response_speed]").fill("85")
    page.locator("input[name=problem_resolution]").fill("95")
    page.locator("textarea[name=comment]").fill("服务很及时")
    page.locator("[data-survey-form] button[type=submit]").click()
    expect(page.locator("[data-survey-thanks]")).to_be_visible()
    assert _sideways(page) <= 0

    survey.refresh_from_db()
    assert (survey.status, survey.channel, survey.score) == ("answered", "link", Decimal("90.00"))
    assert survey.comment == "服务很及时"

    again = page.goto(url)
    assert again.status == 404
    expect(page.locator("[data-survey-invalid]")).to_be_visible()
    assert Survey.objects.get(pk=survey.pk).score == Decimal("90.00")


def test_a_wrong_answer_is_shown_on_the_field_on_a_phone(cast, live_server, page):
    survey = SurveyFactory(rep=cast.rep_a)
    token = services.survey_issue_link(survey=survey, actor=cast.hr)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("surveys:answer", args=[token]))
    page.locator("input[name=solution_fit]").fill("90")
    page.locator("[data-survey-form] button[type=submit]").click()
    expect(page.locator(".field.has-error").first).to_be_visible()
    assert _sideways(page) <= 0
    assert Survey.objects.get(pk=survey.pk).status == "pending"
