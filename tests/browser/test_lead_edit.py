"""A manager edits an open lead of a team member from the lead page, in English and Chinese
(issue #9: the edit page answered 500 for managers)."""

import pytest
from playwright.sync_api import expect

from apps.leads.models import Lead
from tests.browser.test_shell import sign_in
from tests.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "edit", "save"),
    [("en", "Edit", "Save"), ("zh-hans", "编辑", "保存")],
)
def test_manager_edits_a_team_members_open_lead(page, live_server, cast, language, edit, save):
    lead = LeadFactory(owner=cast.rep_a, company_name="Wuxi Gearbox Works", status="contacted")
    sign_in(page, live_server, "manager_a")
    if language != "en":
        page.select_option("#language-select", language)
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    page.click(f"a.button >> text={edit}")
    expect(page).to_have_url(f"{live_server.url}/leads/{lead.pk}/edit/")
    # The owner choice offers the manager's team members (the current owner included).
    owner_options = page.locator("#id_owner option").all_inner_texts()
    assert str(cast.rep_a2) in owner_options, owner_options
    assert str(cast.rep_b) not in owner_options, owner_options
    page.fill("#id_notes", "Met the plant manager; budget in Q3.")
    page.select_option("#id_owner", str(cast.rep_a2.pk))
    page.click(f"button[type=submit].primary >> text={save}")
    expect(page).to_have_url(f"{live_server.url}/leads/{lead.pk}/")
    expect(page.locator("body")).to_contain_text("Met the plant manager; budget in Q3.")
    lead = Lead.objects.get(pk=lead.pk)
    assert (lead.notes, lead.owner_id) == ("Met the plant manager; budget in Q3.", cast.rep_a2.pk)
