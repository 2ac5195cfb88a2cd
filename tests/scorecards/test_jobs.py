"""Recompute jobs never get stuck: claims carry a lease, the watchdog queues again what a dead
worker or a lost message left behind, a redelivered start queues what is missing, and a job that
cannot finish ends failed with the reason while the previous scorecards stay."""

import datetime

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from apps.scorecards import services, tasks
from apps.scorecards.models import RecomputeChunk, RecomputeJob, Scorecard
from tests.factories import CustomerFactory, RepFactory
from tests.scorecards.helpers import FIGURE_FIELDS, order

pytestmark = pytest.mark.django_db

PERIOD = "2026-10"


@pytest.fixture
def three_chunks(settings):
    """Five reps in chunks of two (chunks 1, 2 and 3), one with an order in the period."""
    settings.SCORECARD_CHUNK_SIZE = 2
    settings.SCORECARD_LEASE_SECONDS = 60
    reps = RepFactory.create_batch(5)
    order(reps[0], CustomerFactory(owner=reps[0]), "10.00", "2026-10-01")
    return reps


@pytest.fixture
def queued(monkeypatch):
    """Capture what the tasks queue instead of sending it: [(task name, args)]."""
    sent = []
    for task in (tasks.recompute_period, tasks.recompute_chunk):
        monkeypatch.setattr(
            task, "delay", lambda *args, _name=task.name: sent.append((_name, args))
        )
    return sent


def _job() -> RecomputeJob:
    return RecomputeJob.objects.create(period_key=PERIOD)


def _later(seconds: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def _chunk(job, number) -> RecomputeChunk:
    return RecomputeChunk.objects.get(job=job, number=number)


def _figures() -> dict:
    return {
        card.rep_id: tuple(getattr(card, name) for name in FIGURE_FIELDS)
        for card in Scorecard.objects.filter(period_key=PERIOD)
    }


def test_the_claim_and_the_chunks_commit_together_and_each_chunk_records_when_it_was_queued(
    three_chunks,
):
    job = _job()
    assert services.recompute_job_start(job_id=job.pk) == [1, 2, 3]
    job.refresh_from_db()
    assert (job.status, job.total_chunks) == ("running", 3)
    chunks = list(job.chunks.all())
    assert all(c.queued_at and c.leased_until is None and c.attempts == 0 for c in chunks)


def test_a_failing_chunk_creation_leaves_the_job_queued_not_running_without_chunks(
    three_chunks, monkeypatch
):
    job = _job()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(RecomputeChunk.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        services.recompute_job_start(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.started_at) == ("queued", None)
    assert not job.chunks.exists()


def test_a_redelivered_start_queues_the_chunks_not_done_and_not_held_by_a_live_worker(
    three_chunks, queued
):
    job = _job()
    assert tasks.recompute_period(job.pk) == 3
    assert queued == [("scorecards.recompute_chunk", (job.pk, n)) for n in (1, 2, 3)]
    services.recompute_job_run_chunk(job_id=job.pk, number=1)  # done
    RecomputeChunk.objects.filter(job=job, number=2).update(leased_until=_later(30))  # held
    queued.clear()
    assert tasks.recompute_period(job.pk) == 1  # delivered again
    assert queued == [("scorecards.recompute_chunk", (job.pk, 3))]
    assert Scorecard.objects.filter(period_key=PERIOD).count() == 2


def test_a_job_claimed_by_a_worker_that_died_before_making_chunks_gets_them(three_chunks, queued):
    job = _job()
    RecomputeJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - datetime.timedelta(seconds=120)
    )
    report = services.recompute_watchdog()
    assert report.requeue == [(job.pk, 1), (job.pk, 2), (job.pk, 3)]
    job.refresh_from_db()
    assert job.total_chunks == 3
    assert services.recompute_watchdog().requeue == []  # just queued: not again
    assert tasks.recompute_period(job.pk) == 3  # a redelivered start finds them too


def test_a_chunk_held_by_a_live_lease_is_left_alone_and_taken_again_once_it_ran_out(
    three_chunks,
):
    job = _job()
    services.recompute_job_start(job_id=job.pk)
    RecomputeChunk.objects.filter(job=job, number=1).update(leased_until=_later(30), attempts=1)
    services.recompute_job_run_chunk(job_id=job.pk, number=1)
    assert _chunk(job, 1).done_at is None
    assert not Scorecard.objects.exists()
    RecomputeChunk.objects.filter(job=job, number=1).update(leased_until=_later(-1))
    services.recompute_job_run_chunk(job_id=job.pk, number=1)
    chunk = _chunk(job, 1)
    assert (chunk.attempts, chunk.leased_until) == (2, None)
    assert chunk.done_at is not None
    job.refresh_from_db()
    assert job.done_chunks == 1


def test_the_watchdog_queues_again_the_chunks_a_dead_worker_or_a_lost_message_left(
    three_chunks, settings
):
    job = _job()
    services.recompute_job_start(job_id=job.pk)
    services.recompute_job_run_chunk(job_id=job.pk, number=1)  # done
    RecomputeChunk.objects.filter(job=job, number=2).update(
        queued_at=_later(-10), leased_until=_later(-1), attempts=1
    )  # taken after it was queued; its worker died
    assert services.recompute_watchdog().requeue == [(job.pk, 2)]  # 3 was queued just now
    assert services.recompute_watchdog().requeue == []  # a lease ran out: queued once
    later = _later(settings.SCORECARD_LEASE_SECONDS + 1)
    report = services.recompute_watchdog(now=later)
    assert sorted(report.requeue) == [(job.pk, 2), (job.pk, 3)]  # 3 never taken: lost
    assert services.recompute_watchdog(now=later).requeue == []  # two watchdogs: queued once
    for number in (2, 3):
        services.recompute_job_run_chunk(job_id=job.pk, number=number)
    job.refresh_from_db()
    assert (job.status, job.done_chunks, job.error) == ("done", 3, "")
    assert Scorecard.objects.filter(period_key=PERIOD).count() == 5


def test_a_queued_job_nobody_started_is_started_again_by_the_watchdog(three_chunks, queued):
    job = _job()
    assert services.recompute_watchdog().restart == []
    RecomputeJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    assert tasks.watchdog() == {"restarted": [job.pk], "requeued": [], "failed": []}
    assert queued == [("scorecards.recompute_period", (job.pk,))]


def test_a_chunk_that_lost_its_worker_too_often_fails_the_job_and_keeps_the_scorecards(
    three_chunks,
):
    assert services.scorecards_recompute(period_key=PERIOD) == 5
    expected = _figures()
    for rep in three_chunks:  # new figures that the failed job must not half-write
        order(rep, CustomerFactory(owner=rep), "99.00", "2026-10-02")
    job = _job()
    services.recompute_job_start(job_id=job.pk)
    RecomputeChunk.objects.filter(job=job, number=3).update(leased_until=_later(-1), attempts=3)
    services.recompute_job_run_chunk(job_id=job.pk, number=3)  # no attempt left: not taken
    report = services.recompute_watchdog()
    assert report.failed == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Chunk 3 failed 3 times: worker lost"
    assert job.finished_at is not None
    services.recompute_job_run_chunk(job_id=job.pk, number=1)  # a failed job runs nothing more
    assert services.recompute_watchdog().requeue == []
    assert _figures() == expected


def test_a_transient_error_is_retried_then_fails_the_job_with_the_last_error(
    three_chunks, monkeypatch
):
    job = _job()
    services.recompute_job_start(job_id=job.pk)

    def gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "scorecards_recompute", gone)
    for attempt in (1, 2):
        with pytest.raises(OperationalError):
            services.recompute_job_run_chunk(job_id=job.pk, number=1)
        chunk = _chunk(job, 1)
        assert chunk.attempts == attempt
        assert chunk.last_error == "OperationalError: server closed the connection unexpectedly"
        job.refresh_from_db()
        assert job.status == "running"
        assert (job.pk, 1) in services.recompute_watchdog().requeue  # lease given back
    with pytest.raises(OperationalError):
        services.recompute_job_run_chunk(job_id=job.pk, number=1)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == (
        "Chunk 1 failed: OperationalError: server closed the connection unexpectedly"
    )
    assert not Scorecard.objects.exists()


def test_the_watchdog_reports_the_last_error_of_a_chunk_out_of_attempts(three_chunks):
    job = _job()
    services.recompute_job_start(job_id=job.pk)
    RecomputeChunk.objects.filter(job=job, number=2).update(
        leased_until=_later(-1), attempts=3, last_error="SoftTimeLimitExceeded: ()"
    )
    services.recompute_watchdog()
    job.refresh_from_db()
    assert (job.status, job.error) == (
        "failed",
        "Chunk 2 failed 3 times: SoftTimeLimitExceeded: ()",
    )


def test_a_job_whose_chunks_are_all_done_is_finished_by_the_watchdog(three_chunks):
    job = _job()
    services.recompute_job_start(job_id=job.pk)
    RecomputeChunk.objects.filter(job=job).update(done_at=timezone.now())
    RecomputeJob.objects.filter(pk=job.pk).update(done_chunks=3)
    services.recompute_watchdog()
    job.refresh_from_db()
    assert job.status == "done"


def test_the_chunk_task_is_acknowledged_late_and_its_lease_outlives_its_time_limit():
    chunk = tasks.recompute_chunk
    assert (chunk.acks_late, chunk.reject_on_worker_lost) == (True, True)
    assert chunk.soft_time_limit < chunk.time_limit < services.lease_seconds()
    assert tasks.recompute_period.acks_late is True
    assert services.max_attempts() == 3


def test_a_failed_job_shows_its_reason_on_the_page_the_status_and_the_api(client_as, api_as, cast):
    job = RecomputeJob.objects.create(
        period_key=PERIOD,
        requested_by=cast.hr,
        status="failed",
        error="Chunk 3 failed 3 times: worker lost",
    )
    page = client_as(cast.hr).get(reverse("scorecards:job-detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Failed" in html
    assert "Chunk 3 failed 3 times: worker lost" in html
    status = client_as(cast.hr).get(reverse("scorecards:job-status", args=[job.pk])).json()
    assert (status["status"], status["error"]) == ("failed", "Chunk 3 failed 3 times: worker lost")
    body = api_as(cast.hr).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["error"]) == ("failed", "Chunk 3 failed 3 times: worker lost")
