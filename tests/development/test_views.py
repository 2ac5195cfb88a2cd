"""The browser pages: ratings to give, anonymity, learning log, goals and the case library."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.development import periods
from apps.development.choices import LearningKind, RaterRole
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase
from tests.factories import RepFactory
from tests.factories.development import (
    CapabilityGoalFactory,
    CollaborationRatingFactory,
    LearningEntryFactory,
    SalesCaseFactory,
)

pytestmark = pytest.mark.django_db


def _quarter():
    return periods.quarter_key(timezone.localdate())


def _rated_by_peers(cast, rated, count, *, names=()):
    raters = []
    for index in range(count):
        rater = RepFactory(
            team=rated.team,
            first_name=names[index] if index < len(names) else "",
            last_name="Rater",
        )
        CollaborationRatingFactory(
            rated=rated, rater=rater, period_key=_quarter(), comment=f"secret note {index}"
        )
        raters.append(rater)
    return raters


# --- ratings ---------------------------------------------------------------------------------


def test_ratings_to_give_lists_teammates_not_oneself(cast, client_as):
    response = client_as(cast.rep_a).get(reverse("development:rating-list"))
    assert response.status_code == 200
    people = [t.person for t in response.context["targets"]]
    assert people == [cast.rep_a2]
    assert response.context["pending"] == 1


def test_a_rep_saves_and_then_updates_a_rating_from_the_page(cast, client_as):
    client = client_as(cast.rep_a)
    url = reverse("development:rating-give", args=[cast.rep_a2.pk])
    data = {"cross_department": 4, "knowledge_sharing": 5, "period_key": _quarter()}
    response = client.post(url, {**data, "record_version": 0})
    assert response.status_code == 302
    rating = CollaborationRating.objects.get()
    assert (rating.rater, rating.rater_role, rating.knowledge_sharing) == (
        cast.rep_a,
        RaterRole.PEER,
        5,
    )
    response = client.post(url, {**data, "knowledge_sharing": 2, "record_version": 1})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.knowledge_sharing, CollaborationRating.objects.count()) == (2, 1)


def test_saving_a_rating_opened_on_an_old_version_is_a_conflict(cast, client_as):
    CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a, period_key=_quarter())
    url = reverse("development:rating-give", args=[cast.rep_a2.pk])
    data = {"cross_department": 1, "knowledge_sharing": 1, "period_key": _quarter()}
    response = client_as(cast.rep_a).post(url, {**data, "record_version": 0})
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert CollaborationRating.objects.get().cross_department == 4


def test_a_rating_out_of_range_names_the_field_and_saves_nothing(cast, client_as):
    url = reverse("development:rating-give", args=[cast.rep_a2.pk])
    response = client_as(cast.rep_a).post(
        url, {"cross_department": 6, "knowledge_sharing": 3, "period_key": _quarter()}
    )
    assert response.status_code == 200
    assert "cross_department" in response.context["form"].errors
    assert not CollaborationRating.objects.exists()


def test_a_closed_quarter_is_refused_at_the_top_of_the_form(cast, client_as):
    url = reverse("development:rating-give", args=[cast.rep_a2.pk])
    response = client_as(cast.rep_a).post(
        url, {"cross_department": 3, "knowledge_sharing": 3, "period_key": "2020-Q1"}
    )
    assert response.status_code == 200
    assert "closed" in " ".join(response.context["form"].non_field_errors())
    assert not CollaborationRating.objects.exists()


@pytest.mark.parametrize("rater", ["rep_a", "manager_a"])
def test_rating_someone_outside_the_team_is_not_found(cast, client_as, rater):
    url = reverse("development:rating-give", args=[cast.rep_b.pk])
    response = client_as(getattr(cast, rater)).post(
        url, {"cross_department": 3, "knowledge_sharing": 3, "period_key": _quarter()}
    )
    assert response.status_code == 404
    assert not CollaborationRating.objects.exists()


def test_rating_oneself_from_the_browser_is_not_possible(cast, client_as):
    url = reverse("development:rating-give", args=[cast.rep_a.pk])
    assert client_as(cast.rep_a).get(url).status_code == 404


def test_hr_does_not_rate_but_sees_the_page(cast, client_as):
    client = client_as(cast.hr)
    assert client.get(reverse("development:rating-list")).status_code == 200
    url = reverse("development:rating-give", args=[cast.rep_a.pk])
    assert client.get(url).status_code == 403


def test_my_collaboration_never_shows_raters_or_single_ratings(cast, client_as):
    _rated_by_peers(cast, cast.rep_a, 3, names=("Zhangwei", "Lina", "Wangfang"))
    response = client_as(cast.rep_a).get(reverse("development:my-collaboration"))
    page = response.content.decode()
    for secret in ("Zhangwei", "Lina", "Wangfang", "secret note"):
        assert secret not in page
    assert response.context["summaries"][0].peer_mean == Decimal("4.00")


def test_my_collaboration_hides_the_peer_mean_with_two_peers(cast, client_as):
    _rated_by_peers(cast, cast.rep_a, 2)
    response = client_as(cast.rep_a).get(reverse("development:my-collaboration"))
    summary = response.context["summaries"][0]
    assert (summary.peer_count, summary.peer_mean) == (2, None)
    assert summary.score is None  # no manager rating, and two peers are left out
    assert "hidden (fewer than 3 peers)" in response.content.decode()


def test_the_ratings_page_never_shows_a_rep_the_ratings_about_them(cast, client_as):
    _rated_by_peers(cast, cast.rep_a, 3)
    given = CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a)
    response = client_as(cast.rep_a).get(reverse("development:rating-team"))
    assert list(response.context["ratings"]) == [given]
    assert "secret note" not in response.content.decode()
    # Asking for the ratings about themself is not a choice: still only those they gave.
    response = client_as(cast.rep_a).get(
        reverse("development:rating-team"), {"rated": cast.rep_a.pk}
    )
    assert list(response.context["ratings"]) == [given]


def test_a_manager_sees_their_teams_ratings_with_raters(cast, client_as):
    raters = _rated_by_peers(cast, cast.rep_a, 1, names=("Zhangwei",))
    CollaborationRatingFactory(rated=cast.rep_b, rater=RepFactory(team=cast.team_b))
    response = client_as(cast.manager_a).get(reverse("development:rating-team"))
    assert [r.rater for r in response.context["ratings"]] == raters
    assert "Zhangwei" in response.content.decode()


def test_hr_sees_every_rating(cast, client_as):
    _rated_by_peers(cast, cast.rep_a, 1)
    CollaborationRatingFactory(rated=cast.rep_b, rater=RepFactory(team=cast.team_b))
    response = client_as(cast.hr).get(reverse("development:rating-team"))
    assert len(response.context["ratings"]) == 2


# --- learning log ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "seen"),
    [("rep", {"rep_a"}), ("manager", {"rep_a", "rep_a2"}), ("hr", {"rep_a", "rep_a2", "rep_b"})],
)
def test_learning_list_is_scoped_by_role(cast, client_as, role, seen):
    for name in ("rep_a", "rep_a2", "rep_b"):
        LearningEntryFactory(rep=getattr(cast, name))
    user = cast.by_role()[role]
    response = client_as(user).get(reverse("development:learning-list"))
    assert response.status_code == 200
    assert {e.rep.username for e in response.context["entries"]} == seen


def test_learning_list_filters_by_kind_and_dates(cast, client_as):
    LearningEntryFactory(rep=cast.rep_a, on=datetime.date(2026, 3, 1))
    exam = LearningEntryFactory(
        rep=cast.rep_a, kind=LearningKind.EXAM, score=80, on=datetime.date(2026, 6, 1)
    )
    response = client_as(cast.rep_a).get(
        reverse("development:learning-list"),
        {"kind": "exam", "date_after": "2026-05-01", "date_before": "2026-06-30"},
    )
    assert list(response.context["entries"]) == [exam]
    assert 'type="date"' in response.content.decode()


def test_logging_an_exam_without_a_score_shows_the_message_and_saves_nothing(cast, client_as):
    response = client_as(cast.rep_a).post(
        reverse("development:learning-create"),
        {"kind": "exam", "title": "SPIN exam", "on": "2026-01-05", "evidence": "Transcript"},
    )
    assert response.status_code == 200
    assert "score" in response.context["form"].errors
    assert not LearningEntry.objects.exists()


def test_logging_a_course_from_the_page(cast, client_as):
    response = client_as(cast.rep_a).post(
        reverse("development:learning-create"),
        {"kind": "course", "title": "SPIN", "on": "2026-01-05", "evidence": "Record 7"},
    )
    assert response.status_code == 302
    assert LearningEntry.objects.get().rep == cast.rep_a


def test_a_manager_cannot_edit_a_reps_entry(cast, client_as):
    entry = LearningEntryFactory(rep=cast.rep_a)
    url = reverse("development:learning-update", args=[entry.pk])
    assert client_as(cast.manager_a).get(url).status_code == 403


def test_deleting_an_own_entry(cast, client_as):
    entry = LearningEntryFactory(rep=cast.rep_a)
    url = reverse("development:learning-delete", args=[entry.pk])
    response = client_as(cast.rep_a).post(url, {"record_version": entry.version})
    assert response.status_code == 302
    assert not LearningEntry.objects.exists()


def test_learning_page_shows_goal_and_scores(cast, client_as):
    year = periods.fiscal_year_of(timezone.localdate())
    CapabilityGoalFactory(rep=cast.rep_a, year=year, title="Two new industries", progress=40)
    response = client_as(cast.rep_a).get(reverse("development:learning-list"))
    page = response.content.decode()
    assert "Two new industries" in page
    assert "skills 50" in page and "pace 25" in page and "progress 25" in page
    [row] = response.context["overview"]
    assert row.year_score is not None


@pytest.mark.parametrize("size", [1, 6])
def test_learning_page_queries_do_not_grow(cast, client_as, size, django_assert_max_num_queries):
    for _ in range(size):
        rep = RepFactory(team=cast.team_a)
        LearningEntryFactory(rep=rep)
        CapabilityGoalFactory(rep=rep, year=periods.fiscal_year_of(timezone.localdate()))
    client = client_as(cast.manager_a)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("development:learning-list"))
    assert len(response.context["overview"]) == size + 3


def test_a_manager_updates_a_team_reps_goal_progress(cast, client_as):
    goal = CapabilityGoalFactory(rep=cast.rep_a)
    response = client_as(cast.manager_a).post(
        reverse("development:goal-update", args=[goal.pk]),
        {"title": goal.title, "progress": "65", "record_version": goal.version},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == Decimal("65")


def test_a_rep_sets_their_own_goal_from_the_page(cast, client_as):
    response = client_as(cast.rep_a).post(
        reverse("development:goal-create") + "?year=2026", {"title": "Two industries"}
    )
    assert response.status_code == 302
    goal = CapabilityGoal.objects.get()
    assert (goal.rep, goal.year) == (cast.rep_a, 2026)


def test_a_rep_cannot_set_a_teammates_goal(cast, client_as):
    url = reverse("development:goal-create") + f"?rep={cast.rep_a2.pk}"
    assert client_as(cast.rep_a).get(url).status_code == 404


# --- case library ----------------------------------------------------------------------------


def test_everyone_reads_every_case(cast, client_as):
    case = SalesCaseFactory(author=cast.rep_b, team=cast.team_b)
    for user in cast.by_role().values():
        client = client_as(user)
        assert client.get(reverse("development:case-detail", args=[case.pk])).status_code == 200
        assert case in client.get(reverse("development:case-list")).context["cases"]


def test_case_search_covers_title_lessons_and_tags(cast, client_as):
    spin = SalesCaseFactory(title="Plant rollout", tags="spin,manufacturing")
    other = SalesCaseFactory(
        title="Price talk", summary="Squeezed", lessons="Quote late", tags="negotiation"
    )
    client = client_as(cast.rep_a)
    url = reverse("development:case-list")
    assert list(client.get(url, {"q": "SPIN"}).context["cases"]) == [spin]
    assert list(client.get(url, {"q": "quote late"}).context["cases"]) == [other]
    assert list(client.get(url, {"tag": "Negotiation"}).context["cases"]) == [other]
    assert list(client.get(url, {"tag": "manu"}).context["cases"]) == []
    assert list(client.get(url, {"kind": "failure"}).context["cases"]) == []


def test_sharing_a_case_from_the_page(cast, client_as):
    response = client_as(cast.rep_a).post(
        reverse("development:case-create"),
        {
            "kind": "success",
            "title": "ROI won the CFO",
            "summary": "Gave a payback model.",
            "lessons": "Talk payback.",
            "tags": "ROI, Negotiation",
        },
    )
    assert response.status_code == 302
    assert SalesCase.objects.get().tags == "roi,negotiation"


def test_another_rep_cannot_edit_a_case(cast, client_as):
    case = SalesCaseFactory(author=cast.rep_a, team=cast.team_a)
    url = reverse("development:case-update", args=[case.pk])
    assert client_as(cast.rep_a2).get(url).status_code == 403
    assert client_as(cast.manager_a).get(url).status_code == 200


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_every_role_in_both_languages(cast, client, language):
    entry = LearningEntryFactory(rep=cast.rep_a)
    case = SalesCaseFactory(author=cast.rep_a, team=cast.team_a)
    CollaborationRatingFactory(rated=cast.rep_a2, rater=cast.rep_a, period_key=_quarter())
    urls = [
        reverse("development:rating-list"),
        reverse("development:my-collaboration"),
        reverse("development:rating-team"),
        reverse("development:learning-list"),
        reverse("development:case-list"),
        reverse("development:case-detail", args=[case.pk]),
        reverse("development:learning-update", args=[entry.pk]),
    ]
    for user in cast.by_role().values():
        client.force_login(user)
        for url in urls:
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code < 500, (user.role, url)
