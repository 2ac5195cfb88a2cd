"""Duplicate detection: normalised company name, phone and e-mail against every lead and
customer, revealing only what the person may see."""

import pytest

from apps.core.models import AuditEntry
from apps.leads import services
from apps.leads.models import Lead
from apps.leads.selectors import find_duplicates
from apps.leads.services import DuplicateLeadError
from tests.factories import CustomerFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_company_name_matches_across_case_and_legal_suffix(cast):
    existing = LeadFactory(owner=cast.rep_a, company_name="Acme Co., Ltd.")
    matches = find_duplicates(company_name="ACME", user=cast.rep_a)
    assert [(m.kind, m.id, m.matched_on) for m in matches] == [
        ("lead", existing.pk, ("company_name",))
    ]
    assert find_duplicates(company_name="Acme Robotics", user=cast.rep_a) == []


def test_chinese_company_suffix_is_ignored(cast):
    LeadFactory(owner=cast.rep_a, company_name="华信精密机械有限公司")
    assert len(find_duplicates(company_name="华信精密机械", user=cast.rep_a)) == 1


def test_phone_matches_with_country_code_and_punctuation(cast):
    LeadFactory(owner=cast.rep_a, company_name="One", phone="13812345678")
    matches = find_duplicates(company_name="Two", phone="+86 138-1234-5678", user=cast.rep_a)
    assert [m.matched_on for m in matches] == [("phone",)]
    assert find_duplicates(company_name="Two", phone="0086 13812345678", user=cast.rep_a)


def test_email_matches_regardless_of_case(cast):
    LeadFactory(owner=cast.rep_a, company_name="One", email="li.wei@acme.cn")
    matches = find_duplicates(company_name="Two", email=" Li.Wei@ACME.cn", user=cast.rep_a)
    assert [m.matched_on for m in matches] == [("email",)]


def test_customers_are_matched_too(cast):
    customer = CustomerFactory(owner=cast.rep_a, name="Acme Ltd", phone="021-5555 0000")
    matches = find_duplicates(company_name="ACME", phone="02155550000", user=cast.rep_a)
    assert [(m.kind, m.id, m.matched_on) for m in matches] == [
        ("customer", customer.pk, ("company_name", "phone"))
    ]


def test_other_reps_records_are_matched_but_not_named(cast):
    LeadFactory(owner=cast.rep_b, company_name="Secret Prospect Ltd")
    CustomerFactory(owner=cast.rep_b, name="Secret Prospect")
    matches = find_duplicates(company_name="secret prospect", user=cast.rep_a)
    assert len(matches) == 2
    for match in matches:
        assert match.visible is False
        assert match.as_dict()["name"] == "a record owned by another rep"
        assert match.as_dict()["id"] is None
        assert "Secret" not in str(match.as_dict())


def test_managers_see_their_teams_matches_and_hr_sees_all(cast):
    lead = LeadFactory(owner=cast.rep_a2, company_name="Team Deal")
    for viewer in (cast.manager_a, cast.hr, cast.admin):
        (match,) = find_duplicates(company_name="Team Deal", user=viewer)
        assert match.visible and match.as_dict() == {
            "kind": "lead",
            "id": lead.pk,
            "name": "Team Deal",
            "matched_on": ["company_name"],
            "visible": True,
        }
    (match,) = find_duplicates(company_name="Team Deal", user=cast.manager_b)
    assert not match.visible


def test_the_lead_itself_and_its_customer_are_excluded(cast):
    lead = LeadFactory(owner=cast.rep_a, company_name="Self Ltd")
    CustomerFactory(owner=cast.rep_a, name="Self Ltd", lead=lead)
    assert find_duplicates(company_name="Self", exclude_lead_id=lead.pk, user=cast.rep_a) == []


def test_nothing_to_match_on_finds_nothing(cast):
    LeadFactory(owner=cast.rep_a, company_name="...", phone="", email="")
    assert find_duplicates(company_name="!!!", user=cast.rep_a) == []


def test_create_is_refused_until_the_duplicate_is_confirmed(cast):
    LeadFactory(owner=cast.rep_b, company_name="Acme Co., Ltd.")
    data = {
        "company_name": "ACME",
        "company_size": "small",
        "need_match": "low",
        "decision_complexity": "complex",
        "source": "cold_visit",
    }
    with pytest.raises(DuplicateLeadError) as excinfo:
        services.lead_create(actor=cast.rep_a, **data)
    assert "looks like 1 existing record" in excinfo.value.message_dict["confirm_duplicate"][0]
    assert [m.visible for m in excinfo.value.matches] == [False]
    assert Lead.objects.count() == 1
    lead = services.lead_create(actor=cast.rep_a, confirm_duplicate=True, **data)
    assert Lead.objects.count() == 2
    entry = AuditEntry.objects.for_object(lead).get(action="lead.duplicate_confirmed")
    assert entry.actor == cast.rep_a


def test_update_asks_only_when_company_phone_or_email_change(cast):
    LeadFactory(owner=cast.rep_a, company_name="Taken Ltd")
    lead = LeadFactory(owner=cast.rep_a, company_name="Free Ltd")
    services.lead_update(actor=cast.rep_a, lead=lead, notes="no key change")
    with pytest.raises(DuplicateLeadError):
        services.lead_update(actor=cast.rep_a, lead=lead, company_name="TAKEN")
    lead.refresh_from_db()
    assert lead.company_name == "Free Ltd"
    services.lead_update(actor=cast.rep_a, lead=lead, company_name="TAKEN", confirm_duplicate=True)
    lead.refresh_from_db()
    assert lead.company_key == "taken"
