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
from apps.customers import services as customer_services
from apps.leads import services as lead_services
from apps.leads.models import Lead
from apps.performance import services as performance_services
from apps.performance.models import Target
from apps.sales import services as sales_services
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


# --- issue #9 item 7, the rest: actions, singletons, rows of one person --------------------------
#
# Two people open the same record, both save: the second gets the conflict (browser: the message
# and the record's values now beside theirs; API: 412), nothing of theirs is written.

import datetime  # noqa: E402

from django.utils import timezone  # noqa: E402

from apps.customers.models import Customer  # noqa: E402
from apps.leads import selectors as lead_selectors  # noqa: E402
from apps.opportunities import services as opportunity_services  # noqa: E402
from apps.opportunities.models import Opportunity, PipelineSettings, Proposal  # noqa: E402
from apps.performance.models import PdcaNote, PeriodSetting  # noqa: E402
from apps.reminders import selectors as reminder_selectors  # noqa: E402
from apps.reminders import services as reminder_services  # noqa: E402
from apps.reminders.models import DigestPreference, NotificationPreference  # noqa: E402
from apps.sales.models import DeliveryQuestion  # noqa: E402
from tests.factories import (  # noqa: E402
    CustomerFactory,
    DeliveryQuestionFactory,
    OpportunityFactory,
    OrderFactory,
    PdcaNoteFactory,
    PeriodSettingFactory,
    ProposalFactory,
)

STALE = str(STALE_MESSAGE)


def _opened_version(client, url, query=None) -> int:
    return int(client.get(url, query or {}).context["form"]["record_version"].value())


def _conflict(response) -> list[dict]:
    assert response.status_code in (200, 400), response  # the PDCA form answers 400
    assert STALE in response.content.decode()
    return response.context["form"].version_conflict


# -- browser: actions on a record -----------------------------------------------------------------


def test_browser_lead_status_change_on_a_stale_page_is_refused_with_the_status_now(cast):
    lead = LeadFactory(owner=cast.rep_a)
    url = reverse("leads:lead-transition", kwargs={"pk": lead.pk})
    rep, manager = browser(cast.rep_a), browser(cast.manager_a)
    assert _opened_version(rep, url) == _opened_version(manager, url) == 1
    assert rep.post(url, {"status": "contacted", "record_version": 1}).status_code == 302
    # The manager's page still offers "contacted" (no longer a move from "contacted").
    second = manager.post(url, {"status": "contacted", "record_version": 1})
    rows = _conflict(second)
    assert {"label": "New status", "theirs": "Contacted", "yours": "Contacted"} in rows
    assert second.context["form"]["record_version"].value() == "2"
    lead.refresh_from_db()
    assert (lead.status, lead.version, lead.status_changes.count()) == ("contacted", 2, 1)


def test_browser_lead_grade_override_conflict_shows_both_grades(cast):
    lead = LeadFactory(owner=cast.rep_a)
    url = reverse("leads:lead-override", kwargs={"pk": lead.pk})
    manager, admin = browser(cast.manager_a), browser(cast.admin)
    assert _opened_version(manager, url) == _opened_version(admin, url) == 1
    first = manager.post(url, {"grade": "A", "reason": "Board contact", "record_version": 1})
    assert first.status_code == 302
    rows = _conflict(admin.post(url, {"grade": "C", "reason": "No budget", "record_version": 1}))
    assert {"label": "Grade", "theirs": "A – high intent", "yours": "C – to be nurtured"} in rows
    lead.refresh_from_db()
    assert (lead.grade_override, lead.version) == ("A", 2)


def test_lead_page_forms_carry_the_version_of_the_lead(cast):
    lead = LeadFactory(owner=cast.rep_a, status="qualified")
    lead.notes = "changed"
    lead.save()
    page = browser(cast.manager_a).get(reverse("leads:lead-detail", kwargs={"pk": lead.pk}))
    html = page.content.decode()
    # status change, conversion and grade override: each form says which version it was opened on
    assert html.count('name="record_version" value="2"') == 3


def test_browser_customer_mark_lost_and_reactivate_conflicts(cast):
    customer = CustomerFactory(owner=cast.rep_a)
    url = reverse("customers:customer-mark-lost", kwargs={"pk": customer.pk})
    rep, manager = browser(cast.rep_a), browser(cast.manager_a)
    assert _opened_version(rep, url) == _opened_version(manager, url) == 1
    today = timezone.localdate().isoformat()
    first = rep.post(url, {"lost_on": today, "reason": "Went bust", "record_version": 1})
    assert first.status_code == 302
    rows = _conflict(
        manager.post(url, {"lost_on": today, "reason": "Competitor", "record_version": 1})
    )
    assert {"label": "Status", "theirs": "Lost", "yours": "Lost"} in rows
    customer.refresh_from_db()
    assert (customer.lost_reason, customer.version) == ("Went bust", 2)

    url = reverse("customers:customer-reactivate", kwargs={"pk": customer.pk})
    assert _opened_version(rep, url) == _opened_version(manager, url) == 2
    assert rep.post(url, {"reason": "Back", "record_version": 2}).status_code == 302
    rows = _conflict(manager.post(url, {"reason": "Back too", "record_version": 2}))
    assert {"label": "Status", "theirs": "Active", "yours": "Active"} in rows
    customer.refresh_from_db()
    assert (customer.status, customer.version) == ("active", 3)


def test_browser_opportunity_move_conflict_shows_the_stage_now(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    url = reverse("opportunities:opportunity-move", kwargs={"pk": opportunity.pk})
    rep, manager = browser(cast.rep_a), browser(cast.manager_a)
    assert _opened_version(rep, url) == _opened_version(manager, url) == 1
    first = rep.post(url, {"stage": "solution_design", "note": "Met CTO", "record_version": 1})
    assert first.status_code == 302
    second = manager.post(url, {"stage": "lost", "lost_reason": "Budget", "record_version": 1})
    rows = _conflict(second)
    assert {"label": "Move to", "theirs": "Solution design", "yours": "Lost"} in rows
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.version) == ("solution_design", 2)
    assert opportunity.stage_changes.count() == 2  # the factory's first entry and the rep's


def test_browser_needs_confirmed_button_on_a_stale_page_flashes_the_conflict(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    detail = reverse("opportunities:opportunity-detail", kwargs={"pk": opportunity.pk})
    url = reverse("opportunities:opportunity-needs-confirmed", kwargs={"pk": opportunity.pk})
    rep, manager = browser(cast.rep_a), browser(cast.manager_a)
    assert 'name="record_version" value="1"' in rep.get(detail).content.decode()
    assert rep.post(url, {"needs_confirmed": "1", "record_version": 1}).status_code == 302
    second = manager.post(url, {"needs_confirmed": "1", "record_version": 1}, follow=True)
    page = second.content.decode()
    assert STALE in page
    assert "Needs confirmed now: yes, yours: yes" in page
    opportunity.refresh_from_db()
    assert (opportunity.needs_confirmed, opportunity.version) == (True, 2)


def test_browser_proposal_submit_and_review_conflicts(cast):
    proposal = ProposalFactory(opportunity=OpportunityFactory(owner=cast.rep_a))
    submit = reverse("opportunities:proposal-submit", kwargs={"pk": proposal.pk})
    detail = reverse("opportunities:proposal-detail", kwargs={"pk": proposal.pk})
    rep, colleague = browser(cast.rep_a), browser(cast.manager_a)
    assert 'name="record_version" value="1"' in rep.get(detail).content.decode()
    assert rep.post(submit, {"record_version": 1}).status_code == 302
    second = colleague.post(submit, {"record_version": 1}, follow=True)
    assert STALE in second.content.decode()
    assert "Review now: Waiting for review, yours: Waiting for review" in second.content.decode()
    proposal.refresh_from_db()
    assert (proposal.review_status, proposal.version) == ("pending", 2)

    review = reverse("opportunities:proposal-review", kwargs={"pk": proposal.pk})
    manager, admin = browser(cast.manager_a), browser(cast.admin)
    assert _opened_version(manager, review) == _opened_version(admin, review) == 2
    first = manager.post(review, {"decision": "approve", "comment": "OK", "record_version": 2})
    assert first.status_code == 302
    rows = _conflict(
        admin.post(review, {"decision": "reject", "comment": "Too dear", "record_version": 2})
    )
    assert {"label": "Review", "theirs": "Approved", "yours": "Rejected"} in rows
    proposal.refresh_from_db()
    assert (proposal.review_status, proposal.review_comment, proposal.version) == (
        "approved",
        "OK",
        3,
    )


def test_browser_delivery_question_close_conflict(cast):
    question = DeliveryQuestionFactory(delivery__order=OrderFactory(owner=cast.rep_a))
    url = reverse("sales:delivery-question-close", kwargs={"pk": question.pk})
    rep, manager = browser(cast.rep_a), browser(cast.manager_a)
    assert _opened_version(rep, url) == _opened_version(manager, url) == 1
    day = question.raised_on.isoformat()
    first = rep.post(url, {"answer": "Site A", "closed_on": day, "record_version": 1})
    assert first.status_code == 302
    second = manager.post(url, {"answer": "Site B", "closed_on": day, "record_version": 1})
    rows = _conflict(second)
    assert {"label": "Answer", "theirs": "Site A", "yours": "Site B"} in rows
    question.refresh_from_db()
    assert (question.answer, question.version) == ("Site A", 2)


# -- browser: records without an id in the URL ----------------------------------------------------


def _rubric_form(**changes):
    values = {
        name: getattr(lead_selectors.rubric_current(), name) for name in lead_services.RUBRIC_FIELDS
    }
    return {**values, **changes}


def test_browser_rubric_conflict_shows_both_values_and_keeps_the_first(cast):
    url = reverse("leads:rubric")
    hr, admin = browser(cast.hr), browser(cast.admin)
    # Never saved yet: both open the defaults at version 1 (the version the first save makes).
    assert _opened_version(hr, url) == _opened_version(admin, url) == 1
    form = _rubric_form()
    assert hr.post(url, {**form, "size_large": 4, "record_version": 1}).status_code == 302
    rows = _conflict(admin.post(url, {**form, "size_large": 5, "record_version": 1}))
    assert {"label": "Large company", "theirs": "4", "yours": "5"} in rows
    rubric = lead_selectors.rubric_current()
    assert (rubric.size_large, rubric.version) == (4, 2)


def test_browser_pipeline_settings_conflict(cast):
    url = reverse("opportunities:pipeline-settings")
    hr, admin = browser(cast.hr), browser(cast.admin)
    assert _opened_version(hr, url) == _opened_version(admin, url) == 1
    assert hr.post(url, {"solution_pre_review": "on", "record_version": 1}).status_code == 302
    rows = _conflict(admin.post(url, {"record_version": 1}))  # unticked
    assert rows[0]["theirs"] == "yes" and rows[0]["yours"] == "no"
    settings_row = PipelineSettings.current()
    assert (settings_row.solution_pre_review, settings_row.version) == (True, 2)


def test_browser_reminder_preferences_two_tabs(cast):
    url = reverse("reminders:preferences")
    tab1, tab2 = browser(cast.rep_a), browser(cast.rep_a)
    page = tab1.get(url)
    form = page.context["form"]
    assert _opened_version(tab2, url) == int(form["record_version"].value()) == 0
    code = form.rows[0]["code"]
    name = form.rows[0]["name"]
    data = {f"inbox_{row['code']}": "on" for row in form.rows}
    data.update({f"email_{row['code']}": "on" for row in form.rows})
    first = tab1.post(url, {**data, f"email_{code}": "", "record_version": 0})
    assert first.status_code == 302
    opened = reminder_selectors.preferences_version(user=cast.rep_a)
    assert opened > 0
    rows = _conflict(tab2.post(url, {**data, "digest": "on", "record_version": 0}))
    assert {"label": f"{name}: E-mail", "theirs": "no", "yours": "yes"} in rows
    assert reminder_selectors.preferences_version(user=cast.rep_a) == opened
    assert not NotificationPreference.objects.get(user=cast.rep_a, rule__code=code).email
    assert not DigestPreference.objects.filter(user=cast.rep_a, digest=True).exists()


def test_browser_pdca_notes_two_tabs_also_before_the_first_save(cast):
    url = reverse("performance:pdca-edit")
    tab1, tab2 = browser(cast.rep_a), browser(cast.rep_a)
    query = {"period": "2026-Q3"}
    assert _opened_version(tab1, url, query) == _opened_version(tab2, url, query) == 0
    first = tab1.post(url, {"period": "2026-Q3", "plan": "Ten visits", "record_version": 0})
    assert first.status_code == 302
    rows = _conflict(tab2.post(url, {"period": "2026-Q3", "plan": "Five", "record_version": 0}))
    assert {"label": "Plan", "theirs": "Ten visits", "yours": "Five"} in rows
    note = PdcaNote.objects.get(rep=cast.rep_a, period_key="2026-Q3")
    assert (note.plan, note.version) == ("Ten visits", 1)
    # An existing note: opened at its version, refused once it moved on.
    assert _opened_version(tab2, url, query) == 1
    assert (
        tab1.post(url, {"period": "2026-Q3", "plan": "Eleven", "record_version": 1}).status_code
        == 302
    )
    rows = _conflict(tab2.post(url, {"period": "2026-Q3", "plan": "Six", "record_version": 1}))
    note.refresh_from_db()
    assert (note.plan, note.version) == ("Eleven", 2)


def test_browser_period_settings_conflict_shows_both_values(cast):
    url = reverse("performance:period-settings")
    hr, admin = browser(cast.hr), browser(cast.admin)
    PeriodSettingFactory(period_key="2026-Q3", industry_growth_rate=Decimal("8"))
    opened = admin.get(url, {"edit": "2026-Q3"}).context["form"]
    assert opened.initial["version"] == 1
    assert opened.initial["industry_growth_rate"] == Decimal("8.00")
    data = {"period": "2026-Q3", "challenge_margin": "5"}
    assert hr.post(url, {**data, "industry_growth_rate": "10", "version": 1}).status_code == 302
    second = admin.post(url, {**data, "industry_growth_rate": "12", "version": 1})
    assert second.status_code == 400
    form = second.context["form"]
    assert STALE in second.content.decode()
    assert {
        "label": "Industry growth rate (%)",
        "theirs": Decimal("10.00"),
        "yours": Decimal("12"),
    } in form.version_conflict
    assert form["version"].value() == "2"
    setting = PeriodSetting.objects.get(period_key="2026-Q3")
    assert (setting.industry_growth_rate, setting.version) == (Decimal("10.00"), 2)
    # A period nobody had set when the form was opened (version 0), set meanwhile: refused.
    assert admin.get(url, {"edit": "2026-Q2"}).context["form"].initial["version"] == 0
    assert (
        hr.post(
            url, {**data, "period": "2026-Q2", "industry_growth_rate": "3", "version": 0}
        ).status_code
        == 302
    )
    second = admin.post(
        url, {**data, "period": "2026-Q2", "industry_growth_rate": "4", "version": 0}
    )
    assert second.status_code == 400 and STALE in second.content.decode()
    assert PeriodSetting.objects.get(period_key="2026-Q2").industry_growth_rate == Decimal("3.00")


# -- services ------------------------------------------------------------------------------------


def test_action_services_refuse_a_stale_expected_version_and_write_nothing(cast):
    lead = LeadFactory(owner=cast.rep_a)
    lead.notes = "moved on"
    lead.save()
    with pytest.raises(StaleVersionError):
        lead_services.lead_transition(
            actor=cast.rep_a, lead=lead, status="contacted", expected_version=1
        )
    with pytest.raises(StaleVersionError):
        lead_services.lead_override_grade(
            actor=cast.manager_a, lead=lead, grade="A", reason="x", expected_version=1
        )
    lead.refresh_from_db()
    assert (lead.status, lead.grade_override, lead.version) == ("new", "", 2)

    customer = CustomerFactory(owner=cast.rep_a)
    customer.notes = "moved on"
    customer.save()
    with pytest.raises(StaleVersionError):
        customer_services.customer_mark_lost(
            actor=cast.rep_a,
            customer=customer,
            lost_on=timezone.localdate() - datetime.timedelta(days=1),
            reason="x",
            expected_version=1,
        )
    assert Customer.objects.get(pk=customer.pk).status == "active"

    opportunity = OpportunityFactory(owner=cast.rep_a)
    opportunity_services.opportunity_update(
        actor=cast.rep_a, opportunity=opportunity, name="Renamed", expected_version=1
    )
    with pytest.raises(StaleVersionError):
        opportunity_services.opportunity_move(
            actor=cast.rep_a, opportunity=opportunity, to_stage="lost", expected_version=1
        )
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "needs_discovery"

    proposal = ProposalFactory(opportunity=opportunity)
    opportunity_services.proposal_submit(actor=cast.rep_a, proposal=proposal, expected_version=1)
    with pytest.raises(StaleVersionError):
        opportunity_services.proposal_review(
            actor=cast.manager_a, proposal=proposal, decision="approve", expected_version=1
        )
    assert Proposal.objects.get(pk=proposal.pk).review_status == "pending"

    with pytest.raises(StaleVersionError):
        opportunity_services.pipeline_settings_update(
            actor=cast.hr, solution_pre_review=True, expected_version=0
        )
    assert PipelineSettings.current().solution_pre_review is False

    question = DeliveryQuestionFactory(delivery__order=OrderFactory(owner=cast.rep_a))
    question.question = "Which site first, and when?"
    question.save()
    with pytest.raises(StaleVersionError):
        sales_services.delivery_question_close(
            actor=cast.rep_a, question=question, answer="A", expected_version=1
        )
    assert DeliveryQuestion.objects.get(pk=question.pk).closed_on is None

    with pytest.raises(StaleVersionError):
        lead_services.rubric_update(actor=cast.hr, expected_version=7, **_rubric_form(size_large=9))
    assert lead_selectors.rubric_current().size_large != 9

    PdcaNoteFactory(rep=cast.rep_a, period_key="2026-Q3", plan="mine")
    with pytest.raises(StaleVersionError):
        performance_services.pdca_note_save(
            actor=cast.rep_a, period_key="2026-Q3", plan="other", expected_version=0
        )
    assert PdcaNote.objects.get(rep=cast.rep_a, period_key="2026-Q3").plan == "mine"

    reminder_services.preferences_update(user=cast.rep_a, choices={}, digest=True)
    with pytest.raises(StaleVersionError):
        reminder_services.preferences_update(
            user=cast.rep_a, choices={}, digest=False, expected_version=0
        )
    assert DigestPreference.objects.get(user=cast.rep_a).digest is True


# -- API -----------------------------------------------------------------------------------------


def test_api_actions_with_a_stale_if_match_are_412_and_write_nothing(cast):
    rep, manager = api(cast.rep_a), api(cast.manager_a)
    lead = LeadFactory(owner=cast.rep_a)
    tag = manager.get(f"{LEADS}{lead.pk}/")["ETag"]
    rep.patch(f"{LEADS}{lead.pk}/", {"notes": "x"}, format="json", HTTP_IF_MATCH=tag)
    response = manager.post(
        f"{LEADS}{lead.pk}/override-grade/",
        {"grade": "A", "reason": "r"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 412
    assert response.json()["current"]["version"] == 2
    assert Lead.objects.get(pk=lead.pk).grade_override == ""

    customer = CustomerFactory(owner=cast.rep_a)
    url = f"/api/v1/customers/{customer.pk}/"
    tag = manager.get(url)["ETag"]
    assert manager.get(url).json()["version"] == 1
    lost_on = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    first = rep.post(
        f"{url}mark-lost/", {"lost_on": lost_on, "reason": "a"}, format="json", HTTP_IF_MATCH=tag
    )
    assert first.status_code == 200, first.json()
    second = manager.post(
        f"{url}mark-lost/", {"lost_on": lost_on, "reason": "b"}, format="json", HTTP_IF_MATCH=tag
    )
    assert second.status_code == 412
    assert second.json()["current"]["status"] == "lost"
    assert Customer.objects.get(pk=customer.pk).lost_reason == "a"

    opportunity = OpportunityFactory(owner=cast.rep_a)
    url = f"/api/v1/opportunities/{opportunity.pk}/"
    tag = manager.get(url)["ETag"]
    first = rep.post(f"{url}move/", {"stage": "solution_design"}, format="json", HTTP_IF_MATCH=tag)
    assert first.status_code == 200, first.json()
    second = manager.post(
        f"{url}move/", {"stage": "lost", "lost_reason": "x"}, format="json", HTTP_IF_MATCH=tag
    )
    assert second.status_code == 412
    assert Opportunity.objects.get(pk=opportunity.pk).stage == "solution_design"

    proposal = ProposalFactory(opportunity=opportunity, review_status="pending")
    url = f"/api/v1/proposals/{proposal.pk}/"
    tag = manager.get(url)["ETag"]
    admin = api(cast.admin)
    first = admin.post(f"{url}review/", {"decision": "approve"}, format="json", HTTP_IF_MATCH=tag)
    assert first.status_code == 200, first.json()
    second = manager.post(
        f"{url}review/", {"decision": "reject", "comment": "no"}, format="json", HTTP_IF_MATCH=tag
    )
    assert second.status_code == 412
    assert Proposal.objects.get(pk=proposal.pk).review_status == "approved"

    question = DeliveryQuestionFactory(delivery__order=OrderFactory(owner=cast.rep_a))
    url = f"/api/v1/delivery-questions/{question.pk}/"
    tag = manager.get(url)["ETag"]
    assert (
        rep.post(f"{url}close/", {"answer": "A"}, format="json", HTTP_IF_MATCH=tag).status_code
        == 200
    )
    second = manager.post(f"{url}close/", {"answer": "B"}, format="json", HTTP_IF_MATCH=tag)
    assert second.status_code == 412
    assert DeliveryQuestion.objects.get(pk=question.pk).answer == "A"


def test_api_pipeline_settings_etag_and_412(cast):
    url = "/api/v1/pipeline-settings/"
    hr, admin = api(cast.hr), api(cast.admin)
    read = hr.get(url)
    assert read["ETag"] == '"1"' and read.json()["version"] == 1
    tag = admin.get(url)["ETag"]
    first = hr.put(url, {"solution_pre_review": True}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert (first.status_code, first["ETag"]) == (200, '"2"')
    second = admin.patch(url, {"solution_pre_review": False}, format="json", HTTP_IF_MATCH=tag)
    assert second.status_code == 412
    assert second.json()["current"]["solution_pre_review"] is True
    assert second["ETag"] == '"2"'
    assert PipelineSettings.current().solution_pre_review is True
    bad = admin.patch(url, {"solution_pre_review": False}, format="json", HTTP_IF_MATCH="x")
    assert bad.status_code == 400


def test_api_reminder_preferences_etag_and_412(cast):
    url = "/api/v1/reminder-preferences/"
    tab1, tab2 = api(cast.rep_a), api(cast.rep_a)
    read = tab1.get(url)
    assert read["ETag"] == '"0"' and read.json()["version"] == 0
    first = tab1.post(url, {"digest": True}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert first.status_code == 200, first.json()
    assert first["ETag"] != read["ETag"]
    second = tab2.post(url, {"digest": False}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert second.status_code == 412
    assert second.json()["current"]["digest"] is True
    assert second["ETag"] == first["ETag"]
    assert DigestPreference.objects.get(user=cast.rep_a).digest is True


def test_output_serializers_carry_the_version(cast):
    lead = LeadFactory(owner=cast.rep_a)
    response = api(cast.rep_a).get(f"{LEADS}{lead.pk}/")
    assert response.json()["version"] == 1 and response["ETag"] == '"1"'
    target = TargetFactory(rep=cast.rep_a, period_key="2026-Q4")
    assert api(cast.manager_a).get(f"{TARGETS}{target.pk}/").json()["version"] == 1


# -- credit splits: the split belongs to its opportunity / order --------------------------------
#
# The credit page is a formset: it carries the version of the opportunity / order, a changed
# split raises that version, so a second person's split saved on the old page is a conflict.

from apps.opportunities.models import OpportunityCredit  # noqa: E402
from apps.sales.models import OrderCredit  # noqa: E402


def _credit_page_post(rows, version):
    data = {
        "credits-TOTAL_FORMS": str(len(rows)),
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "record_version": str(version),
    }
    for index, (rep, percent) in enumerate(rows):
        data[f"credits-{index}-rep"] = rep.pk
        data[f"credits-{index}-percent"] = percent
    return data


def _split(model, **parent) -> dict:
    return {credit.rep_id: credit.percent for credit in model.objects.filter(**parent)}


def test_browser_opportunity_credit_split_two_people_conflict_shows_both_splits(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    url = reverse("opportunities:opportunity-credits", kwargs={"pk": opportunity.pk})
    # A rep credits only themselves: the owner's manager and an admin share the credit out.
    manager, admin = browser(cast.manager_a), browser(cast.admin)
    pages = [manager.get(url), admin.get(url)]
    assert [page.context["formset"].record_version for page in pages] == [1, 1]
    assert 'name="record_version" value="1"' in pages[1].content.decode()
    first = manager.post(url, _credit_page_post([(cast.rep_a, "60"), (cast.rep_a2, "40")], 1))
    assert first.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.version == 2  # the split changed: the opportunity's version with it
    second = admin.post(url, _credit_page_post([(cast.rep_a, "50"), (cast.manager_a, "50")], 1))
    assert second.status_code == 200
    page = second.content.decode()
    assert STALE in page
    assert STALE in second.context["credit_errors"]
    assert second.context["formset"].version_conflict == [
        {"label": str(cast.rep_a), "theirs": "60.00%", "yours": "50.00%"},
        {"label": str(cast.rep_a2), "theirs": "40.00%", "yours": "—"},
        {"label": str(cast.manager_a), "theirs": "—", "yours": "50.00%"},
    ]
    assert "60.00%" in page and "50.00%" in page
    assert 'name="record_version" value="2"' in page  # saving again is based on it
    expected = {cast.rep_a.pk: Decimal("60.00"), cast.rep_a2.pk: Decimal("40.00")}
    assert _split(OpportunityCredit, opportunity=opportunity) == expected
    opportunity.refresh_from_db()
    assert opportunity.version == 2
    # Reviewed: saving again on the current version goes through.
    third = admin.post(url, _credit_page_post([(cast.rep_a, "50"), (cast.manager_a, "50")], 2))
    assert third.status_code == 302
    assert _split(OpportunityCredit, opportunity=opportunity) == {
        cast.rep_a.pk: Decimal("50.00"),
        cast.manager_a.pk: Decimal("50.00"),
    }


def test_browser_order_credit_split_two_people_conflict_shows_both_splits(cast):
    order = OrderFactory(owner=cast.rep_a)
    url = reverse("sales:order-credits", args=[order.pk])
    rep, manager = browser(cast.rep_a), browser(cast.manager_a)
    pages = [rep.get(url), manager.get(url)]
    assert [page.context["formset"].record_version for page in pages] == [1, 1]
    assert 'name="record_version" value="1"' in pages[1].content.decode()
    first = rep.post(url, _credit_page_post([(cast.rep_a, "70"), (cast.rep_a2, "30")], 1))
    assert first.status_code == 302
    order.refresh_from_db()
    assert order.version == 2
    second = manager.post(url, _credit_page_post([(cast.rep_a2, "100")], 1))
    assert second.status_code == 200
    page = second.content.decode()
    assert STALE in page
    assert str(STALE_MESSAGE) in second.context["formset"].non_form_errors()
    assert second.context["formset"].version_conflict == [
        {"label": str(cast.rep_a), "theirs": "70.00%", "yours": "—"},
        {"label": str(cast.rep_a2), "theirs": "30.00%", "yours": "100.00%"},
    ]
    assert 'name="record_version" value="2"' in page
    expected = {cast.rep_a.pk: Decimal("70.00"), cast.rep_a2.pk: Decimal("30.00")}
    assert _split(OrderCredit, order=order) == expected
    order.refresh_from_db()
    assert order.version == 2
    third = manager.post(url, _credit_page_post([(cast.rep_a2, "100")], 2))
    assert third.status_code == 302
    assert _split(OrderCredit, order=order) == {cast.rep_a2.pk: Decimal("100.00")}


def test_browser_stale_credit_page_that_is_also_invalid_is_a_conflict_first(cast):
    order = OrderFactory(owner=cast.rep_a)
    url = reverse("sales:order-credits", args=[order.pk])
    assert browser(cast.rep_a).post(url, _credit_page_post([(cast.rep_a2, "100")], 1)).status_code
    # The manager's page, opened before, no longer fits (a total of 90%): the conflict shows.
    second = browser(cast.manager_a).post(url, _credit_page_post([(cast.rep_a, "90")], 1))
    assert second.status_code == 200 and STALE in second.content.decode()
    assert {"label": str(cast.rep_a2), "theirs": "100.00%", "yours": "—"} in second.context[
        "formset"
    ].version_conflict
    assert _split(OrderCredit, order=order) == {cast.rep_a2.pk: Decimal("100.00")}


def test_credit_services_refuse_a_stale_version_and_a_changed_split_raises_it(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    split = [{"rep": cast.rep_a, "percent": "60"}, {"rep": cast.rep_a2, "percent": "40"}]
    opportunity_services.opportunity_set_credits(
        actor=cast.manager_a, opportunity=opportunity, credits=split, expected_version=1
    )
    assert Opportunity.objects.get(pk=opportunity.pk).version == 2
    with pytest.raises(StaleVersionError):
        opportunity_services.opportunity_set_credits(
            actor=cast.admin,
            opportunity=Opportunity.objects.get(pk=opportunity.pk),
            credits=[{"rep": cast.rep_a, "percent": "100"}],
            expected_version=1,
        )
    assert _split(OpportunityCredit, opportunity=opportunity) == {
        cast.rep_a.pk: Decimal("60.00"),
        cast.rep_a2.pk: Decimal("40.00"),
    }
    # The same split again changes nothing, the version stays.
    opportunity_services.opportunity_set_credits(
        actor=cast.manager_a,
        opportunity=Opportunity.objects.get(pk=opportunity.pk),
        credits=split,
        expected_version=2,
    )
    assert Opportunity.objects.get(pk=opportunity.pk).version == 2

    order = OrderFactory(owner=cast.rep_a)
    sales_services.order_set_credits(
        actor=cast.rep_a, order=order, credits=split, expected_version=1
    )
    assert type(order).objects.get(pk=order.pk).version == 2
    with pytest.raises(StaleVersionError):
        sales_services.order_set_credits(
            actor=cast.manager_a,
            order=order,
            credits=[{"rep": cast.rep_a, "percent": "100"}],
            expected_version=1,
        )
    assert _split(OrderCredit, order=order) == {
        cast.rep_a.pk: Decimal("60.00"),
        cast.rep_a2.pk: Decimal("40.00"),
    }


def test_api_opportunity_credits_two_people_second_gets_412_and_nothing_written(cast):
    opportunity = OpportunityFactory(owner=cast.rep_a)
    url = f"/api/v1/opportunities/{opportunity.pk}/credits/"
    manager, admin = api(cast.manager_a), api(cast.admin)
    tag_manager, tag_admin = manager.get(url)["ETag"], admin.get(url)["ETag"]
    assert tag_manager == tag_admin == '"1"'
    first = manager.put(
        url,
        [{"rep": cast.rep_a.pk, "percent": "60.00"}, {"rep": cast.rep_a2.pk, "percent": "40.00"}],
        format="json",
        HTTP_IF_MATCH=tag_manager,
    )
    assert (first.status_code, first["ETag"]) == (200, '"2"'), first.content
    second = admin.put(
        url,
        [{"rep": cast.manager_a.pk, "percent": "100.00"}],
        format="json",
        HTTP_IF_MATCH=tag_admin,
    )
    assert second.status_code == 412
    assert second.json()["detail"] == STALE
    assert second.json()["current"]["version"] == 2
    assert second["ETag"] == '"2"'
    assert _split(OpportunityCredit, opportunity=opportunity) == {
        cast.rep_a.pk: Decimal("60.00"),
        cast.rep_a2.pk: Decimal("40.00"),
    }
    assert Opportunity.objects.get(pk=opportunity.pk).version == 2


def test_api_order_credits_patch_two_people_second_gets_412_and_nothing_written(cast):
    order = OrderFactory(owner=cast.rep_a)
    url = f"/api/v1/orders/{order.pk}/"
    rep, manager = api(cast.rep_a), api(cast.manager_a)
    tag_rep, tag_manager = rep.get(url)["ETag"], manager.get(url)["ETag"]
    assert tag_rep == tag_manager == '"1"'
    split = [{"rep": cast.rep_a.pk, "percent": "70"}, {"rep": cast.rep_a2.pk, "percent": "30"}]
    first = rep.patch(url, {"credits": split}, format="json", HTTP_IF_MATCH=tag_rep)
    assert (first.status_code, first["ETag"]) == (200, '"2"'), first.content
    second = manager.patch(
        url,
        {"amount": "12000.00", "credits": [{"rep": cast.rep_a2.pk, "percent": "100"}]},
        format="json",
        HTTP_IF_MATCH=tag_manager,
    )
    assert second.status_code == 412
    assert second.json()["current"]["version"] == 2
    assert second["ETag"] == '"2"'
    assert _split(OrderCredit, order=order) == {
        cast.rep_a.pk: Decimal("70.00"),
        cast.rep_a2.pk: Decimal("30.00"),
    }
    order.refresh_from_db()
    assert (order.amount, order.version) == (Decimal("10000.00"), 2)


def test_schema_documents_etag_if_match_and_412_on_the_singleton_settings(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, reads, writes in (
        ("/api/v1/pipeline-settings/", ["get"], ["put", "patch"]),
        ("/api/v1/reminder-preferences/", ["get"], ["post"]),
    ):
        for method in reads + writes:
            operation = schema["paths"][path][method]
            assert "ETag" in operation["responses"]["200"]["headers"], (path, method)
        for method in writes:
            operation = schema["paths"][path][method]
            assert "412" in operation["responses"], (path, method)
            assert "ETag" in operation["responses"]["412"]["headers"]
            assert any(
                p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"]
            ), (path, method)
        assert not any(
            p["name"] == "If-Match" for p in schema["paths"][path]["get"].get("parameters", [])
        )
