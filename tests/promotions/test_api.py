import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.promotions.choices import CandidateStatus
from tests.factories import MethodologyDocumentFactory, PromotionCandidateFactory
from tests.promotions.conftest import LONG_TEXT

pytestmark = pytest.mark.django_db

URL = "/api/v1/promotion-candidates/"


def _ids(response):
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["rep"] for row in rows}


def test_list_is_scoped_for_every_role(cast, api_as):
    PromotionCandidateFactory(person=cast.rep_a)
    PromotionCandidateFactory(person=cast.rep_a2)
    PromotionCandidateFactory(person=cast.rep_b)
    assert _ids(api_as(cast.rep_a).get(URL)) == {cast.rep_a.pk}
    assert _ids(api_as(cast.manager_a).get(URL)) == {cast.rep_a.pk, cast.rep_a2.pk}
    everyone = {cast.rep_a.pk, cast.rep_a2.pk, cast.rep_b.pk}
    assert _ids(api_as(cast.hr).get(URL)) == everyone
    assert _ids(api_as(cast.admin).get(URL)) == everyone


def test_list_filters_by_year(cast, api_as):
    PromotionCandidateFactory(person=cast.rep_a, year=2025)
    PromotionCandidateFactory(person=cast.rep_a2, year=2026)
    assert _ids(api_as(cast.hr).get(URL, {"year": 2026})) == {cast.rep_a2.pk}


def test_rep_cannot_read_another_reps_candidacy(cast, api_as):
    other = PromotionCandidateFactory(person=cast.rep_a2)
    assert api_as(cast.rep_a).get(f"{URL}{other.pk}/").status_code == 404


def test_submit_accept_and_decide_through_the_api(cast, api_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    response = api_as(cast.rep_a).post(
        f"{URL}{candidate.pk}/submit/",
        {"title": "My method", "text": LONG_TEXT},
        format="json",
        HTTP_IF_MATCH=f'"{candidate.version}"',
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == CandidateStatus.SUBMITTED
    hr = api_as(cast.hr)
    response = hr.post(f"{URL}{candidate.pk}/accept/", format="json")
    assert response.json()["status"] == CandidateStatus.ACCEPTED
    response = hr.post(
        f"{URL}{candidate.pk}/decide/", {"promoted": True, "reason": "Ready"}, format="json"
    )
    assert response.json()["status"] == CandidateStatus.PROMOTED


def test_submit_with_a_short_text_is_a_400_naming_text(cast, api_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    response = api_as(cast.rep_a).post(
        f"{URL}{candidate.pk}/submit/", {"title": "T", "text": "short"}, format="json"
    )
    assert response.status_code == 400
    assert "text" in response.json()


def test_submit_with_a_stale_if_match_is_412(cast, api_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    response = api_as(cast.rep_a).post(
        f"{URL}{candidate.pk}/submit/",
        {"title": "T", "text": LONG_TEXT},
        format="json",
        HTTP_IF_MATCH=f'"{candidate.version + 5}"',
    )
    assert response.status_code == 412
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.AWAITING


def test_manager_may_not_return_a_document(cast, api_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=candidate)
    response = api_as(cast.manager_a).post(
        f"{URL}{candidate.pk}/return/", {"reason": "no"}, format="json"
    )
    assert response.status_code == 403


def test_deciding_before_acceptance_is_a_409(cast, api_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    response = api_as(cast.hr).post(
        f"{URL}{candidate.pk}/decide/", {"promoted": True, "reason": "x"}, format="json"
    )
    assert response.status_code == 409


def test_document_download_is_scoped(cast, api_as):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    api_as(cast.rep_a).post(
        f"{URL}{candidate.pk}/submit/",
        {"title": "T", "text": LONG_TEXT, "file": SimpleUploadedFile("m.txt", b"my method")},
        format="multipart",
    )
    url = f"{URL}{candidate.pk}/document/"
    response = api_as(cast.rep_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"my method"
    assert api_as(cast.rep_a2).get(url).status_code == 404  # not accepted: not material yet
    assert api_as(cast.rep_b).get(url).status_code == 404
    assert api_as(cast.manager_a).get(url).status_code == 200
    document = candidate.document
    document.accepted_at = timezone.now()
    document.save()
    assert api_as(cast.rep_a2).get(url).status_code == 200  # team material now
    assert api_as(cast.rep_b).get(url).status_code == 404
