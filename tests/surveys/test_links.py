"""One-time survey links (SPEC §0, §2.3): an unguessable token, stored only as its hash, an
expiry, single use, no sign-in. Every refusal — reuse, expiry, a guessed, altered or replaced
token, a cancelled survey, a signed-in rep — is the same page with the same status, and writes
nothing."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.surveys import services
from apps.surveys.models import Survey
from tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"solution_fit": "70", "response_speed": "80", "problem_resolution": "90"}


@pytest.fixture
def survey(cast):
    return SurveyFactory(rep=cast.rep_a)


@pytest.fixture
def token(cast, survey):
    return services.survey_issue_link(survey=survey, actor=cast.hr)


def _url(token):
    return reverse("surveys:answer", args=[token])


def _refused_alike(response, reference):
    assert response.status_code == 404
    assert response.content == reference.content


@pytest.fixture
def reference(client):
    """The refusal page for a token that never existed."""
    response = client.get(_url("x" * 43))
    assert response.status_code == 404
    assert b"This survey link is not valid any more" in response.content
    return response


def test_only_the_tokens_hash_is_stored(cast, survey, token):
    survey.refresh_from_db()
    assert survey.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Survey.objects.filter(pk=survey.pk).values().get())
    assert len(token) >= 40
    entry = AuditEntry.objects.get(action="survey.issue_link")
    assert token not in str(entry.changes) and entry.subject_user == cast.rep_a


def test_the_link_opens_the_survey_without_signing_in_in_its_language(client, survey, token):
    response = client.get(_url(token))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert survey.customer.name in page
    assert 'name="solution_fit"' in page and "csrfmiddlewaretoken" in page
    assert response["Cache-Control"] == "no-store"


def test_an_english_survey_is_in_english(client, cast):
    survey = SurveyFactory(rep=cast.rep_a, language="en")
    token = services.survey_issue_link(survey=survey, actor=cast.hr)
    response = client.get(_url(token), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="en">' in response.content.decode()
    assert "How satisfied are you with us?" in response.content.decode()


def test_answering_through_the_link_computes_the_score_and_uses_the_link_up(
    client, survey, token, reference
):
    response = client.post(_url(token), {**ANSWERS, "comment": "Good", "respondent": "Ms Li"})
    assert response.status_code == 200
    survey.refresh_from_db()
    assert (survey.status, survey.channel, str(survey.score)) == ("answered", "link", "80.00")
    assert survey.token_hash is None and survey.recorded_by is None
    assert (survey.comment, survey.respondent) == ("Good", "Ms Li")
    entry = AuditEntry.objects.get(action="survey.answer")
    assert entry.actor is None and entry.changes["score"] == [None, "80.00"]
    _refused_alike(client.get(_url(token)), reference)
    _refused_alike(client.post(_url(token), ANSWERS), reference)


def test_the_surveys_weights_weigh_the_dimensions(client, cast):
    survey = SurveyFactory(rep=cast.rep_a, weight_solution_fit=2)
    token = services.survey_issue_link(survey=survey, actor=cast.hr)
    client.post(_url(token), ANSWERS)
    survey.refresh_from_db()
    assert str(survey.score) == "77.50"  # (70·2 + 80 + 90) / 4


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**ANSWERS, "solution_fit": "101"}, "solution_fit"),
        ({**ANSWERS, "response_speed": "-1"}, "response_speed"),
        ({**ANSWERS, "problem_resolution": ""}, "problem_resolution"),
        ({**ANSWERS, "solution_fit": "abc"}, "solution_fit"),
    ],
)
def test_a_bad_answer_names_the_field_and_keeps_the_link(client, survey, token, data, field):
    response = client.post(_url(token), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    survey.refresh_from_db()
    assert survey.status == "pending" and survey.token_hash is not None


def _refused_and_untouched(client, url, survey, reference):
    before = Survey.objects.filter(pk=survey.pk).values().get()
    _refused_alike(client.get(url), reference)
    _refused_alike(client.post(url, ANSWERS), reference)
    assert Survey.objects.filter(pk=survey.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="survey.answer").exists()


def test_an_expired_link_is_refused(client, survey, token, reference):
    Survey.objects.filter(pk=survey.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    _refused_and_untouched(client, _url(token), survey, reference)


def test_a_guessed_token_is_refused(client, survey, token, reference):
    _refused_and_untouched(client, _url("A" * len(token)), survey, reference)


def test_an_altered_token_is_refused(client, survey, token, reference):
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    _refused_and_untouched(client, _url(altered), survey, reference)
    _refused_and_untouched(client, _url(token + "x"), survey, reference)


def test_a_replaced_link_is_refused(cast, client, survey, token, reference):
    newer = services.survey_issue_link(survey=survey, actor=cast.hr)
    assert newer != token
    _refused_and_untouched(client, _url(token), survey, reference)
    assert client.get(_url(newer)).status_code == 200


def test_a_cancelled_surveys_link_is_refused(cast, client, survey, token, reference):
    services.survey_cancel(actor=cast.hr, survey=survey, reason="Contact left the company")
    survey.refresh_from_db()
    assert survey.token_hash is None
    _refused_and_untouched(client, _url(token), survey, reference)


def test_the_token_of_a_survey_with_its_hash_typed_in_is_refused(client, survey, token, reference):
    survey.refresh_from_db()
    _refused_and_untouched(client, _url(survey.token_hash), survey, reference)


def test_a_signed_in_rep_cannot_answer_their_own_customers_survey(
    cast, client_as, survey, token, reference
):
    client = client_as(cast.rep_a)
    _refused_and_untouched(client, _url(token), survey, reference)


def test_another_reps_token_is_refused_to_a_signed_in_rep(
    cast, client_as, survey, token, reference
):
    client = client_as(cast.rep_b)
    _refused_and_untouched(client, _url(token), survey, reference)


def test_the_answer_form_is_csrf_protected(cast, survey, token):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(token), ANSWERS).status_code == 403
    survey.refresh_from_db()
    assert survey.status == "pending"


def test_too_many_refused_links_from_one_address_are_slowed_down(client, survey, token):
    from apps.surveys.views import BAD_LINK_LIMIT

    for n in range(BAD_LINK_LIMIT):
        assert client.get(_url(f"{n:0>43}")).status_code == 404
    assert client.get(_url(token)).status_code == 429


def test_who_may_issue_a_link(cast, survey):
    for user in (cast.rep_a, cast.rep_a2, cast.manager_b):
        with pytest.raises(PermissionDenied):
            services.survey_issue_link(survey=survey, actor=user)
    assert services.survey_issue_link(survey=survey, actor=cast.manager_a)
    assert services.survey_issue_link(survey=survey, actor=cast.admin)


def test_a_manager_cannot_issue_the_link_of_their_own_customers_survey(cast):
    survey = SurveyFactory(rep=cast.manager_a)
    with pytest.raises(PermissionDenied) as exc:
        services.survey_issue_link(survey=survey, actor=cast.manager_a)
    assert "your own customer" in str(exc.value)
