import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.core.models import AuditEntry
from apps.promotions.choices import CandidateStatus
from apps.promotions.models import MethodologyDocument
from tests.factories import MethodologyDocumentFactory, PromotionCandidateFactory
from tests.promotions.conftest import LONG_TEXT, grade_for

pytestmark = pytest.mark.django_db


def _accepted(person, title):
    candidate = PromotionCandidateFactory(person=person, status=CandidateStatus.ACCEPTED)
    from django.utils import timezone

    return MethodologyDocumentFactory(candidate=candidate, title=title, accepted_at=timezone.now())


def test_list_shows_a_manager_only_their_teams_candidates(cast, client_as):
    PromotionCandidateFactory(person=cast.rep_a)
    PromotionCandidateFactory(person=cast.rep_b)
    response = client_as(cast.manager_a).get(reverse("promotions:candidate-list"))
    assert response.status_code == 200
    people = {candidate.person for candidate in response.context["candidates"]}
    assert people == {cast.rep_a}


def test_list_shows_hr_every_candidate(cast, client_as):
    PromotionCandidateFactory(person=cast.rep_a)
    PromotionCandidateFactory(person=cast.rep_b)
    response = client_as(cast.hr).get(reverse("promotions:candidate-list"))
    assert len(response.context["candidates"]) == 2


def test_a_rep_is_taken_to_their_own_candidacy(cast, client_as):
    own = PromotionCandidateFactory(person=cast.rep_a)
    PromotionCandidateFactory(person=cast.rep_a2)
    response = client_as(cast.rep_a).get(reverse("promotions:candidate-list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("promotions:candidate-detail", args=[own.pk])


def test_a_rep_never_sees_another_reps_candidacy(cast, client_as):
    other = PromotionCandidateFactory(person=cast.rep_a2)
    client = client_as(cast.rep_a)
    assert client.get(reverse("promotions:candidate-detail", args=[other.pk])).status_code == 404
    response = client.get(reverse("promotions:candidate-list"), {"year": 2026})
    assert list(response.context["candidates"]) == []


def test_candidate_writes_and_submits_the_document_with_a_file(cast, client_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    url = reverse("promotions:document-form", args=[candidate.pk])
    client = client_as(cast.rep_a)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "My method",
            "text": LONG_TEXT,
            "submit": "on",
            "record_version": candidate.version,
            "file": SimpleUploadedFile("notes.md", b"# SPIN"),
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.SUBMITTED
    assert candidate.document.file_name == "notes.md"


def test_short_document_shows_the_message_on_the_text_field(cast, client_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    response = client_as(cast.rep_a).post(
        reverse("promotions:document-form", args=[candidate.pk]),
        {"title": "My method", "text": "Too short", "record_version": candidate.version},
    )
    assert response.status_code == 200
    assert "200" in response.context["form"].errors["text"][0]
    assert not MethodologyDocument.objects.exists()


def test_stale_version_is_refused(cast, client_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    opened = candidate.version
    candidate.save()  # someone else saved meanwhile
    response = client_as(cast.rep_a).post(
        reverse("promotions:document-form", args=[candidate.pk]),
        {"title": "My method", "text": LONG_TEXT, "record_version": opened},
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert not MethodologyDocument.objects.exists()


def test_hr_returns_with_a_reason_from_the_browser(cast, client_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=candidate)
    url = reverse("promotions:return", args=[candidate.pk])
    client = client_as(cast.hr)
    response = client.post(url, {"reason": "", "record_version": candidate.version})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "More examples", "record_version": candidate.version})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.RETURNED


def test_detail_page_shows_the_timeline_of_recorded_changes(cast, client_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    target = reverse("promotions:candidate-detail", args=[candidate.pk])
    html = re.sub(r"\s*\n\s*", "", client_as(cast.hr).get(target).content.decode())
    assert '<h2>Timeline</h2><p class="empty">No recorded changes.</p>' in html
    AuditEntry.objects.create(
        target=candidate,
        action="promotion.return",
        actor=cast.hr,
        subject_user=cast.rep_a,
        reason="More <examples>",
    )
    AuditEntry.objects.create(
        target=candidate, action="promotion.return", actor=None, subject_user=cast.rep_a
    )
    AuditEntry.objects.update(at=timezone.make_aware(datetime.datetime(2026, 3, 4, 15, 7)))
    html = re.sub(r"\s*\n\s*", "", client_as(cast.hr).get(target).content.decode())
    label = AuditEntry.objects.first().action_label
    assert (
        '<h2>Timeline</h2><table class="list"><thead><tr><th scope="col">When</th>'
        '<th scope="col">Who</th><th scope="col">Change</th><th scope="col">Reason</th></tr>'
        f"</thead><tbody><tr><td>2026-03-04 15:07</td><td>—</td><td>{escape(label)}</td>"
        f"<td>—</td></tr><tr><td>2026-03-04 15:07</td><td>{escape(cast.hr)}</td>"
        f"<td>{escape(label)}</td><td>More &lt;examples&gt;</td></tr></tbody></table>"
    ) in html


def test_manager_may_not_accept(cast, client_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=candidate)
    response = client_as(cast.manager_a).post(
        reverse("promotions:accept", args=[candidate.pk]), {"record_version": candidate.version}
    )
    assert response.status_code == 403


def test_material_shows_accepted_documents_of_the_readers_team_only(cast, client_as):
    _accepted(cast.rep_a2, "Alpha method")
    _accepted(cast.rep_b, "Bravo method")
    submitted = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=submitted, title="Not yet accepted")
    url = reverse("promotions:material")
    for reader, expected in (
        (cast.rep_a, {"Alpha method"}),
        (cast.manager_a, {"Alpha method"}),
        (cast.rep_b, {"Bravo method"}),
        (cast.hr, {"Alpha method", "Bravo method"}),
    ):
        response = client_as(reader).get(url)
        assert {document.title for document in response.context["documents"]} == expected


def test_material_search_matches_title_and_text(cast, client_as):
    _accepted(cast.rep_a2, "Alpha method")
    _accepted(cast.rep_a, "Pipeline")
    response = client_as(cast.rep_a).get(reverse("promotions:material"), {"q": "alpha"})
    assert [document.title for document in response.context["documents"]] == ["Alpha method"]
    response = client_as(cast.rep_a).get(reverse("promotions:material"), {"q": "SPIN"})
    assert len(response.context["documents"]) == 2


def test_hr_refresh_from_the_browser_creates_candidates(cast, client_as, cycle):
    grade_for(cycle, cast.rep_a)
    response = client_as(cast.hr).post(reverse("promotions:refresh"), {"cycle": cycle.pk})
    assert response.status_code == 302
    assert cast.rep_a.promotion_candidacies.count() == 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render_for_every_role(cast, client_as, language, settings):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=candidate)
    for user in cast.by_role().values():
        client = client_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in (
            reverse("promotions:candidate-list") + "?year=2026",
            reverse("promotions:material"),
        ):
            assert client.get(url).status_code == 200
    client = client_as(cast.hr)
    assert (
        client.get(reverse("promotions:candidate-detail", args=[candidate.pk])).status_code == 200
    )
    assert client.get(reverse("promotions:accept", args=[candidate.pk])).status_code == 200
