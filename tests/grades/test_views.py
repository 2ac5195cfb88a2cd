"""Grade pages: the scoped list, the calibration screen (HR/admin only), moves with a reason,
finalise (read-only after) and reopen."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.models import AuditEntry
from apps.grades import services
from apps.grades.models import AnnualGrade
from tests.factories import ScorecardFactory
from tests.grades.conftest import add_reviews

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(cast, annual_cycle):
    """rep_a, rep_a2 and rep_b plus seven others, proposed (not finalised)."""
    people = [cast.rep_a, cast.rep_a2, cast.rep_b]
    add_reviews(annual_cycle, [95, 80, 50], people=people, qualitative=[92, 75, 60])
    add_reviews(annual_cycle, [85, 84, 83, 82, 81, 79, 78], team=cast.team_b)
    ScorecardFactory(rep=cast.rep_a, period_key="2026", score=Decimal("93"))
    services.grades_propose(cycle=annual_cycle, actor=cast.hr)
    return annual_cycle


def _grade(person):
    return AnnualGrade.objects.get(person=person)


def test_calibration_screen_is_for_hr_and_admins_only(cast, graded, client_as):
    url = reverse("grades:calibration")
    for user in (cast.rep_a, cast.manager_a):
        assert client_as(user).get(url).status_code == 403
    for user in (cast.hr, cast.admin):
        response = client_as(user).get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Finalise grades" in text
        assert str(cast.rep_b) in text


def test_calibration_screen_shows_counts_against_quota_and_the_nine_box(cast, graded, client_as):
    response = client_as(cast.hr).get(reverse("grades:calibration"), {"cycle": graded.pk})
    calibration = response.context["calibration"]
    (group,) = calibration.groups
    assert [(r["grade"], r["quota"], r["count"]) for r in group.rows] == [
        ("A", 1, 1),
        ("B", 8, 8),
        ("C", 1, 1),
    ]
    # rep_a: quantitative 93, qualitative 92 → the high/high box.
    top_right = calibration.grid[0][2]
    assert (top_right["across"], top_right["up"]) == ("high", "high")
    assert [g.person for g in top_right["people"]] == [cast.rep_a]
    assert "9-box" in response.content.decode()


def test_calibration_screen_with_an_unknown_cycle_is_not_an_error(cast, graded, client_as):
    response = client_as(cast.hr).get(reverse("grades:calibration"), {"cycle": "999999"})
    assert response.status_code == 200
    assert response.context["cycle"] is None


def test_hr_moves_a_grade_with_a_reason_shown_beside_the_proposal(cast, graded, client_as):
    grade = _grade(cast.rep_a2)
    client = client_as(cast.hr)
    url = reverse("grades:grade-move", args=[grade.pk])
    response = client.post(
        url,
        {
            "grade": "A",
            "reason": "Led the biggest rollout of the year",
            "record_version": grade.version,
        },
    )
    assert response.status_code == 302
    grade.refresh_from_db()
    assert (grade.proposed_grade, grade.grade, grade.calibrated_by) == ("B", "A", cast.hr)
    page = client.get(response["Location"]).content.decode()
    assert "B → A: Led the biggest rollout of the year (" in page


def test_a_move_without_a_reason_names_the_field_and_saves_nothing(cast, graded, client_as):
    grade = _grade(cast.rep_a2)
    url = reverse("grades:grade-move", args=[grade.pk])
    response = client_as(cast.hr).post(
        url, {"grade": "A", "reason": "", "record_version": grade.version}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    grade.refresh_from_db()
    assert grade.grade == "B"
    assert not AuditEntry.objects.filter(action="grade.move").exists()


def test_a_stale_move_form_is_a_conflict(cast, graded, client_as):
    grade = _grade(cast.rep_a2)
    opened = grade.version
    services.grade_move(actor=cast.admin, grade=grade, new_grade="C", reason="first")
    response = client_as(cast.hr).post(
        reverse("grades:grade-move", args=[grade.pk]),
        {"grade": "A", "reason": "second", "record_version": opened},
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    grade.refresh_from_db()
    assert (grade.grade, grade.reason) == ("C", "first")


def test_finalise_makes_the_screen_read_only_and_reopen_needs_a_reason(cast, graded, client_as):
    client = client_as(cast.hr)
    response = client.post(reverse("grades:finalise"), {"cycle": graded.pk})
    assert response.status_code == 302
    assert not AnnualGrade.objects.filter(finalised=False).exists()
    page = client.get(reverse("grades:calibration"), {"cycle": graded.pk}).content.decode()
    assert "Finalised — locked" in page
    assert reverse("grades:grade-move", args=[_grade(cast.rep_a).pk]) not in page
    assert "Finalise grades</button>" not in page
    # The move page is read-only; a post is refused and changes nothing.
    grade = _grade(cast.rep_a2)
    move = reverse("grades:grade-move", args=[grade.pk])
    assert '<form method="post" novalidate>' not in client.get(move).content.decode()
    response = client.post(move, {"grade": "A", "reason": "x", "record_version": grade.version})
    assert response.status_code == 200
    assert _grade(cast.rep_a2).grade == "B"

    reopen = reverse("grades:reopen")
    response = client.post(reopen, {"cycle": graded.pk, "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(reopen, {"cycle": graded.pk, "reason": "Appeal upheld"})
    assert response.status_code == 302
    assert not AnnualGrade.objects.filter(finalised=True).exists()
    assert AuditEntry.objects.filter(action="grade.reopen", reason="Appeal upheld").count() == 10


def test_propose_from_the_screen(cast, annual_cycle, client_as):
    add_reviews(annual_cycle, [90, 80])
    response = client_as(cast.hr).post(reverse("grades:propose"), {"cycle": annual_cycle.pk})
    assert response.status_code == 302
    assert AnnualGrade.objects.filter(cycle=annual_cycle).count() == 2


def test_managers_and_reps_cannot_use_the_actions(cast, graded, client_as):
    grade = _grade(cast.rep_a)
    for user in (cast.rep_a, cast.manager_a):
        client = client_as(user)
        for url in (
            reverse("grades:propose"),
            reverse("grades:finalise"),
            reverse("grades:reopen"),
        ):
            assert client.post(url, {"cycle": graded.pk, "reason": "x"}).status_code == 403
        response = client.post(
            reverse("grades:grade-move", args=[grade.pk]), {"grade": "C", "reason": "x"}
        )
        assert response.status_code in (403, 404)
    assert _grade(cast.rep_a).grade == "A"


def _listed(client):
    return {g.person for g in client.get(reverse("grades:grade-list")).context["grades"]}


def test_the_list_shows_nothing_but_hr_work_until_finalised(cast, graded, client_as):
    assert _listed(client_as(cast.rep_a)) == set()
    assert _listed(client_as(cast.manager_a)) == set()
    assert len(_listed(client_as(cast.hr))) == 10


def test_after_finalising_each_role_sees_what_it_may(cast, graded, client_as):
    services.grades_finalise(actor=cast.hr, cycle=graded)
    assert _listed(client_as(cast.rep_a)) == {cast.rep_a}
    assert _listed(client_as(cast.manager_a)) == {cast.rep_a, cast.rep_a2}
    assert len(_listed(client_as(cast.admin))) == 10
    other = _grade(cast.rep_b)
    assert (
        client_as(cast.rep_a).get(reverse("grades:grade-detail", args=[other.pk])).status_code
        == 404
    )
    own = client_as(cast.rep_a).get(reverse("grades:grade-detail", args=[_grade(cast.rep_a).pk]))
    assert own.status_code == 200


def test_the_list_filters_by_year_team_and_grade(cast, graded, client_as):
    client = client_as(cast.hr)
    url = reverse("grades:grade-list")
    assert {g.person for g in client.get(url, {"grade": "A"}).context["grades"]} == {cast.rep_a}
    team = client.get(url, {"team": cast.team_a.pk}).context["grades"]
    assert {g.person for g in team} == {cast.rep_a, cast.rep_a2}
    assert list(client.get(url, {"year": 2025}).context["grades"]) == []
    assert len(client.get(url, {"cycle": graded.pk}).context["grades"]) == 10


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_hr_in_both_languages(cast, graded, client_as, language):
    client = client_as(cast.hr)
    grade = _grade(cast.rep_a)
    for url in (
        reverse("grades:grade-list"),
        reverse("grades:calibration"),
        reverse("grades:grade-detail", args=[grade.pk]),
        reverse("grades:grade-move", args=[grade.pk]),
        reverse("grades:propose"),
        reverse("grades:finalise"),
        reverse("grades:reopen") + f"?cycle={graded.pk}",
    ):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, url
