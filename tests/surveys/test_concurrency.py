"""Two people at once on PostgreSQL: a link answered twice at the same moment counts once, and
two draws of the same quarter at once draw each customer once."""

import threading

import pytest
from django.db import connection, connections

from apps.core.models import AuditEntry
from apps.surveys import services
from apps.surveys.models import Survey
from tests.conftest import require_service
from tests.factories import CustomerFactory, SurveyFactory

pytestmark = pytest.mark.services

ANSWERS = {"solution_fit": 70, "response_speed": 80, "problem_resolution": 90}


def _require_postgres():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def _in_parallel(*works):
    barrier = threading.Barrier(len(works))
    results, errors = [], []

    def target(work):
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # noqa: BLE001 — reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_a_link_answered_twice_at_once_counts_once(cast):
    _require_postgres()
    survey = SurveyFactory(rep=cast.rep_a)
    token = services.survey_issue_link(survey=survey, actor=cast.hr)

    def answer(scores):
        return lambda: services.survey_answer_by_link(token=token, **scores)

    low = dict.fromkeys(ANSWERS, 10)
    results, errors = _in_parallel(answer(ANSWERS), answer(low))
    assert len(results) == 1
    assert [type(exc) for exc in errors] == [services.InvalidLink]
    survey.refresh_from_db()
    assert survey.score == results[0].score
    assert AuditEntry.objects.filter(action="survey.answer").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_link_answer_and_a_phone_interview_at_once_count_once(cast):
    _require_postgres()
    survey = SurveyFactory(rep=cast.rep_a)
    token = services.survey_issue_link(survey=survey, actor=cast.hr)
    results, errors = _in_parallel(
        lambda: services.survey_answer_by_link(token=token, **ANSWERS),
        lambda: services.survey_record_interview(actor=cast.hr, survey=survey, **ANSWERS),
    )
    assert len(results) == 1 and len(errors) == 1
    assert Survey.objects.get(pk=survey.pk).status == "answered"
    assert AuditEntry.objects.filter(action="survey.answer").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seeds", [("one", "one"), ("one", "two")], ids=["same seed", "two seeds"])
def test_two_draws_of_the_same_quarter_at_once_draw_each_customer_once(cast, seeds):
    """The draws take turns: the second keeps the first's surveys. With the same seed (HR opening
    the same cycle twice) it adds none; with another seed it may top the rep up to that seed's
    share (10-15), never drawing a customer twice — so one draw's surveys contain the other's."""
    _require_postgres()
    for _ in range(20):
        CustomerFactory(owner=cast.rep_a)

    def draw(seed):
        return lambda: services.surveys_sample(period_key="2026-Q3", seed=seed, reps=[cast.rep_a])

    results, errors = _in_parallel(*(draw(seed) for seed in seeds))
    assert errors == []
    surveys = list(Survey.objects.values_list("pk", "customer_id"))
    assert 10 <= len(surveys) <= 15
    assert len({customer for _pk, customer in surveys}) == len(surveys)
    first, second = sorted(({s.pk for s in result} for result in results), key=len)
    assert first <= second == {pk for pk, _customer in surveys}
    if seeds[0] == seeds[1]:
        assert first == second
