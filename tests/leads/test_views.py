"""Browser pages of the leads app: scoping, A-first list, forms, duplicates, actions, import
and the rubric."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from apps.core.models import AuditEntry
from apps.customers.models import Customer
from apps.leads import selectors, services
from apps.leads.models import Lead, NurtureTouch
from tests.factories import LeadFactory, NurtureTouchFactory

pytestmark = pytest.mark.django_db

LIST = reverse("leads:lead-list")
CREATE = reverse("leads:lead-create")

FORM = {
    "company_name": "Hangzhou Green Tea Trading",
    "contact_name": "Wu Fang",
    "phone": "0571 8888 1234",
    "email": "wu.fang@greentea.cn",
    "company_size": "medium",
    "need_match": "medium",
    "decision_complexity": "moderate",
    "source": "social_media",
    "notes": "Met on WeChat",
}


def url(name, lead):
    return reverse(f"leads:{name}", kwargs={"pk": lead.pk})


# --- list -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "owners"),
    [
        ("rep_a", {"rep_a"}),
        ("manager_a", {"rep_a", "rep_a2"}),
        ("hr", {"rep_a", "rep_a2", "rep_b"}),
        ("admin", {"rep_a", "rep_a2", "rep_b"}),
    ],
)
def test_list_is_scoped_for_every_role(cast, client_as, role, owners):
    for owner in ("rep_a", "rep_a2", "rep_b"):
        LeadFactory(owner=getattr(cast, owner))
    response = client_as(getattr(cast, role)).get(LIST)
    assert response.status_code == 200
    assert {lead.owner.username for lead in response.context["leads"]} == owners


def test_list_shows_a_leads_first_with_grade_badges(cast, client_as):
    c_lead = LeadFactory(owner=cast.rep_a, grade_c=True, company_name="Cee Ltd")
    a_lead = LeadFactory(owner=cast.rep_a, grade_a=True, company_name="Ay Ltd")
    b_lead = LeadFactory(owner=cast.rep_a, company_name="Bee Ltd")
    response = client_as(cast.rep_a).get(LIST)
    assert list(response.context["leads"]) == [a_lead, b_lead, c_lead]
    html = response.content.decode()
    assert html.index("Ay Ltd") < html.index("Bee Ltd") < html.index("Cee Ltd")
    assert 'class="badge grade-A"' in html
    assert "touch due" in html


def test_list_filters_and_searches(cast, client_as):
    hit = LeadFactory(owner=cast.rep_a, contact_name="Sun Li", status="contacted")
    LeadFactory(owner=cast.rep_a)
    client = client_as(cast.rep_a)
    assert list(client.get(LIST, {"q": "sun li"}).context["leads"]) == [hit]
    assert list(client.get(LIST, {"status": "contacted"}).context["leads"]) == [hit]
    response = client.get(LIST, {"q": "nothing like this"})
    assert "No leads match these filters." in response.content.decode()


def test_list_query_count_does_not_grow_with_rows(cast, client_as, make_nurtured_leads):
    client = client_as(cast.manager_a)
    make = make_nurtured_leads
    make(2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    make(5)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(LIST).context["leads"]) == 7
    assert len(many) == len(few)


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_grade_override_history_touches_duplicates_and_activity_link(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True, company_name="Detail Co., Ltd.")
    NurtureTouchFactory(lead=lead, content="Sent the logistics white paper")
    LeadFactory(owner=cast.rep_b, company_name="DETAIL")
    services.lead_transition(actor=cast.rep_a, lead=lead, status="contacted")
    services.lead_override_grade(actor=cast.manager_a, lead=lead, grade="B", reason="Budget found")
    response = client_as(cast.rep_a).get(url("lead-detail", lead))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="badge grade-B"' in html
    assert "rubric grade C" in html
    assert "Budget found" in html
    assert "Status history" in html and "Contacted" in html
    assert "Sent the logistics white paper" in html
    assert "Possible duplicates" in html
    assert "a record owned by another rep" in html
    assert f'href="/activities/new/?lead={lead.pk}"' in html


def test_detail_of_another_teams_lead_is_not_found(cast, client_as):
    lead = LeadFactory(owner=cast.rep_b)
    for viewer in (cast.rep_a, cast.manager_a):
        assert client_as(viewer).get(url("lead-detail", lead)).status_code == 404
    assert client_as(cast.hr).get(url("lead-detail", lead)).status_code == 200


def test_hr_sees_no_write_buttons(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a)
    html = client_as(cast.hr).get(url("lead-detail", lead)).content.decode()
    assert url("lead-update", lead) not in html
    assert "Log activity" not in html
    assert url("lead-override", lead) not in html


# --- create and edit --------------------------------------------------------------------------


def test_rep_creates_a_lead_and_owns_it(cast, client_as):
    client = client_as(cast.rep_a)
    page = client.get(CREATE)
    assert "owner" not in page.context["form"].fields
    response = client.post(CREATE, FORM)
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("lead-detail", lead)
    assert (lead.owner, lead.grade) == (cast.rep_a, "B")


def test_form_errors_are_shown_and_nothing_saved(cast, client_as):
    client = client_as(cast.rep_a)
    response = client.post(CREATE, {**FORM, "company_name": ""})
    assert response.status_code == 200
    assert "company_name" in response.context["form"].errors
    response = client.post(CREATE, {**FORM, "source": "customer_referral"})
    assert response.status_code == 200
    assert response.context["form"].errors["referred_by"] == [
        "A customer referral needs the referring customer."
    ]
    assert "A customer referral needs the referring customer." in response.content.decode()
    assert not Lead.objects.exists()


def test_duplicate_warning_requires_save_anyway(cast, client_as):
    LeadFactory(owner=cast.rep_b, company_name="Hangzhou Green Tea Trading Co., Ltd.")
    client = client_as(cast.rep_a)
    response = client.post(CREATE, FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Possible duplicates" in html
    assert "a record owned by another rep" in html
    assert 'type="checkbox" name="confirm_duplicate"' in html
    assert Lead.objects.count() == 1
    response = client.post(CREATE, {**FORM, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Lead.objects.count() == 2


def test_manager_owner_choices_are_their_team(cast, client_as):
    form = client_as(cast.manager_a).get(CREATE).context["form"]
    assert set(form.fields["owner"].queryset) == {cast.manager_a, cast.rep_a, cast.rep_a2}
    response = client_as(cast.manager_a).post(CREATE, {**FORM, "owner": cast.rep_b.pk})
    assert "owner" in response.context["form"].errors
    assert not Lead.objects.exists()


def test_hr_gets_403_on_every_write_page(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a)
    client = client_as(cast.hr)
    for target in (
        CREATE,
        reverse("leads:lead-import"),
        url("lead-update", lead),
        url("lead-transition", lead),
        url("lead-convert", lead),
        url("lead-override", lead),
        url("lead-touch-create", lead),
    ):
        assert client.get(target).status_code == 403, target
        assert client.post(target, {}).status_code == 403, target


def test_edit_regrades_and_closed_leads_cannot_be_edited(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a)
    client = client_as(cast.rep_a)
    assert client.get(url("lead-update", lead)).context["form"].initial["company_size"] == "medium"
    data = {
        **FORM,
        "company_name": lead.company_name,
        "need_match": "high",
        "company_size": "large",
    }
    response = client.post(url("lead-update", lead), data)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.grade == "A"
    closed = LeadFactory(owner=cast.rep_a, status="disqualified")
    response = client.get(url("lead-update", closed))
    assert response.status_code == 302
    assert response["Location"] == url("lead-detail", closed)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("distinct_choices", [False, True])
def test_manager_edits_a_team_members_open_lead(
    cast, client_as, monkeypatch, settings, language, distinct_choices
):
    """Issue #9: the edit page answered 500 for managers ("Cannot combine a unique query with
    a non-unique query") when the owner choices were DISTINCT and OR-ed with the current
    owner. The choices must work whatever the owner rule's queryset looks like."""
    if distinct_choices:
        from apps.leads import forms

        original = forms.assignable_owners
        monkeypatch.setattr(forms, "assignable_owners", lambda user: original(user).distinct())
    lead = LeadFactory(owner=cast.rep_a, status="contacted", referred_by=None)
    client = client_as(cast.manager_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url("lead-update", lead))
    assert response.status_code == 200
    owners = set(response.context["form"].fields["owner"].queryset)
    assert owners == {cast.manager_a, cast.rep_a, cast.rep_a2}
    data = {**FORM, "company_name": lead.company_name, "owner": cast.rep_a2.pk}
    response = client.post(url("lead-update", lead), data)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.owner, lead.notes) == (cast.rep_a2, "Met on WeChat")


# --- actions ----------------------------------------------------------------------------------


def test_status_change_from_the_browser(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a, status="contacted")
    client = client_as(cast.rep_a)
    response = client.post(url("lead-transition", lead), {"status": "disqualified"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why the lead is disqualified."]
    response = client.post(
        url("lead-transition", lead), {"status": "disqualified", "reason": "No budget this year"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "disqualified"


def test_override_page_is_for_the_owners_manager(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a)
    assert client_as(cast.rep_a).get(url("lead-override", lead)).status_code == 403
    assert client_as(cast.manager_b).get(url("lead-override", lead)).status_code == 404
    client = client_as(cast.manager_a)
    assert client.get(url("lead-override", lead)).status_code == 200
    response = client.post(url("lead-override", lead), {"grade": "A", "reason": ""})
    assert "reason" in response.context["form"].errors
    response = client.post(url("lead-override", lead), {"grade": "A", "reason": "Key account"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.grade, lead.rubric_grade) == ("A", "B")
    assert AuditEntry.objects.filter(action="lead.grade_override").count() == 1


def test_convert_from_the_browser(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a, status="qualified", grade_a=True)
    client = client_as(cast.rep_a)
    assert "convert_form" in client.get(url("lead-detail", lead)).context
    response = client.post(url("lead-convert", lead), {"opportunity_name": "Pilot"})
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.lead, customer.lead_grade) == (lead, "A")
    lead.refresh_from_db()
    assert lead.status == "converted"


def test_log_a_touch_from_the_browser(cast, client_as):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True)
    client = client_as(cast.rep_a)
    assert "touch_form" in client.get(url("lead-detail", lead)).context
    response = client.post(
        url("lead-touch-create", lead),
        {"touched_on": timezone.localdate().isoformat(), "channel": "email", "content": "Case"},
    )
    assert response.status_code == 302
    assert NurtureTouch.objects.get().lead == lead
    html = client.get(url("lead-detail", lead)).content.decode()
    assert "This month&#x27;s touch is done." in html or "This month's touch is done." in html


# --- import -----------------------------------------------------------------------------------

CSV = (
    "company_name,company_size,need_match,decision_complexity,source\n"
    "Upload One,large,high,simple,exhibition\n"
    "Upload Two,medium,low,complex,cold_visit\n"
)


def test_import_page_imports_a_csv(cast, client_as):
    client = client_as(cast.rep_a)
    assert client.get(reverse("leads:lead-import")).status_code == 200
    upload = SimpleUploadedFile("leads.csv", CSV.encode(), content_type="text/csv")
    response = client.post(reverse("leads:lead-import"), {"file": upload})
    assert response.status_code == 302
    assert Lead.objects.filter(owner=cast.rep_a).count() == 2


def test_import_page_lists_problems_and_imports_nothing(cast, client_as):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["company_name", "company_size", "need_match", "decision_complexity", "source"])
    sheet.append(["Fine", "large", "high", "simple", "exhibition"])
    sheet.append(["Broken", "giant", "high", "simple", "exhibition"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("leads.xlsx", buffer.getvalue())
    response = client_as(cast.rep_a).post(reverse("leads:lead-import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 problem found; nothing was imported." in html
    assert [(e.line, e.field) for e in response.context["row_errors"]] == [(3, "company_size")]
    assert not Lead.objects.exists()


def test_import_template_has_the_columns(cast, client_as):
    response = client_as(cast.rep_a).get(reverse("leads:lead-import-template"))
    assert response.status_code == 200
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("company_name,contact_name,phone,email")


# --- rubric -----------------------------------------------------------------------------------

RUBRIC = reverse("leads:rubric")


@pytest.mark.parametrize("role", ["rep_a", "manager_a"])
def test_rubric_page_is_403_for_reps_and_managers(cast, client_as, role, rubric_form):
    client = client_as(getattr(cast, role))
    assert client.get(RUBRIC).status_code == 403
    assert client.post(RUBRIC, rubric_form).status_code == 403
    assert selectors.rubric_current().a_min_total == 8


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_rubric_edit_regrades_and_says_how_many(cast, client_as, role, rubric_form):
    seven = LeadFactory(owner=cast.rep_a, company_size="large")  # 7: B
    client = client_as(getattr(cast, role))
    assert client.get(RUBRIC).context["form"].initial["a_min_total"] == 8
    response = client.post(RUBRIC, rubric_form, follow=True)
    assert "Rubric saved. 1 open lead was regraded." in response.content.decode()
    seven.refresh_from_db()
    assert seven.grade == "A"
    assert AuditEntry.objects.filter(action="lead.rubric_update").count() == 1


def test_rubric_errors_are_shown_on_the_form(cast, client_as, rubric_form):
    response = client_as(cast.hr).post(RUBRIC, {**rubric_form, "b_min_total": 7})
    assert response.status_code == 200
    assert (
        "must be below the lowest total for A" in response.context["form"].errors["b_min_total"][0]
    )
    response = client_as(cast.hr).post(RUBRIC, {**rubric_form, "need_low": -2})
    assert "need_low" in response.context["form"].errors
    assert selectors.rubric_current().a_min_total == 8
