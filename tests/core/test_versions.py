"""Issue #9 item 7, lost updates: every editable record carries a version; a save based on an
old version is refused (API: 412 with the current record; browser: the form again with both
values), nothing is overwritten."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.core.models import VersionedModel
from apps.core.versions import (
    STALE_MESSAGE,
    BadIfMatch,
    StaleVersionError,
    check_version,
    if_match_versions,
)
from apps.leads import services as lead_services
from apps.leads.models import Lead
from apps.performance import services as performance_services
from apps.performance.models import Target
from tests.factories import LeadFactory, TargetFactory

pytestmark = pytest.mark.django_db

LEADS = "/api/v1/leads/"
TARGETS = "/api/v1/targets/"

LEAD_FORM = {
    "contact_name": "Wu Fang",
    "phone": "0571 8888 1234",
    "email": "wu.fang@greentea.cn",
    "company_size": "medium",
    "need_match": "medium",
    "decision_complexity": "moderate",
    "source": "social_media",
}

EDITABLE = {
    "accounts": {"User", "Team", "EmployeeProfile"},
    "activities": {"Activity"},
    "customers": {"Customer", "Contact", "HealthReport", "MarketInsight", "ProductFeedback"},
    "leads": {"Lead", "GradingRubric"},
    "opportunities": {"Opportunity", "SpinNote", "Proposal", "Risk", "PipelineSettings"},
    "performance": {"Target", "PeriodSetting", "PdcaNote"},
    "reminders": {"ReminderRule", "NotificationPreference", "DigestPreference"},
    "sales": {"Order", "Delivery", "DeliveryQuestion"},
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the model and the core check ---------------------------------------------------------


def test_every_editable_record_carries_a_version():
    for app_label, names in EDITABLE.items():
        for name in names:
            model = apps.get_model(app_label, name)
            assert issubclass(model, VersionedModel), model


def test_each_save_raises_the_version_by_one_in_the_same_update(cast):
    lead = LeadFactory(owner=cast.rep_a)
    assert lead.version == 1
    lead.notes = "first"
    lead.save()
    assert lead.version == 2  # read back from the UPDATE, not guessed
    lead.notes = "second"
    lead.save(update_fields=["notes"])
    lead.refresh_from_db()
    assert (lead.version, lead.notes) == (3, "second")


def test_check_version_refuses_a_stale_version_with_the_current_values(cast):
    lead = LeadFactory(owner=cast.rep_a, notes="mine")
    stale = Lead.objects.get(pk=lead.pk)
    lead.notes = "theirs"
    lead.save()
    assert check_version(lead, 2) is lead
    assert check_version(stale, None) is stale  # no expectation, no check
    with pytest.raises(StaleVersionError) as caught:
        check_version(stale, 1)
    assert caught.value.current_version == 2
    assert caught.value.current_values["notes"] == "theirs"
    assert caught.value.messages == [str(STALE_MESSAGE)]


def test_if_match_header_parsing():
    assert if_match_versions(None) is None
    assert if_match_versions("*") is None
    assert if_match_versions('"3"') == [3]
    assert if_match_versions('W/"3", "4"') == [3, 4]
    assert if_match_versions("3") == [3]
    with pytest.raises(BadIfMatch):
        if_match_versions('"abc"')


def test_services_refuse_a_stale_expected_version_and_write_nothing(cast):
    lead = LeadFactory(owner=cast.rep_a, notes="original")
    lead_services.lead_update(actor=cast.rep_a, lead=lead, notes="first", expected_version=1)
    with pytest.raises(StaleVersionError):
        lead_services.lead_update(actor=cast.rep_a, lead=lead, notes="second", expected_version=1)
    lead.refresh_from_db()
    assert (lead.notes, lead.version) == ("first", 2)

    target = TargetFactory(rep=cast.rep_a, period_key="2026-Q4")
    performance_services.target_set(
        actor=cast.manager_a,
        rep=cast.rep_a,
        period_key="2026-Q4",
        sales_target="5",
        expected_version=1,
    )
    with pytest.raises(StaleVersionError):
        performance_services.target_set(
            actor=cast.manager_a,
            rep=cast.rep_a,
            period_key="2026-Q4",
            sales_target="7",
            expected_version=1,
        )
    target.refresh_from_db()
    assert (target.sales_target, target.version) == (Decimal("5.00"), 2)


# --- API: ETag and If-Match ---------------------------------------------------------------


def test_api_lead_etag_changes_after_each_save_and_if_match_current_succeeds(cast):
    lead = LeadFactory(owner=cast.rep_a)
    client = api(cast.rep_a)
    response = client.get(f"{LEADS}{lead.pk}/")
    assert response["ETag"] == '"1"'
    response = client.patch(
        f"{LEADS}{lead.pk}/", {"notes": "one"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'
    assert client.get(f"{LEADS}{lead.pk}/")["ETag"] == '"2"'
    # No If-Match: today's behaviour (no check), still a new ETag.
    response = client.patch(f"{LEADS}{lead.pk}/", {"notes": "two"}, format="json")
    assert (response.status_code, response["ETag"]) == (200, '"3"')


def test_api_lead_concurrent_edit_second_gets_412_and_the_first_stays(cast):
    lead = LeadFactory(owner=cast.rep_a, notes="original")
    rep, manager = api(cast.rep_a), api(cast.manager_a)
    tag_rep = rep.get(f"{LEADS}{lead.pk}/")["ETag"]
    tag_manager = manager.get(f"{LEADS}{lead.pk}/")["ETag"]
    first = rep.patch(
        f"{LEADS}{lead.pk}/", {"notes": "rep's"}, format="json", HTTP_IF_MATCH=tag_rep
    )
    assert first.status_code == 200
    second = manager.patch(
        f"{LEADS}{lead.pk}/",
        {"notes": "manager's", "contact_name": "Someone Else"},
        format="json",
        HTTP_IF_MATCH=tag_manager,
    )
    assert second.status_code == 412
    body = second.json()
    assert body["detail"] == str(STALE_MESSAGE)
    assert body["current"]["notes"] == "rep's"
    assert second["ETag"] == '"2"'
    lead.refresh_from_db()
    assert (lead.notes, lead.contact_name, lead.version) == ("rep's", lead.contact_name, 2)
    assert lead.contact_name != "Someone Else"


def test_api_if_match_on_a_post_action_and_a_bad_header(cast):
    lead = LeadFactory(owner=cast.rep_a)
    client = api(cast.rep_a)
    url = f"{LEADS}{lead.pk}/transition/"
    response = client.post(url, {"status": "contacted"}, format="json", HTTP_IF_MATCH='"7"')
    assert response.status_code == 412
    lead.refresh_from_db()
    assert lead.status == "new"
    response = client.post(url, {"status": "contacted"}, format="json", HTTP_IF_MATCH="nonsense")
    assert response.status_code == 400
    assert "If-Match" in response.json()["detail"]
    response = client.post(url, {"status": "contacted"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"2"'


def test_api_target_concurrent_edit_patch_and_put(cast):
    target = TargetFactory(rep=cast.rep_a, period_key="2026-Q4", sales_target=Decimal("100"))
    manager, hr = api(cast.manager_a), api(cast.hr)
    url = f"{TARGETS}{target.pk}/"
    tag = manager.get(url)["ETag"]
    assert hr.get(url)["ETag"] == tag == '"1"'
    first = manager.patch(url, {"sales_target": "200"}, format="json", HTTP_IF_MATCH=tag)
    assert (first.status_code, first["ETag"]) == (200, '"2"')
    second = hr.put(url, {"sales_target": "300"}, format="json", HTTP_IF_MATCH=tag)
    assert second.status_code == 412
    assert Decimal(second.json()["current"]["sales_target"]) == Decimal("200")
    target.refresh_from_db()
    assert (target.sales_target, target.version) == (Decimal("200.00"), 2)
    third = hr.put(url, {"sales_target": "300"}, format="json", HTTP_IF_MATCH=second["ETag"])
    assert third.status_code == 200
    assert Decimal(third.json()["sales_target"]) == Decimal("300")


def test_schema_documents_etag_if_match_and_412(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    patch = schema["paths"]["/api/v1/leads/{id}/"]["patch"]
    assert "412" in patch["responses"]
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    get = schema["paths"]["/api/v1/targets/{id}/"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]
    assert "412" in schema["paths"]["/api/v1/targets/{id}/"]["put"]["responses"]


# --- browser ----------------------------------------------------------------------------------


def test_browser_lead_concurrent_edit_shows_both_values_and_overwrites_nothing(cast):
    lead = LeadFactory(owner=cast.rep_a, notes="original", company_name="Green Tea Co")
    url = reverse("leads:lead-update", kwargs={"pk": lead.pk})
    rep, manager = browser(cast.rep_a), browser(cast.manager_a)
    form_rep = rep.get(url).context["form"]
    form_manager = manager.get(url).context["form"]
    assert form_rep["record_version"].value() == form_manager["record_version"].value() == 1
    data = {**LEAD_FORM, "company_name": "Green Tea Co", "owner": cast.rep_a.pk}
    first = rep.post(url, {**data, "notes": "rep's notes", "record_version": 1})
    assert first.status_code == 302
    second = manager.post(url, {**data, "notes": "manager's notes", "record_version": 1})
    assert second.status_code == 200
    page = second.content.decode()
    assert str(STALE_MESSAGE) in page
    conflict = second.context["form"].version_conflict
    assert {"label": "Notes", "theirs": "rep's notes", "yours": "manager's notes"} in conflict
    assert second.context["form"]["record_version"].value() == "2"
    lead.refresh_from_db()
    assert (lead.notes, lead.version) == ("rep's notes", 2)
    # Reviewed: saving again (the form now carries version 2) goes through.
    third = manager.post(url, {**data, "notes": "manager's notes", "record_version": 2})
    assert third.status_code == 302
    lead.refresh_from_db()
    assert (lead.notes, lead.version) == ("manager's notes", 3)


def test_browser_lead_conflict_is_translated(cast, settings):
    lead = LeadFactory(owner=cast.rep_a, company_name="Green Tea Co")
    url = reverse("leads:lead-update", kwargs={"pk": lead.pk})
    lead.notes = "changed"
    lead.save()
    client = browser(cast.rep_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    data = {**LEAD_FORM, "company_name": "Green Tea Co", "owner": cast.rep_a.pk}
    response = client.post(url, {**data, "notes": "x", "record_version": 1})
    assert response.status_code == 200
    assert "此记录在您打开后已被他人修改。" in response.content.decode()


def _team_targets_post(rows, period="2026-Q4", team=None):
    data = {
        "team": team.pk,
        "period": period,
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "team_sales_total": "",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = "" if value is None else str(value)
    return data


def test_browser_team_targets_concurrent_edit_refuses_the_stale_save(cast):
    TargetFactory(rep=cast.rep_a, period_key="2026-Q4", sales_target=Decimal("100"))
    url = reverse("performance:target-team-edit")
    manager, hr = browser(cast.manager_a), browser(cast.hr)
    query = {"team": cast.team_a.pk, "period": "2026-Q4"}
    opened = {
        form.initial["rep"]: form.initial["version"]
        for form in manager.get(url, query).context["formset"]
    }
    assert opened == {cast.rep_a.pk: 1, cast.rep_a2.pk: 0}
    assert {
        form.initial["rep"]: form.initial["version"]
        for form in hr.get(url, query).context["formset"]
    } == opened

    def rows(sales_a, sales_a2, versions):
        return [
            {"rep": cast.rep_a.pk, "sales_target": sales_a, "version": versions[cast.rep_a.pk]},
            {"rep": cast.rep_a2.pk, "sales_target": sales_a2, "version": versions[cast.rep_a2.pk]},
        ]

    first = manager.post(url, _team_targets_post(rows("200", "50", opened), team=cast.team_a))
    assert first.status_code == 302
    second = hr.post(url, _team_targets_post(rows("300", "60", opened), team=cast.team_a))
    assert second.status_code == 200
    errors = " ".join(second.context["service_errors"])
    assert str(STALE_MESSAGE) in errors
    assert "Sales target now 200.00, yours 300" in errors
    targets = {t.rep_id: t for t in Target.objects.filter(period_key="2026-Q4")}
    assert targets[cast.rep_a.pk].sales_target == Decimal("200.00")
    assert targets[cast.rep_a2.pk].sales_target == Decimal("50.00")
    # The form now carries the current versions: saving again after review goes through.
    versions = {
        int(form["rep"].value()): int(form["version"].value()) for form in second.context["formset"]
    }
    assert versions == {cast.rep_a.pk: 2, cast.rep_a2.pk: 1}
    third = hr.post(url, _team_targets_post(rows("300", "60", versions), team=cast.team_a))
    assert third.status_code == 302
    assert Target.objects.get(rep=cast.rep_a, period_key="2026-Q4").sales_target == Decimal(
        "300.00"
    )
