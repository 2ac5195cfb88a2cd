"""The /api/v1/leads/ API: scoping, filters, A-first ordering, duplicates, actions, import."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.leads.models import Lead, NurtureTouch
from tests.factories import CustomerFactory, IndustryFactory, LeadFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/leads/"

NEW_LEAD = {
    "company_name": "Shenzhen Bright Optics Co., Ltd.",
    "contact_name": "Chen Jing",
    "phone": "+86 755 8888 0000",
    "email": "chen.jing@brightoptics.cn",
    "company_size": "medium",
    "need_match": "high",
    "decision_complexity": "simple",
    "source": "industry_platform",
}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def leads(cast):
    return {
        "a": LeadFactory(owner=cast.rep_a),
        "a2": LeadFactory(owner=cast.rep_a2),
        "b": LeadFactory(owner=cast.rep_b),
        "manager_a": LeadFactory(owner=cast.manager_a),
    }


# --- reading ----------------------------------------------------------------------------------


def test_anonymous_is_refused(client, leads):
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("rep_a", {"a"}),
        ("manager_a", {"a", "a2", "manager_a"}),
        ("manager_b", {"b"}),
        ("hr", {"a", "a2", "b", "manager_a"}),
        ("admin", {"a", "a2", "b", "manager_a"}),
    ],
)
def test_list_is_scoped_for_every_role(cast, api_as, leads, role, visible):
    response = api_as(getattr(cast, role)).get(URL)
    assert set(ids(response)) == {leads[key].pk for key in visible}


@pytest.mark.parametrize("role", ["rep_a", "manager_a"])
def test_out_of_scope_lead_is_not_found_on_every_route(cast, api_as, leads, role):
    api = api_as(getattr(cast, role))
    pk = leads["b"].pk
    assert api.get(f"{URL}{pk}/").status_code == 404
    assert api.patch(f"{URL}{pk}/", {"notes": "x"}, format="json").status_code == 404
    assert api.get(f"{URL}{pk}/touches/").status_code == 404
    for action in ("transition", "override-grade", "convert", "touches"):
        assert api.post(f"{URL}{pk}/{action}/", {}, format="json").status_code == 404
    leads["b"].refresh_from_db()
    assert leads["b"].notes == ""


def test_a_leads_come_first_then_b_then_c(cast, api_as):
    c_lead = LeadFactory(owner=cast.rep_a, grade_c=True)
    b_lead = LeadFactory(owner=cast.rep_a)
    a_old = LeadFactory(owner=cast.rep_a, grade_a=True)
    overridden_a = LeadFactory(owner=cast.rep_a, grade_c=True, grade_override="A")
    response = api_as(cast.rep_a).get(URL)
    assert ids(response) == [overridden_a.pk, a_old.pk, b_lead.pk, c_lead.pk]
    first = response.json()["results"][0]
    assert (first["grade"], first["rubric_grade"], first["grade_override"]) == ("A", "C", "A")


def test_list_query_count_does_not_grow_with_rows(cast, api_as, make_nurtured_leads):
    api = api_as(cast.manager_a)
    make = make_nurtured_leads
    make(2)
    api.get(URL)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert len(ids(api.get(URL))) == 2
    make(4)
    with CaptureQueriesContext(connection) as many:
        assert len(ids(api.get(URL))) == 6
    assert len(many) == len(few)


def test_filters_by_status_grade_source_industry_owner_team_and_search(cast, api_as):
    industry = IndustryFactory(name="Retail")
    hit = LeadFactory(
        owner=cast.rep_a2,
        grade_a=True,
        status="contacted",
        source="exhibition",
        industry=industry,
        contact_name="Zhou Min",
    )
    LeadFactory(owner=cast.rep_a)
    LeadFactory(owner=cast.rep_b, grade_a=True, source="exhibition")
    api = api_as(cast.admin)
    for params in (
        {"status": "contacted"},
        {"grade": "A", "team": cast.team_a.pk},
        {"source": "exhibition", "owner": cast.rep_a2.pk},
        {"industry": industry.pk},
        {"q": "zhou"},
        {"q": hit.phone[-6:]},
    ):
        assert ids(api.get(URL, params)) == [hit.pk], params


def test_date_range_filter_uses_created_at(cast, api_as):
    old = LeadFactory(owner=cast.rep_a)
    Lead.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    recent = LeadFactory(owner=cast.rep_a)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    api = api_as(cast.rep_a)
    assert ids(api.get(URL, {"date_after": since})) == [recent.pk]
    assert ids(api.get(URL, {"date_before": since})) == [old.pk]


def test_a_rep_cannot_filter_their_way_into_other_leads(cast, api_as, leads):
    response = api_as(cast.rep_a).get(URL, {"owner": cast.rep_b.pk})
    assert response.status_code == 400
    assert "owner" in response.json()


# --- create and edit --------------------------------------------------------------------------


def test_create_grades_the_lead_and_forces_a_rep_to_own_it(cast, api_as):
    # Issue #9: an owner or a grade a rep may not set was silently dropped (201); now refused.
    api = api_as(cast.rep_a)
    response = api.post(URL, {**NEW_LEAD, "owner": cast.rep_b.pk}, format="json")
    assert response.status_code == 403
    assert list(response.json()) == ["owner"]
    response = api.post(URL, {**NEW_LEAD, "grade": "C"}, format="json")
    assert response.status_code == 400
    assert "/override-grade/" in response.json()["grade"][0]
    assert not Lead.objects.exists()
    response = api.post(URL, {**NEW_LEAD, "owner": cast.rep_a.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rubric_grade"], body["grade"], body["grade_override"]) == ("A", "A", "")
    assert body["owner"] == cast.rep_a.pk
    assert body["status"] == "new"
    lead = Lead.objects.get(pk=body["id"])
    assert lead.phone_key == "75588880000"


def test_create_reports_field_errors_and_saves_nothing(cast, api_as):
    response = api_as(cast.rep_a).post(
        URL, {**NEW_LEAD, "company_size": "huge", "email": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"company_size", "email"}
    assert not Lead.objects.exists()


def test_create_referral_checks_the_referrer(cast, api_as):
    api = api_as(cast.rep_a)
    foreign = CustomerFactory(owner=cast.rep_b)
    response = api.post(
        URL, {**NEW_LEAD, "source": "customer_referral", "referred_by": foreign.pk}, format="json"
    )
    assert response.status_code == 400
    assert "referred_by" in response.json()
    response = api.post(URL, {**NEW_LEAD, "source": "customer_referral"}, format="json")
    assert response.json()["referred_by"] == ["A customer referral needs the referring customer."]
    mine = CustomerFactory(owner=cast.rep_a)
    response = api.post(
        URL, {**NEW_LEAD, "source": "customer_referral", "referred_by": mine.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["referred_by"] == mine.pk


def test_hr_reads_but_may_not_write(cast, api_as, leads):
    api = api_as(cast.hr)
    assert api.get(f"{URL}{leads['b'].pk}/").status_code == 200
    assert api.post(URL, {**NEW_LEAD, "owner": cast.rep_a.pk}, format="json").status_code == 403
    assert api.patch(f"{URL}{leads['b'].pk}/", {"notes": "x"}, format="json").status_code == 403
    pk = leads["b"].pk
    body = {"status": "contacted", "grade": "A", "reason": "x"}
    for action in ("transition", "override-grade", "convert", "touches"):
        assert api.post(f"{URL}{pk}/{action}/", body, format="json").status_code == 403
    assert Lead.objects.count() == 4


def test_manager_assigns_within_the_team(cast, api_as):
    api = api_as(cast.manager_a)
    response = api.post(URL, {**NEW_LEAD, "owner": cast.rep_a2.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["owner"] == cast.rep_a2.pk
    response = api.post(
        URL,
        {**NEW_LEAD, "company_name": "Other", "phone": "", "email": "", "owner": cast.rep_b.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "owner" in response.json()


def test_duplicate_is_refused_with_the_matches_until_confirmed(cast, api_as):
    LeadFactory(owner=cast.rep_b, company_name="SHENZHEN BRIGHT OPTICS")
    mine = CustomerFactory(owner=cast.rep_a, name="Another Name", email="CHEN.JING@brightoptics.cn")
    api = api_as(cast.rep_a)
    response = api.post(URL, NEW_LEAD, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "confirm_duplicate" in body["confirm_duplicate"][0]
    assert "existing record" in body["detail"]
    assert sorted(body["duplicates"], key=lambda d: d["kind"]) == [
        {
            "kind": "customer",
            "id": mine.pk,
            "name": "Another Name",
            "matched_on": ["email"],
            "visible": True,
        },
        {
            "kind": "lead",
            "id": None,
            "name": "a record owned by another rep",
            "matched_on": ["company_name"],
            "visible": False,
        },
    ]
    assert Lead.objects.count() == 1
    response = api.post(URL, {**NEW_LEAD, "confirm_duplicate": True}, format="json")
    assert response.status_code == 201
    assert Lead.objects.count() == 2


def test_patch_updates_regrades_and_checks_duplicates(cast, api_as):
    LeadFactory(owner=cast.rep_a, company_name="Taken Name")
    lead = LeadFactory(owner=cast.rep_a)
    api = api_as(cast.rep_a)
    response = api.patch(
        f"{URL}{lead.pk}/", {"need_match": "high", "grade": "C", "notes": "hot"}, format="json"
    )
    # Issue #9: the grade was silently dropped (200); it changes only through override-grade.
    assert response.status_code == 400
    assert list(response.json()) == ["grade"]
    lead.refresh_from_db()
    assert (lead.need_match, lead.grade) == ("medium", "B") and lead.notes != "hot"
    response = api.patch(f"{URL}{lead.pk}/", {"need_match": "high", "notes": "hot"}, format="json")
    assert response.status_code == 200
    assert (response.json()["grade"], response.json()["notes"]) == ("B", "hot")  # 7 points
    response = api.patch(f"{URL}{lead.pk}/", {"company_name": "TAKEN NAME"}, format="json")
    assert response.status_code == 400
    assert response.json()["duplicates"][0]["name"] == "Taken Name"
    response = api.patch(
        f"{URL}{lead.pk}/", {"company_name": "TAKEN NAME", "confirm_duplicate": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["company_name"] == "TAKEN NAME"


# --- actions ----------------------------------------------------------------------------------


def test_transition_endpoint_moves_and_refuses_skips(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    api = api_as(cast.rep_a)
    url = f"{URL}{lead.pk}/transition/"
    response = api.post(url, {"status": "qualified"}, format="json")
    assert response.status_code == 400
    assert "cannot become" in response.json()["status"][0]
    response = api.post(url, {"status": "contacted"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "contacted"
    assert response.json()["first_contacted_at"] is not None
    response = api.post(url, {"status": "disqualified"}, format="json")
    assert response.json() == {"reason": ["Say why the lead is disqualified."]}
    response = api.post(url, {"status": "converted"}, format="json")
    assert response.status_code == 400


def test_override_endpoint_for_the_owners_manager(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    url = f"{URL}{lead.pk}/override-grade/"
    assert api_as(cast.rep_a).post(url, {"grade": "A", "reason": "x"}).status_code == 403
    api = api_as(cast.manager_a)
    response = api.post(url, {"grade": "A"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Write down why the grade is changed."]}
    response = api.post(url, {"grade": "A", "reason": "Strategic account"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["grade"], body["rubric_grade"], body["override_reason"]) == (
        "A",
        "B",
        "Strategic account",
    )
    response = api.post(url, {"grade": "", "reason": "Back to the rubric"}, format="json")
    assert (response.status_code, response.json()["grade"]) == (200, "B")
    actions = AuditEntry.objects.for_object(lead).filter(action="lead.grade_override")
    assert actions.count() == 2


def test_convert_endpoint_returns_customer_and_opportunity(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a, status="qualified", grade_a=True)
    response = api_as(cast.rep_a).post(
        f"{URL}{lead.pk}/convert/",
        {"opportunity_name": "Line 2", "expected_amount": "120000.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lead"] == lead.pk and body["customer_created"] is True
    from apps.customers.models import Customer
    from apps.opportunities.models import Opportunity

    customer = Customer.objects.get(pk=body["customer"])
    assert (customer.lead_id, customer.lead_grade) == (lead.pk, "A")
    assert Opportunity.objects.get(pk=body["opportunity"]).lead_id == lead.pk


def test_convert_endpoint_refuses_an_unqualified_lead(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(f"{URL}{lead.pk}/convert/", {}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()


def test_touches_endpoint_lists_and_logs(cast, api_as):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True)
    api = api_as(cast.rep_a)
    url = f"{URL}{lead.pk}/touches/"
    today = timezone.localdate().isoformat()
    response = api.post(
        url, {"touched_on": today, "channel": "wechat", "content": "Case study"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["by"] == cast.rep_a.pk
    response = api.post(url, {"touched_on": today, "channel": "wechat"}, format="json")
    assert response.status_code == 400
    assert NurtureTouch.objects.count() == 1
    listing = api_as(cast.manager_a).get(url)
    assert [row["content"] for row in listing.json()] == ["Case study"]
    assert api_as(cast.rep_a).get(URL).json()["results"][0]["last_touch_on"] == today


# --- import -----------------------------------------------------------------------------------


def upload(content: bytes, name="leads.csv"):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


CSV_OK = (
    b"company_name,company_size,need_match,decision_complexity,source\n"
    b"Api Import One,large,high,simple,exhibition\n"
    b"Api Import Two,small,low,complex,cold_visit\n"
)


def test_import_endpoint_imports_a_good_file(cast, api_as):
    response = api_as(cast.rep_a).post(
        f"{URL}import/", {"file": upload(CSV_OK)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["imported"] == 2
    assert set(Lead.objects.values_list("grade", flat=True)) == {"A", "C"}


def test_import_endpoint_reports_every_bad_row_and_imports_nothing(cast, api_as):
    bad = CSV_OK + b",large,high,simple,exhibition\nApi Import One,large,high,simple,fax\n"
    response = api_as(cast.rep_a).post(f"{URL}import/", {"file": upload(bad)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "3 problems found; nothing was imported."
    assert [(e["line"], e["field"]) for e in body["errors"]] == [
        (4, "company_name"),
        (5, "company_name"),
        (5, "source"),
    ]
    assert not Lead.objects.exists()


def test_import_endpoint_refuses_hr_and_anonymous(cast, api_as, client):
    assert client.post(f"{URL}import/", {"file": upload(CSV_OK)}).status_code in (401, 403)
    response = api_as(cast.hr).post(f"{URL}import/", {"file": upload(CSV_OK)}, format="multipart")
    assert response.status_code == 403
    assert not Lead.objects.exists()
