from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.opportunities.choices import ReviewStatus, Stage
from apps.opportunities.models import (
    Opportunity,
    OpportunityCredit,
    PipelineSettings,
    Proposal,
    Risk,
    SpinNote,
)
from tests.factories import (
    CustomerFactory,
    OpportunityCreditFactory,
    OpportunityFactory,
    ProposalFactory,
    RiskFactory,
    SpinNoteFactory,
)
from tests.opportunities.conftest import VISIBLE

pytestmark = pytest.mark.django_db

BASE = "/api/v1/opportunities/"
API_FIELDS = [
    "id",
    "name",
    "customer",
    "owner",
    "lead",
    "kind",
    "stage",
    "probability",
    "expected_amount",
    "expected_close_on",
    "needs_confirmed",
    "negotiation_reached_at",
    "negotiated_price",
    "delivery_cycle_days",
    "service_terms",
    "lost_reason",
    "closed_at",
    "credits",
    "created_at",
]


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- scoping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), VISIBLE)
def test_api_list_is_scoped_for_every_role(cast, api_as, book, role, expected):
    assert _ids(api_as(getattr(cast, role)).get(BASE)) == {book[key].pk for key in expected}


def test_api_refuses_anonymous(client, book):
    assert client.get(BASE).status_code in (401, 403)
    assert client.get(f"{BASE}{book['a'].pk}/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("role", "key", "status"),
    [
        ("rep_a", "shared", 200),
        ("rep_a", "b", 404),
        ("rep_a", "a2", 404),
        ("manager_a", "b", 404),
        ("manager_b", "a", 404),
        ("hr", "a", 200),
        ("admin", "b", 200),
    ],
)
def test_api_detail_is_scoped(cast, api_as, book, role, key, status):
    assert api_as(getattr(cast, role)).get(f"{BASE}{book[key].pk}/").status_code == status


def test_api_detail_has_the_documented_fields(cast, api_as, book):
    data = api_as(cast.rep_a).get(f"{BASE}{book['shared'].pk}/").json()
    for field in API_FIELDS:
        assert field in data, field
    assert data["credits"] == [
        {"rep": cast.rep_b.pk, "percent": "60.00"},
        {"rep": cast.rep_a.pk, "percent": "40.00"},
    ]
    assert data["expected_amount"] == "100000.00"
    assert data["probability"] == "10.00"


def test_api_credits_default_to_the_owner_at_100(cast, api_as, book):
    data = api_as(cast.rep_a).get(f"{BASE}{book['a'].pk}/").json()
    assert data["credits"] == [{"rep": cast.rep_a.pk, "percent": "100.00"}]


def test_api_list_query_count_does_not_grow_with_rows(cast, api_as):
    client = api_as(cast.manager_a)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BASE).status_code == 200
        return len(queries)

    def add(n):
        for index in range(n):
            opp = OpportunityFactory(owner=cast.rep_a if index % 2 else cast.rep_a2)
            OpportunityCreditFactory(opportunity=opp, rep=cast.rep_a, percent=Decimal("100"))

    add(2)
    few = count_queries()
    add(4)
    assert count_queries() == few


@pytest.mark.parametrize("path", ["/api/v1/spin-notes/", "/api/v1/proposals/", "/api/v1/risks/"])
def test_api_child_list_query_counts_do_not_grow(cast, api_as, path):
    client = api_as(cast.admin)
    factory = {
        "/api/v1/spin-notes/": SpinNoteFactory,
        "/api/v1/proposals/": ProposalFactory,
        "/api/v1/risks/": RiskFactory,
    }[path]

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    factory.create_batch(2)
    few = count_queries()
    factory.create_batch(4)
    assert count_queries() == few


def test_api_filters_by_stage_kind_customer_owner_team_and_search(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    target = OpportunityFactory(
        owner=cast.rep_a, customer=customer, name="ERP", stage=Stage.NEGOTIATION, kind="upgrade"
    )
    OpportunityFactory(owner=cast.rep_a2, name="Other")
    client = api_as(cast.manager_a)
    assert _ids(client.get(BASE, {"stage": "negotiation"})) == {target.pk}
    assert _ids(client.get(BASE, {"kind": "upgrade"})) == {target.pk}
    assert _ids(client.get(BASE, {"customer": customer.pk})) == {target.pk}
    assert _ids(client.get(BASE, {"owner": cast.rep_a.pk})) == {target.pk}
    assert _ids(client.get(BASE, {"q": "erp"})) == {target.pk}
    assert len(_ids(client.get(BASE, {"team": cast.team_a.pk}))) == 2


def test_api_filter_by_an_out_of_scope_customer_is_refused(cast, api_as):
    other = CustomerFactory(owner=cast.rep_b)
    assert api_as(cast.rep_a).get(BASE, {"customer": other.pk}).status_code == 400


# --- create / update ---------------------------------------------------------------------------


def test_api_create_records_the_first_stage_and_forces_the_rep_as_owner(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(
        BASE,
        {"name": "Pilot", "customer": customer.pk, "expected_amount": "12000.50"},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["owner"], data["stage"], data["probability"]) == (
        cast.rep_a.pk,
        "needs_discovery",
        "10.00",
    )
    assert data["expected_amount"] == "12000.50"
    history = api_as(cast.rep_a).get(f"{BASE}{data['id']}/stage-history/").json()
    assert [(row["from_stage"], row["to_stage"]) for row in history] == [("", "needs_discovery")]
    assert history[0]["changed_by"] == cast.rep_a.pk


def test_api_create_on_an_out_of_scope_customer_is_a_400_and_nothing_saved(cast, api_as):
    other = CustomerFactory(owner=cast.rep_b)
    response = api_as(cast.rep_a).post(BASE, {"name": "X", "customer": other.pk}, format="json")
    assert response.status_code == 400
    assert "customer" in response.json()
    assert not Opportunity.objects.exists()


def test_api_create_by_hr_is_forbidden(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.hr).post(BASE, {"name": "X", "customer": customer.pk}, format="json")
    assert response.status_code == 403
    assert not Opportunity.objects.exists()


def test_api_manager_create_with_credits(cast, api_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = api_as(cast.manager_a).post(
        BASE,
        {
            "name": "Joint deal",
            "customer": customer.pk,
            "owner": cast.rep_a.pk,
            "credits": [
                {"rep": cast.rep_a.pk, "percent": "50.00"},
                {"rep": cast.rep_a2.pk, "percent": "50.00"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["credits"]) == 2


def test_api_patch_terms_only_in_negotiation(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    client = api_as(cast.rep_a)
    response = client.patch(
        f"{BASE}{opportunity.pk}/", {"negotiated_price": "5000.00"}, format="json"
    )
    assert response.status_code == 400
    assert "negotiation" in response.json()["negotiated_price"][0]
    opportunity.refresh_from_db()
    assert opportunity.negotiated_price is None
    response = client.patch(f"{BASE}{opportunity.pk}/", {"needs_confirmed": True}, format="json")
    assert response.status_code == 200
    assert response.json()["needs_confirmed"] is True


def test_api_patch_by_hr_or_credit_holder_is_forbidden(cast, api_as, book):
    assert (
        api_as(cast.hr).patch(f"{BASE}{book['a'].pk}/", {"name": "x"}, format="json").status_code
        == 403
    )
    response = api_as(cast.rep_a).patch(f"{BASE}{book['shared'].pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    book["shared"].refresh_from_db()
    assert book["shared"].name == "Shared deal"


def test_api_has_no_delete(cast, api_as, book):
    assert api_as(cast.admin).delete(f"{BASE}{book['a'].pk}/").status_code == 405


# --- move --------------------------------------------------------------------------------------


def test_api_move_forward_and_history(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    client = api_as(cast.rep_a)
    response = client.post(
        f"{BASE}{opportunity.pk}/move/", {"stage": "solution_design", "note": "Demo done"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["stage"], response.json()["probability"]) == (
        "solution_design",
        "30.00",
    )
    history = client.get(f"{BASE}{opportunity.pk}/stage-history/").json()
    assert history[-1]["note"] == "Demo done"
    assert history[-1]["from_stage"] == "needs_discovery"


def test_api_move_lost_needs_a_reason(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(f"{BASE}{opportunity.pk}/move/", {"stage": "lost"})
    assert response.status_code == 400
    assert response.json()["lost_reason"] == ["Say why the opportunity was lost."]
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEEDS_DISCOVERY


def test_api_move_skip_is_a_400(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = api_as(cast.rep_a).post(f"{BASE}{opportunity.pk}/move/", {"stage": "won"})
    assert response.status_code == 400
    assert "one stage at a time" in response.json()["stage"][0]


def test_api_move_back_by_rep_is_403_and_by_manager_needs_a_note(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    url = f"{BASE}{opportunity.pk}/move/"
    assert (
        api_as(cast.rep_a).post(url, {"stage": "solution_design", "note": "x"}).status_code == 403
    )
    response = api_as(cast.manager_a).post(url, {"stage": "solution_design"})
    assert response.status_code == 400
    assert "note" in response.json()
    response = api_as(cast.manager_a).post(url, {"stage": "solution_design", "note": "Re-scope"})
    assert response.status_code == 200


def test_api_move_is_gated_by_pre_review(cast, api_as):
    PipelineSettings.objects.update_or_create(pk=1, defaults={"solution_pre_review": True})
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    url = f"{BASE}{opportunity.pk}/move/"
    response = api_as(cast.rep_a).post(url, {"stage": "negotiation"})
    assert response.status_code == 400
    assert "proposal must be approved" in response.json()["stage"][0]
    ProposalFactory(opportunity=opportunity, review_status=ReviewStatus.APPROVED)
    response = api_as(cast.rep_a).post(url, {"stage": "negotiation"})
    assert response.status_code == 200
    assert response.json()["negotiation_reached_at"] is not None


def test_api_move_out_of_scope_is_404(cast, api_as, book):
    response = api_as(cast.rep_a).post(f"{BASE}{book['b'].pk}/move/", {"stage": "lost"})
    assert response.status_code == 404


# --- credits -----------------------------------------------------------------------------------


def test_api_put_credits_replaces_the_split(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = api_as(cast.manager_a).put(
        f"{BASE}{opportunity.pk}/credits/",
        [{"rep": cast.rep_a.pk, "percent": "30.00"}, {"rep": cast.rep_a2.pk, "percent": "70.00"}],
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == [
        {"rep": cast.rep_a2.pk, "percent": "70.00"},
        {"rep": cast.rep_a.pk, "percent": "30.00"},
    ]
    assert AuditEntry.objects.filter(action="opportunity.credits").count() == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("rep_a", "60.00"), ("rep_a2", "39.99")], "add up to 99.99%"),
        ([("rep_a", "50.00"), ("rep_a", "50.00")], "appears more than once"),
        ([("rep_a", "100.00"), ("rep_a2", "0.00")], "must be more than 0%"),
    ],
)
def test_api_bad_credit_split_is_a_400_and_nothing_saved(cast, api_as, rows, message):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    payload = [{"rep": getattr(cast, rep).pk, "percent": percent} for rep, percent in rows]
    response = api_as(cast.manager_a).put(
        f"{BASE}{opportunity.pk}/credits/", payload, format="json"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["credits"])
    assert not OpportunityCredit.objects.exists()


def test_api_credit_for_someone_out_of_scope_reads_as_unknown(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = api_as(cast.manager_a).put(
        f"{BASE}{opportunity.pk}/credits/",
        [{"rep": cast.rep_b.pk, "percent": "100.00"}],
        format="json",
    )
    assert response.status_code == 400
    assert str(cast.rep_b) not in response.content.decode()
    assert not OpportunityCredit.objects.exists()


def test_api_get_credits_and_hr_may_not_put(cast, api_as, book):
    assert api_as(cast.hr).get(f"{BASE}{book['shared'].pk}/credits/").json() == [
        {"rep": cast.rep_b.pk, "percent": "60.00"},
        {"rep": cast.rep_a.pk, "percent": "40.00"},
    ]
    response = api_as(cast.hr).put(
        f"{BASE}{book['a'].pk}/credits/",
        [{"rep": cast.rep_a.pk, "percent": "100.00"}],
        format="json",
    )
    assert response.status_code == 403


# --- SPIN, proposals, risks --------------------------------------------------------------------


def test_api_spin_note_create_and_scope(cast, api_as, book):
    response = api_as(cast.rep_a).post(
        "/api/v1/spin-notes/",
        {"opportunity": book["a"].pk, "situation": "Two plants", "implicit_needs": "Speed"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == cast.rep_a.pk
    other = api_as(cast.rep_a).post(
        "/api/v1/spin-notes/", {"opportunity": book["b"].pk, "situation": "x"}, format="json"
    )
    assert other.status_code == 400
    assert SpinNote.objects.count() == 1
    SpinNoteFactory(opportunity=book["shared"])
    SpinNoteFactory(opportunity=book["b"])
    visible = {
        row["opportunity"]
        for row in api_as(cast.rep_a).get("/api/v1/spin-notes/").json()["results"]
    }
    assert visible == {book["a"].pk, book["shared"].pk}


def test_api_proposal_create_with_roi_submit_and_review(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    rep = api_as(cast.rep_a)
    response = rep.post(
        "/api/v1/proposals/",
        {
            "opportunity": opportunity.pk,
            "title": "Plan",
            "cost_budget": "0.00",
            "expected_gain": "500.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["roi_percent"] is None
    assert data["review_status"] == "not_submitted"
    pk = data["id"]
    assert rep.post(f"/api/v1/proposals/{pk}/submit/").json()["review_status"] == "pending"
    assert rep.post(f"/api/v1/proposals/{pk}/review/", {"decision": "approve"}).status_code == 403
    manager = api_as(cast.manager_a)
    bad = manager.post(f"/api/v1/proposals/{pk}/review/", {"decision": "reject"})
    assert bad.status_code == 400
    assert "comment" in bad.json()
    good = manager.post(
        f"/api/v1/proposals/{pk}/review/", {"decision": "reject", "comment": "Cost missing"}
    )
    assert good.json()["review_status"] == "rejected"
    assert good.json()["review_comment"] == "Cost missing"


def test_api_proposal_roi_is_a_decimal_string(cast, api_as):
    proposal = ProposalFactory(
        opportunity=OpportunityFactory(owner=cast.rep_a),
        cost_budget=Decimal("100"),
        expected_gain=Decimal("80"),
    )
    data = api_as(cast.rep_a).get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert data["roi_percent"] == "-20.00"


def test_api_proposal_multipart_upload_checks_the_type(cast, api_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    client = api_as(cast.rep_a)
    bad = client.post(
        "/api/v1/proposals/",
        {
            "opportunity": opportunity.pk,
            "title": "Plan",
            "cost_budget": "1",
            "expected_gain": "2",
            "attachment": SimpleUploadedFile("plan.txt", b"hello"),
        },
        format="multipart",
    )
    assert bad.status_code == 400
    assert "not an allowed type" in bad.json()["attachment"][0]
    assert not Proposal.objects.exists()
    good = client.post(
        "/api/v1/proposals/",
        {
            "opportunity": opportunity.pk,
            "title": "Plan",
            "cost_budget": "1",
            "expected_gain": "2",
            "attachment": SimpleUploadedFile("plan.docx", b"PK\x03\x04rest"),
        },
        format="multipart",
    )
    assert good.status_code == 201, good.content
    assert good.json()["attachment_url"].endswith(
        f"/opportunities/proposals/{good.json()['id']}/attachment/"
    )


def test_api_other_team_manager_cannot_reach_the_review(cast, api_as):
    proposal = ProposalFactory(
        opportunity=OpportunityFactory(owner=cast.rep_a), review_status=ReviewStatus.PENDING
    )
    response = api_as(cast.manager_b).post(
        f"/api/v1/proposals/{proposal.pk}/review/", {"decision": "approve"}
    )
    assert response.status_code == 404


def test_api_risks_create_patch_and_scope(cast, api_as, book):
    client = api_as(cast.rep_a)
    response = client.post(
        "/api/v1/risks/",
        {
            "opportunity": book["a"].pk,
            "kind": "payment_terms",
            "description": "90 days",
            "involves_finance": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    patched = client.patch(f"/api/v1/risks/{pk}/", {"status": "closed"}, format="json")
    assert patched.json()["status"] == "closed"
    assert (
        api_as(cast.hr).patch(f"/api/v1/risks/{pk}/", {"status": "open"}, format="json").status_code
        == 403
    )
    assert api_as(cast.rep_b).get(f"/api/v1/risks/{pk}/").status_code == 404
    assert Risk.objects.get().status == "closed"


# --- pipeline settings -------------------------------------------------------------------------


def test_api_pipeline_settings_read_by_all_and_written_by_hr_and_admin(cast, api_as):
    url = "/api/v1/pipeline-settings/"
    assert api_as(cast.rep_a).get(url).json()["solution_pre_review"] is False
    for user in (cast.rep_a, cast.manager_a):
        assert (
            api_as(user).put(url, {"solution_pre_review": True}, format="json").status_code == 403
        )
    response = api_as(cast.hr).patch(url, {"solution_pre_review": True}, format="json")
    assert response.status_code == 200
    assert response.json()["solution_pre_review"] is True
    assert PipelineSettings.current().solution_pre_review is True
    response = api_as(cast.admin).put(url, {"solution_pre_review": False}, format="json")
    assert response.json()["solution_pre_review"] is False
    assert AuditEntry.objects.filter(action="pipeline_settings.update").count() == 2


def test_api_pipeline_settings_refuses_anonymous(client):
    assert client.get("/api/v1/pipeline-settings/").status_code in (401, 403)
