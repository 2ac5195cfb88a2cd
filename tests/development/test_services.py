"""Rating rules, learning validation, goals and the case library's write rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.core.versions import StaleVersionError
from apps.development import periods, services
from apps.development.choices import CaseKind, LearningKind, RaterRole, Skill
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase
from tests.factories import RepFactory
from tests.factories.development import (
    CapabilityGoalFactory,
    LearningEntryFactory,
    SalesCaseFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)  # in 2026-Q4 (calendar fiscal year)


def _rate(actor, rated, cross=4, sharing=4, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.rating_save(
        actor=actor, rated=rated, cross_department=cross, knowledge_sharing=sharing, **kwargs
    )


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- collaboration ratings -------------------------------------------------------------------


def test_a_peer_rates_a_teammate_as_peer_for_the_current_quarter(cast):
    rating = _rate(cast.rep_a, cast.rep_a2, 3, 5, comment="  Shares cases  ")
    assert rating.rater_role == RaterRole.PEER
    assert rating.period_key == "2026-Q4"
    assert (rating.cross_department, rating.knowledge_sharing) == (3, 5)
    assert rating.comment == "Shares cases"


def test_a_manager_rates_their_teams_rep_as_manager(cast):
    assert _rate(cast.manager_a, cast.rep_a).rater_role == RaterRole.MANAGER


def test_rating_oneself_is_refused_naming_the_rated_field(cast):
    with pytest.raises(ValidationError) as excinfo:
        _rate(cast.rep_a, cast.rep_a)
    assert "yourself" in _errors(excinfo)["rated"][0]
    assert not CollaborationRating.objects.exists()


@pytest.mark.parametrize("rater", ["rep_a", "manager_a"])
def test_rating_someone_outside_your_team_is_refused(cast, rater):
    with pytest.raises(ValidationError) as excinfo:
        _rate(getattr(cast, rater), cast.rep_b)
    assert "rated" in _errors(excinfo)
    assert not CollaborationRating.objects.exists()


def test_a_rep_cannot_rate_their_manager(cast):
    with pytest.raises(ValidationError) as excinfo:
        _rate(cast.rep_a, cast.manager_a)
    assert "rated" in _errors(excinfo)


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admins_do_not_rate(cast, role):
    with pytest.raises(PermissionDenied):
        _rate(getattr(cast, role), cast.rep_a)


@pytest.mark.parametrize(
    ("cross", "sharing", "field"),
    [(0, 3, "cross_department"), (3, 6, "knowledge_sharing"), ("4.5", 3, "cross_department")],
)
def test_ratings_outside_1_to_5_are_refused_naming_the_field(cast, cross, sharing, field):
    with pytest.raises(ValidationError) as excinfo:
        _rate(cast.rep_a, cast.rep_a2, cross, sharing)
    assert list(_errors(excinfo)) == [field]
    assert not CollaborationRating.objects.exists()


def test_rating_the_same_person_again_changes_the_first_rating(cast):
    first = _rate(cast.rep_a, cast.rep_a2, 2, 2)
    second = _rate(cast.rep_a, cast.rep_a2, 5, 4, comment="Better")
    assert second.pk == first.pk
    assert CollaborationRating.objects.count() == 1
    second.refresh_from_db()
    assert (second.cross_department, second.knowledge_sharing, second.comment) == (5, 4, "Better")
    assert second.version == first.version + 1


def test_ratings_are_audited_under_the_rater_never_the_rated_rep(cast):
    rating = _rate(cast.rep_a, cast.rep_a2, 2, 3)
    _rate(cast.rep_a, cast.rep_a2, 4, 3)
    entries = AuditEntry.objects.filter(object_id=str(rating.pk)).order_by("pk")
    assert [e.action for e in entries] == [
        "collaboration_rating.give",
        "collaboration_rating.change",
    ]
    assert entries[1].changes == {"cross_department": [2, 4]}
    assert {e.subject_user for e in entries} == {cast.rep_a}
    assert not AuditEntry.objects.visible_to(cast.rep_a2).exists()


def test_a_stale_rating_version_is_a_conflict_and_nothing_is_written(cast):
    rating = _rate(cast.rep_a, cast.rep_a2, 2, 2)
    _rate(cast.rep_a, cast.rep_a2, 3, 3)
    with pytest.raises(StaleVersionError):
        _rate(cast.rep_a, cast.rep_a2, 5, 5, expected_version=rating.version)
    rating.refresh_from_db()
    assert rating.cross_department == 3


def test_last_quarter_stays_open_for_30_days_then_closes(cast):
    assert _rate(cast.rep_a, cast.rep_a2, period_key="2026-Q3", today=datetime.date(2026, 10, 30))
    with pytest.raises(ValidationError) as excinfo:
        _rate(cast.rep_a, cast.rep_a2, period_key="2026-Q3", today=datetime.date(2026, 10, 31))
    assert "closed" in _errors(excinfo)["period_key"][0]


@pytest.mark.parametrize("key", ["2027-Q1", "2026-Q5", "Q3"])
def test_a_future_or_malformed_quarter_is_refused(cast, key):
    with pytest.raises(ValidationError) as excinfo:
        _rate(cast.rep_a, cast.rep_a2, period_key=key)
    assert "period_key" in _errors(excinfo)


def test_open_rating_periods_include_last_quarter_only_in_its_grace_days():
    assert services.open_rating_periods(datetime.date(2026, 10, 5)) == ["2026-Q4", "2026-Q3"]
    assert services.open_rating_periods(TODAY) == ["2026-Q4"]


def test_quarter_keys_follow_the_fiscal_year(settings):
    settings.SALESPERF_FISCAL_YEAR_START_MONTH = 4
    assert periods.quarter_key(datetime.date(2027, 2, 1)) == "2026-Q4"
    assert periods.quarter_bounds("2026-Q1") == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 7, 1),
    )


# --- learning log --------------------------------------------------------------------------


def _learn(actor, **fields):
    data = {
        "kind": LearningKind.COURSE,
        "title": "Negotiation basics",
        "on": TODAY,
        "evidence": "Course record 17",
        "today": TODAY,
    }
    data.update(fields)
    return services.learning_create(actor=actor, **data)


def test_a_rep_logs_a_course_in_their_own_log(cast):
    entry = _learn(cast.rep_a, hours="4")
    assert entry.rep == cast.rep_a
    assert entry.hours == Decimal("4")


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"kind": LearningKind.EXAM}, "score", "score"),
        ({"kind": LearningKind.SANDBOX, "skill": Skill.NEGOTIATION}, "score", "score"),
        ({"kind": LearningKind.COURSE, "score": "80"}, "score", "no score"),
        ({"kind": LearningKind.COMPETITOR_MEETING, "score": "80"}, "score", "no score"),
        ({"kind": LearningKind.EXAM, "score": "101"}, "score", "0 to 100"),
        ({"kind": LearningKind.SANDBOX, "score": "70"}, "skill", "skill"),
        ({"on": TODAY + datetime.timedelta(days=1)}, "on", "future"),
        ({"evidence": "  "}, "evidence", "evidence"),
        ({"title": ""}, "title", "name"),
        ({"kind": "webinar"}, "kind", "course"),
        ({"hours": "-1"}, "hours", "hours"),
    ],
)
def test_bad_learning_entries_name_the_field_and_save_nothing(cast, fields, field, words):
    with pytest.raises(ValidationError) as excinfo:
        _learn(cast.rep_a, **fields)
    assert words in " ".join(_errors(excinfo)[field]).lower()
    assert not LearningEntry.objects.exists()


def test_a_sandbox_exercise_needs_its_skill_and_score(cast):
    entry = _learn(cast.rep_a, kind=LearningKind.SANDBOX, skill=Skill.DIGITAL_TOOLS, score="88.5")
    assert entry.score == Decimal("88.5")


def test_a_rep_cannot_log_for_someone_else(cast):
    with pytest.raises(ValidationError) as excinfo:
        _learn(cast.rep_a, rep=cast.rep_a2)
    assert "rep" in _errors(excinfo)


def test_hr_keeps_no_learning_log(cast):
    with pytest.raises(PermissionDenied):
        _learn(cast.hr)


def test_only_the_owner_changes_or_deletes_an_entry(cast):
    entry = LearningEntryFactory(rep=cast.rep_a)
    for outsider in (cast.rep_a2, cast.manager_a, cast.hr):
        with pytest.raises(PermissionDenied):
            services.learning_update(actor=outsider, entry=entry, title="X")
        with pytest.raises(PermissionDenied):
            services.learning_delete(actor=outsider, entry=entry)
    services.learning_update(actor=cast.rep_a, entry=entry, title="Renamed", today=TODAY)
    entry.refresh_from_db()
    assert entry.title == "Renamed"
    services.learning_delete(actor=cast.rep_a, entry=entry)
    assert not LearningEntry.objects.exists()


def test_an_update_that_makes_an_entry_invalid_is_refused(cast):
    entry = LearningEntryFactory(rep=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.learning_update(actor=cast.rep_a, entry=entry, kind=LearningKind.EXAM)
    assert "score" in _errors(excinfo)
    entry.refresh_from_db()
    assert entry.kind == LearningKind.COURSE


# --- capability goals ----------------------------------------------------------------------


def test_a_rep_sets_their_goal_and_progress_changes_are_audited(cast):
    goal = services.goal_create(actor=cast.rep_a, rep=cast.rep_a, year=2026, title="2 industries")
    services.goal_update(actor=cast.manager_a, goal=goal, progress=Decimal("40"))
    entry = AuditEntry.objects.filter(action="capability_goal.progress").get()
    assert entry.actor == cast.manager_a
    assert entry.subject_user == cast.rep_a
    assert entry.changes == {"progress": ["0.00", "40.00"]}
    assert goal.set_by == cast.rep_a


@pytest.mark.parametrize("actor", ["rep_a2", "manager_b", "hr"])
def test_others_cannot_set_a_reps_goal(cast, actor):
    with pytest.raises(PermissionDenied):
        services.goal_create(actor=getattr(cast, actor), rep=cast.rep_a, year=2026, title="Goal")
    assert not CapabilityGoal.objects.exists()


@pytest.mark.parametrize(("progress", "field"), [("101", "progress"), ("-5", "progress")])
def test_goal_progress_is_0_to_100(cast, progress, field):
    goal = CapabilityGoalFactory(rep=cast.rep_a)
    with pytest.raises(ValidationError) as excinfo:
        services.goal_update(actor=cast.rep_a, goal=goal, progress=progress)
    assert field in _errors(excinfo)
    assert not AuditEntry.objects.exists()


# --- case library --------------------------------------------------------------------------


def _case(actor, **fields):
    data = {
        "kind": CaseKind.FAILURE,
        "title": "Quoted too early",
        "summary": "We quoted before the needs were clear.",
        "lessons": "Confirm needs first.",
        "tags": "Negotiation, SPIN ,negotiation，Quotation",
        "meeting_on": TODAY,
        "today": TODAY,
    }
    data.update(fields)
    return services.case_create(actor=actor, **data)


def test_case_tags_are_normalised_lower_case_and_deduplicated(cast):
    case = _case(cast.rep_a)
    assert case.tags == "negotiation,spin,quotation"
    assert case.team == cast.team_a
    assert case.author == cast.rep_a


def test_a_case_needs_its_story_and_lessons(cast):
    with pytest.raises(ValidationError) as excinfo:
        _case(cast.rep_a, summary=" ", lessons="")
    assert set(_errors(excinfo)) == {"summary", "lessons"}
    assert not SalesCase.objects.exists()


def test_a_future_sales_meeting_is_refused(cast):
    with pytest.raises(ValidationError) as excinfo:
        _case(cast.rep_a, meeting_on=TODAY + datetime.timedelta(days=7))
    assert "meeting_on" in _errors(excinfo)


@pytest.mark.parametrize(
    ("editor", "allowed"),
    [
        ("rep_a", True),
        ("manager_a", True),
        ("hr", True),
        ("admin", True),
        ("rep_a2", False),
        ("manager_b", False),
    ],
)
def test_who_may_edit_a_case(cast, editor, allowed):
    case = SalesCaseFactory(author=cast.rep_a, team=cast.team_a)
    if allowed:
        services.case_update(actor=getattr(cast, editor), case=case, title="Edited")
        case.refresh_from_db()
        assert case.title == "Edited"
    else:
        with pytest.raises(PermissionDenied):
            services.case_update(actor=getattr(cast, editor), case=case, title="Edited")


def test_rating_default_period_is_todays_quarter(cast):
    rating = services.rating_save(
        actor=cast.rep_a, rated=cast.rep_a2, cross_department=3, knowledge_sharing=3
    )
    assert rating.period_key == periods.quarter_key(timezone.localdate())


def test_a_new_teammate_can_be_rated(cast):
    newcomer = RepFactory(team=cast.team_a)
    assert _rate(cast.rep_a, newcomer).rated == newcomer
