"""Performance pages speak to salespeople: plurals agree, history names fields in words with
formatted amounts, periods read as dates with the last day included."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from apps.performance.services import target_set

pytestmark = pytest.mark.django_db

TEAM = reverse("performance:target-team-edit")


def _post_one_target(cast, client):
    data = {
        "team": cast.team_b.pk,
        "period": "2026-10",
        "team_sales_total": "",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-rep": cast.rep_b.pk,
        "form-0-sales_target": "5000",
    }
    return client.post(TEAM, data, HTTP_ACCEPT_LANGUAGE="en")


def test_saving_one_target_says_target_not_targets(cast, client_as):
    response = _post_one_target(cast, client_as(cast.hr))
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(text.startswith("1 target of ") for text in texts), texts


def test_target_history_names_fields_in_words_with_money(cast, client_as):
    with translation.override("en"):
        target = target_set(
            actor=cast.hr, rep=cast.rep_b, period_key="2026-10", sales_target="1222550"
        )
        target_set(actor=cast.hr, rep=cast.rep_b, period_key="2026-10", sales_target="2000")
    url = reverse("performance:target-detail", args=[target.pk])
    page = client_as(cast.hr).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sales target: ¥1,222,550.00 → ¥2,000.00" in page
    assert "<code>sales_target</code>" not in page
    assert "Target changed" in page


def test_target_period_reads_as_an_inclusive_date_range(cast, client_as):
    with translation.override("en"):
        target = target_set(actor=cast.hr, rep=cast.rep_b, period_key="2026-10", sales_target="1")
    url = reverse("performance:target-detail", args=[target.pk])
    page = client_as(cast.hr).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1–31 Oct 2026" in page
