"""Admin screens: the rubric goes through the service (validated, audited, regrades); leads are
read-only there apart from their notes."""

import pytest

from apps.core.models import AuditEntry
from apps.leads import services
from tests.factories import LeadFactory, NurtureTouchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric_post(rubric_form):
    return {**rubric_form, "b_min_total": 5}


def test_rubric_admin_saves_through_the_service(cast, client_as, rubric_post):
    seven = LeadFactory(owner=cast.rep_a, company_size="large")  # 7 points: B
    five = LeadFactory(owner=cast.rep_a, company_size="small")  # 5 points: C
    rubric = services.rubric_ensure()
    client = client_as(cast.admin)
    url = f"/admin/leads/gradingrubric/{rubric.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, rubric_post)
    assert response.status_code == 302
    seven.refresh_from_db()
    five.refresh_from_db()
    assert (seven.grade, five.grade) == ("A", "B")
    entry = AuditEntry.objects.get(action="lead.rubric_update")
    assert entry.changes["regraded_leads"] == 2


def test_rubric_admin_shows_rule_errors_and_changes_nothing(cast, client_as, rubric_post):
    rubric = services.rubric_ensure()
    response = client_as(cast.admin).post(
        f"/admin/leads/gradingrubric/{rubric.pk}/change/", {**rubric_post, "a_min_total": 12}
    )
    assert response.status_code == 200
    assert "highest possible total is 9" in response.content.decode()
    rubric.refresh_from_db()
    assert rubric.a_min_total == 8
    assert not AuditEntry.objects.filter(action="lead.rubric_update").exists()


def test_lead_admin_lists_and_shows_history_and_touches(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True, company_name="Admin View Ltd")
    NurtureTouchFactory(lead=lead, content="Webinar invitation")
    client = client_as(cast.admin)
    assert "Admin View Ltd" in client.get("/admin/leads/lead/").content.decode()
    page = client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    assert "Webinar invitation" in page
    assert client.get("/admin/leads/lead/add/").status_code == 403
