import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.core.models import AuditEntry
from apps.opportunities.choices import OpportunityKind, ReviewStatus, RiskKind, Stage
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

LIST = reverse("opportunities:opportunity-list")


def url(name, pk):
    return reverse(f"opportunities:{name}", kwargs={"pk": pk})


# --- scoping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), VISIBLE)
def test_list_shows_each_role_only_its_scope(cast, client_as, book, role, expected):
    response = client_as(getattr(cast, role)).get(LIST)
    assert response.status_code == 200
    names = {o.pk for o in response.context["opportunities"]}
    assert names == {book[key].pk for key in expected}


def test_anonymous_is_sent_to_sign_in(client, book):
    for target in (LIST, url("opportunity-detail", book["a"].pk)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "key", "status"),
    [
        ("rep_a", "a", 200),
        ("rep_a", "shared", 200),
        ("rep_a", "a2", 404),
        ("rep_a", "b", 404),
        ("manager_a", "a2", 200),
        ("manager_a", "b", 404),
        ("manager_a", "shared", 200),
        ("hr", "b", 200),
        ("admin", "b", 200),
    ],
)
def test_detail_is_scoped(cast, client_as, book, role, key, status):
    response = client_as(getattr(cast, role)).get(url("opportunity-detail", book[key].pk))
    assert response.status_code == status


def test_credit_holder_sees_the_shared_opportunity_but_may_not_change_it(cast, client_as, book):
    client = client_as(cast.rep_a)
    response = client.get(url("opportunity-detail", book["shared"].pk))
    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert client.get(url("opportunity-update", book["shared"].pk)).status_code == 403
    response = client.post(url("opportunity-move", book["shared"].pk), {"stage": "lost"})
    assert response.status_code == 403


def test_hr_reads_but_every_write_page_is_forbidden(cast, client_as, book):
    client = client_as(cast.hr)
    pk = book["a"].pk
    assert client.get(url("opportunity-detail", pk)).status_code == 200
    for name in (
        "opportunity-update",
        "opportunity-move",
        "opportunity-credits",
        "spin-create",
        "proposal-create",
        "risk-create",
    ):
        assert client.get(url(name, pk)).status_code == 403, name
        assert client.post(url(name, pk), {}).status_code == 403, name
    assert client.get(reverse("opportunities:opportunity-create")).status_code == 403


def test_list_query_count_does_not_grow_with_rows(cast, client_as):
    client = client_as(cast.manager_a)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for index in range(3):
        opp = OpportunityFactory(owner=cast.rep_a if index % 2 else cast.rep_a2)
        OpportunityCreditFactory(opportunity=opp, rep=cast.rep_a, percent=Decimal("100"))
    few = count_queries()
    for index in range(6):
        opp = OpportunityFactory(owner=cast.rep_a if index % 2 else cast.rep_a2)
        OpportunityCreditFactory(opportunity=opp, rep=cast.rep_a2, percent=Decimal("100"))
    assert count_queries() == few


# --- list board and filters --------------------------------------------------------------------


def test_board_counts_and_sums_by_stage(cast, client_as):
    OpportunityFactory(owner=cast.rep_a, expected_amount=Decimal("100.00"))
    OpportunityFactory(owner=cast.rep_a, expected_amount=Decimal("250.50"))
    OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION, expected_amount=None)
    OpportunityFactory(owner=cast.rep_b, expected_amount=Decimal("999.00"))
    response = client_as(cast.rep_a).get(LIST)
    board = {row["stage"]: row for row in response.context["board"]}
    assert board[Stage.NEEDS_DISCOVERY]["count"] == 2
    assert board[Stage.NEEDS_DISCOVERY]["amount"] == Decimal("350.50")
    assert board[Stage.NEGOTIATION]["count"] == 1
    assert board[Stage.WON]["count"] == 0
    assert list(board) == [
        "needs_discovery",
        "solution_design",
        "negotiation",
        "won",
        "delivered",
        "lost",
    ]


def test_list_filters_by_stage_kind_and_search(cast, client_as):
    erp = OpportunityFactory(owner=cast.rep_a, name="ERP rollout", stage=Stage.NEGOTIATION)
    OpportunityFactory(owner=cast.rep_a, name="Maintenance", kind=OpportunityKind.MAINTENANCE)
    client = client_as(cast.rep_a)
    assert [o.pk for o in client.get(LIST, {"stage": "negotiation"}).context["opportunities"]] == [
        erp.pk
    ]
    maintenance = client.get(LIST, {"kind": "maintenance"}).context["opportunities"]
    assert [o.name for o in maintenance] == ["Maintenance"]
    assert [o.pk for o in client.get(LIST, {"q": "erp"}).context["opportunities"]] == [erp.pk]


def test_empty_list_shows_the_empty_state(cast, client_as):
    response = client_as(cast.rep_a).get(LIST)
    assert b"No opportunities match these filters." in response.content


# --- create and edit ---------------------------------------------------------------------------


def test_rep_creates_an_opportunity_in_the_browser(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    response = client_as(cast.rep_a).post(
        reverse("opportunities:opportunity-create"),
        {"name": "Warehouse pilot", "customer": customer.pk, "kind": "new_business"},
    )
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("opportunity-detail", opportunity.pk)
    assert opportunity.owner == cast.rep_a
    assert opportunity.stage_changes.count() == 1


def test_create_form_preselects_the_customer_for_cross_sell(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a)
    OpportunityFactory(owner=cast.rep_a, customer=customer)
    response = client_as(cast.rep_a).get(
        reverse("opportunities:opportunity-create"), {"customer": customer.pk}
    )
    form = response.context["form"]
    assert form.initial["customer"] == customer.pk
    assert form.initial["kind"] == "cross_sell"
    assert "owner" not in form.fields


def test_create_form_ignores_a_customer_outside_scope(cast, client_as):
    other = CustomerFactory(owner=cast.rep_b)
    response = client_as(cast.rep_a).get(
        reverse("opportunities:opportunity-create"), {"customer": other.pk}
    )
    assert "customer" not in response.context["form"].initial


def test_create_refuses_a_customer_outside_scope_with_a_message(cast, client_as):
    other = CustomerFactory(owner=cast.rep_b)
    response = client_as(cast.rep_a).post(
        reverse("opportunities:opportunity-create"),
        {"name": "Sneaky", "customer": other.pk, "kind": "new_business"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["customer"]
    assert not Opportunity.objects.exists()


def test_manager_assigns_to_a_team_member_in_the_browser(cast, client_as):
    customer = CustomerFactory(owner=cast.rep_a2)
    client_as(cast.manager_a).post(
        reverse("opportunities:opportunity-create"),
        {"name": "Team deal", "customer": customer.pk, "owner": cast.rep_a2.pk, "kind": "upgrade"},
    )
    assert Opportunity.objects.get().owner == cast.rep_a2


def test_edit_shows_terms_only_in_negotiation(cast, client_as):
    client = client_as(cast.rep_a)
    early = OpportunityFactory(owner=cast.rep_a)
    assert (
        "negotiated_price"
        not in client.get(url("opportunity-update", early.pk)).context["form"].fields
    )
    late = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    response = client.post(
        url("opportunity-update", late.pk),
        {
            "name": late.name,
            "customer": late.customer_id,
            "kind": late.kind,
            "negotiated_price": "88000.00",
            "delivery_cycle_days": "30",
            "service_terms": "Support 5x8",
            "needs_confirmed": "on",
        },
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.negotiated_price == Decimal("88000.00")
    assert late.delivery_cycle_days == 30
    assert late.needs_confirmed is True


# --- moves -------------------------------------------------------------------------------------


def test_move_form_offers_only_allowed_stages(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    rep_choices = client_as(cast.rep_a).get(url("opportunity-move", opportunity.pk))
    assert [c[0] for c in rep_choices.context["form"].fields["stage"].choices] == [
        "negotiation",
        "lost",
    ]
    manager_choices = client_as(cast.manager_a).get(url("opportunity-move", opportunity.pk))
    assert "needs_discovery" in [
        c[0] for c in manager_choices.context["form"].fields["stage"].choices
    ]


def test_move_in_the_browser_records_the_change_and_shows_it_on_the_timeline(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    client = client_as(cast.rep_a)
    response = client.post(
        url("opportunity-move", opportunity.pk), {"stage": "solution_design", "note": "Met CTO"}
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.SOLUTION_DESIGN
    page = client.get(url("opportunity-detail", opportunity.pk))
    assert b"Met CTO" in page.content
    assert [c.to_stage for c in page.context["history"]] == ["needs_discovery", "solution_design"]


def test_lost_without_reason_in_the_browser_shows_the_error(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = client_as(cast.rep_a).post(
        url("opportunity-move", opportunity.pk), {"stage": "lost"}
    )
    assert response.status_code == 200
    assert "Say why the opportunity was lost." in response.context["form"].errors["lost_reason"]
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.NEEDS_DISCOVERY


def test_pre_review_error_is_shown_in_the_browser(cast, client_as):
    PipelineSettings.objects.update_or_create(pk=1, defaults={"solution_pre_review": True})
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    response = client_as(cast.rep_a).post(
        url("opportunity-move", opportunity.pk), {"stage": "negotiation"}
    )
    assert response.status_code == 200
    assert "proposal must be approved" in " ".join(response.context["form"].errors["stage"])


# --- credits -----------------------------------------------------------------------------------


def _credit_post(rows):
    data = {
        "credits-TOTAL_FORMS": str(len(rows)),
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }
    for index, (rep, percent) in enumerate(rows):
        data[f"credits-{index}-rep"] = rep.pk if rep else ""
        data[f"credits-{index}-percent"] = percent
    return data


def test_manager_saves_a_credit_split_in_the_browser(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = client_as(cast.manager_a).post(
        url("opportunity-credits", opportunity.pk),
        _credit_post([(cast.rep_a, "70"), (cast.rep_a2, "30"), (None, "")]),
    )
    assert response.status_code == 302
    assert {c.rep_id: c.percent for c in OpportunityCredit.objects.all()} == {
        cast.rep_a.pk: Decimal("70.00"),
        cast.rep_a2.pk: Decimal("30.00"),
    }


def test_credit_split_not_totalling_100_shows_the_error_and_saves_nothing(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = client_as(cast.manager_a).post(
        url("opportunity-credits", opportunity.pk),
        _credit_post([(cast.rep_a, "60"), (cast.rep_a2, "39.99")]),
    )
    assert response.status_code == 200
    assert any("99.99%" in error for error in response.context["credit_errors"])
    assert b"99.99%" in response.content
    assert not OpportunityCredit.objects.exists()


def test_credit_form_offers_only_people_in_scope(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    response = client_as(cast.manager_a).get(url("opportunity-credits", opportunity.pk))
    choices = set(response.context["formset"].forms[0].fields["rep"].queryset)
    assert cast.rep_b not in choices
    assert {cast.rep_a, cast.rep_a2, cast.manager_a} <= choices


def test_edit_and_credit_choices_survive_distinct_querysets(cast, client_as, monkeypatch):
    """Issue #9: a choice list built by OR-ing a DISTINCT queryset with another answered 500
    ("Cannot combine a unique query with a non-unique query"). The owner/customer choices of
    the edit form and the people a credit may go to must not depend on how the scope and owner
    querysets are built."""
    from apps.accounts.models import UserQuerySet
    from apps.opportunities import forms

    owners = forms.assignable_owners
    monkeypatch.setattr(forms, "assignable_owners", lambda user: owners(user).distinct())
    visible_to = UserQuerySet.visible_to
    monkeypatch.setattr(
        UserQuerySet, "visible_to", lambda self, user: visible_to(self, user).distinct()
    )
    opportunity = OpportunityFactory(owner=cast.rep_a, customer__owner=cast.rep_a)
    OpportunityCreditFactory(opportunity=opportunity, rep=cast.rep_a, percent=Decimal("100"))
    client = client_as(cast.manager_a)
    response = client.get(url("opportunity-update", opportunity.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["owner"].queryset) == {cast.manager_a, cast.rep_a, cast.rep_a2}
    assert opportunity.customer in form.fields["customer"].queryset
    response = client.get(url("opportunity-credits", opportunity.pk))
    assert response.status_code == 200
    choices = set(response.context["formset"].forms[0].fields["rep"].queryset)
    assert choices == {cast.manager_a, cast.rep_a, cast.rep_a2}
    response = client.post(
        url("opportunity-credits", opportunity.pk),
        _credit_post([(cast.rep_a, "60"), (cast.rep_a2, "40")]),
    )
    assert response.status_code == 302
    assert {c.rep_id: c.percent for c in OpportunityCredit.objects.all()} == {
        cast.rep_a.pk: Decimal("60.00"),
        cast.rep_a2.pk: Decimal("40.00"),
    }


# --- SPIN, proposals, risks --------------------------------------------------------------------


def test_spin_note_in_the_browser(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    client = client_as(cast.rep_a)
    empty = client.post(url("spin-create", opportunity.pk), {})
    assert empty.status_code == 200
    assert "at least one part" in " ".join(empty.context["form"].errors["situation"])
    assert not SpinNote.objects.exists()
    client.post(url("spin-create", opportunity.pk), {"problem": "Slow supply chain"})
    assert SpinNote.objects.get().problem == "Slow supply chain"
    assert b"Slow supply chain" in client.get(url("opportunity-detail", opportunity.pk)).content


def _proposal_data(**extra):
    return {
        "title": "Digital warehouse",
        "cost_budget": "100000",
        "expected_gain": "125000",
        **extra,
    }


def test_proposal_with_a_pdf_attachment_is_saved_and_downloadable(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.SOLUTION_DESIGN)
    client = client_as(cast.rep_a)
    pdf = SimpleUploadedFile("offer.pdf", b"%PDF-1.7 test", content_type="application/pdf")
    response = client.post(url("proposal-create", opportunity.pk), _proposal_data(attachment=pdf))
    proposal = Proposal.objects.get()
    assert response["Location"] == url("proposal-detail", proposal.pk)
    assert proposal.roi_percent == Decimal("25.00")
    page = client.get(url("proposal-detail", proposal.pk))
    assert b"25.0%" in page.content
    download = client.get(url("proposal-attachment", proposal.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_as(cast.rep_b).get(url("proposal-attachment", proposal.pk)).status_code == 404


def test_proposal_attachment_of_a_wrong_type_is_refused(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client_as(cast.rep_a).post(
        url("proposal-create", opportunity.pk), _proposal_data(attachment=script)
    )
    assert response.status_code == 200
    assert "not an allowed type" in " ".join(response.context["form"].errors["attachment"])
    assert not Proposal.objects.exists()


def test_proposal_attachment_whose_content_does_not_match_is_refused(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    fake = SimpleUploadedFile("offer.pdf", b"<html>", content_type="application/pdf")
    response = client_as(cast.rep_a).post(
        url("proposal-create", opportunity.pk), _proposal_data(attachment=fake)
    )
    assert "does not look like a pdf" in " ".join(response.context["form"].errors["attachment"])
    assert not Proposal.objects.exists()


def test_proposal_attachment_above_10_mb_is_refused(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024))
    response = client_as(cast.rep_a).post(
        url("proposal-create", opportunity.pk), _proposal_data(attachment=big)
    )
    assert "at most 10 MB" in " ".join(response.context["form"].errors["attachment"])
    assert not Proposal.objects.exists()


def test_proposal_submit_and_review_in_the_browser(cast, client_as):
    proposal = ProposalFactory(opportunity=OpportunityFactory(owner=cast.rep_a))
    rep = client_as(cast.rep_a)
    assert rep.get(url("proposal-detail", proposal.pk)).context["can_submit"] is True
    rep.post(url("proposal-submit", proposal.pk))
    proposal.refresh_from_db()
    assert proposal.review_status == ReviewStatus.PENDING
    assert rep.get(url("proposal-review", proposal.pk)).status_code == 403

    manager = client_as(cast.manager_a)
    assert manager.get(url("proposal-detail", proposal.pk)).context["can_review"] is True
    missing = manager.post(url("proposal-review", proposal.pk), {"decision": "reject"})
    assert "why the proposal is rejected" in " ".join(missing.context["form"].errors["comment"])
    manager.post(url("proposal-review", proposal.pk), {"decision": "approve", "comment": "OK"})
    proposal.refresh_from_db()
    assert proposal.review_status == ReviewStatus.APPROVED
    assert AuditEntry.objects.filter(action="proposal.approve").exists()


def test_other_team_manager_may_not_review(cast, client_as):
    proposal = ProposalFactory(
        opportunity=OpportunityFactory(owner=cast.rep_a), review_status=ReviewStatus.PENDING
    )
    response = client_as(cast.manager_b).post(
        url("proposal-review", proposal.pk), {"decision": "approve"}
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.review_status == ReviewStatus.PENDING


def test_risk_create_and_update_in_the_browser(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    client = client_as(cast.rep_a)
    client.post(
        url("risk-create", opportunity.pk),
        {
            "kind": RiskKind.REQUIREMENT_CHANGE,
            "description": "Scope creep",
            "involves_legal": "on",
            "status": "open",
        },
    )
    risk = Risk.objects.get()
    assert risk.involves_legal is True
    response = client.post(
        url("risk-update", risk.pk),
        {
            "kind": risk.kind,
            "description": "Scope creep",
            "mitigation": "CR process",
            "status": "mitigated",
        },
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.mitigation) == ("mitigated", "CR process")


def test_detail_page_shows_every_section(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a, stage=Stage.NEGOTIATION)
    SpinNoteFactory(opportunity=opportunity, situation="Three plants")
    ProposalFactory(opportunity=opportunity, title="Plan A", cost_budget=Decimal("0"))
    RiskFactory(opportunity=opportunity, description="Payment terms dispute")
    OpportunityCreditFactory(opportunity=opportunity, rep=cast.rep_a, percent=Decimal("100"))
    response = client_as(cast.manager_a).get(url("opportunity-detail", opportunity.pk))
    content = response.content.decode()
    for text in ("Three plants", "Plan A", "Payment terms dispute", "Stage history", "100.00%"):
        assert text in content
    assert f"/activities/new/?opportunity={opportunity.pk}" in content


def test_detail_page_shows_the_audit_trail_only_when_there_is_one(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    target = url("opportunity-detail", opportunity.pk)
    assert "Audit trail" not in client_as(cast.manager_a).get(target).content.decode()
    for actor in (cast.manager_a, None):
        AuditEntry.objects.create(
            target=opportunity, action="opportunity.update", actor=actor, subject_user=cast.rep_a
        )
    AuditEntry.objects.update(at=timezone.make_aware(datetime.datetime(2026, 3, 4, 15, 7)))
    html = re.sub(r"\s*\n\s*", "", client_as(cast.manager_a).get(target).content.decode())
    assert (
        '<section class="opp-section"><h2>Audit trail</h2><table class="list"><thead><tr>'
        '<th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>'
        "<tbody><tr><td>2026-03-04 15:07</td><td>—</td><td>Opportunity changed</td></tr>"
        f"<tr><td>2026-03-04 15:07</td><td>{escape(cast.manager_a)}</td>"
        "<td>Opportunity changed</td></tr></tbody></table></section>"
    ) in html


# --- pipeline settings -------------------------------------------------------------------------


def test_pipeline_settings_page_is_for_hr_and_admin(cast, client_as):
    target = reverse("opportunities:pipeline-settings")
    for user in (cast.rep_a, cast.manager_a):
        assert client_as(user).get(target).status_code == 403
        assert client_as(user).post(target, {"solution_pre_review": "on"}).status_code == 403
    assert PipelineSettings.current().solution_pre_review is False
    response = client_as(cast.hr).post(target, {"solution_pre_review": "on"})
    assert response.status_code == 302
    assert PipelineSettings.current().solution_pre_review is True
    assert AuditEntry.objects.filter(action="pipeline_settings.update", actor=cast.hr).exists()
    assert client_as(cast.admin).get(target).status_code == 200


def test_needs_confirmed_toggle_on_the_detail_page(cast, client_as):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    target = url("opportunity-needs-confirmed", opportunity.pk)
    assert client_as(cast.rep_a).post(target, {"needs_confirmed": "1"}).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.needs_confirmed is True
    assert client_as(cast.hr).post(target, {"needs_confirmed": "0"}).status_code == 403
    assert client_as(cast.rep_b).post(target, {"needs_confirmed": "0"}).status_code == 404
    client_as(cast.manager_a).post(target, {"needs_confirmed": "0"})
    opportunity.refresh_from_db()
    assert opportunity.needs_confirmed is False
