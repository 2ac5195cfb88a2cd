"""The monthly nurture plan of open C leads."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.leads import services
from apps.leads.models import NurtureTouch
from apps.leads.selectors import lead_nurture_status, month_bounds, nurture_due
from tests.factories import LeadFactory, NurtureTouchFactory

pytestmark = pytest.mark.django_db

JUNE_15 = datetime.date(2026, 6, 15)


def c_lead(owner, **kwargs):
    kwargs.setdefault("grade_c", True)
    lead = LeadFactory(owner=owner, **kwargs)
    # created well before the month we look at
    type(lead).objects.filter(pk=lead.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 1, 10, 9))
    )
    lead.refresh_from_db()
    return lead


def test_month_bounds_cover_the_calendar_month():
    assert month_bounds(JUNE_15) == (datetime.date(2026, 6, 1), datetime.date(2026, 7, 1))
    assert month_bounds(datetime.date(2026, 12, 31)) == (
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    )


def test_open_c_leads_without_a_touch_this_month_are_due(cast):
    untouched = c_lead(cast.rep_a)
    touched_may = c_lead(cast.rep_a)
    NurtureTouchFactory(lead=touched_may, touched_on=datetime.date(2026, 5, 31))
    touched_june = c_lead(cast.rep_b)
    NurtureTouchFactory(lead=touched_june, touched_on=datetime.date(2026, 6, 1))
    touched_july = c_lead(cast.rep_a)
    NurtureTouchFactory(lead=touched_july, touched_on=datetime.date(2026, 7, 1))
    assert set(nurture_due(on_date=JUNE_15)) == {untouched, touched_may, touched_july}


def test_b_leads_closed_c_leads_and_later_leads_are_not_due(cast):
    due = c_lead(cast.rep_a)
    c_lead(cast.rep_a, status="disqualified")
    c_lead(cast.rep_a, status="converted")
    LeadFactory(owner=cast.rep_a)  # B
    c_lead(cast.rep_a, grade_override="B")  # rubric C, overridden to B
    overridden_to_c = c_lead(cast.rep_a, grade_c=False, grade_override="C")  # rubric B
    later = LeadFactory(owner=cast.rep_a, grade_c=True)  # created today, after June 15
    due_ids = set(nurture_due(on_date=JUNE_15).values_list("pk", flat=True))
    assert due_ids == {due.pk, overridden_to_c.pk}
    assert later.pk not in due_ids


def test_nurture_due_can_be_scoped_to_a_user(cast):
    mine = c_lead(cast.rep_a)
    c_lead(cast.rep_b)
    assert list(nurture_due(on_date=JUNE_15, user=cast.rep_a)) == [mine]
    assert nurture_due(on_date=JUNE_15).count() == 2


def test_logging_a_touch_marks_the_month_done(cast):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True)
    today = timezone.localdate()
    assert lead_nurture_status(lead=lead, on_date=today).done_this_month is False
    touch = services.nurture_touch_create(
        actor=cast.rep_a, lead=lead, touched_on=today, channel="email", content="White paper"
    )
    status = lead_nurture_status(lead=lead, on_date=today)
    assert status.on_plan and status.done_this_month
    assert status.last_touch == touch
    assert touch.by == cast.rep_a
    assert lead not in nurture_due(on_date=today)


def test_touch_needs_content_a_known_channel_and_no_future_date(cast):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        services.nurture_touch_create(
            actor=cast.rep_a, lead=lead, touched_on=tomorrow, channel="pigeon", content=" "
        )
    errors = excinfo.value.message_dict
    assert errors["touched_on"] == ["A touch cannot be logged in the future."]
    assert "Unknown channel pigeon" in errors["channel"][0]
    assert "Say what was sent" in errors["content"][0]
    assert not NurtureTouch.objects.exists()


def test_only_open_c_leads_take_touches(cast):
    today = timezone.localdate()
    for lead in (
        LeadFactory(owner=cast.rep_a),
        LeadFactory(owner=cast.rep_a, grade_c=True, status="disqualified"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.nurture_touch_create(
                actor=cast.rep_a, lead=lead, touched_on=today, channel="email", content="x"
            )
        assert excinfo.value.message_dict["lead"] == ["Only open C leads are on the nurture plan."]
    assert not NurtureTouch.objects.exists()


def test_hr_may_not_log_touches(cast):
    lead = LeadFactory(owner=cast.rep_a, grade_c=True)
    with pytest.raises(PermissionDenied):
        services.nurture_touch_create(
            actor=cast.hr, lead=lead, touched_on=timezone.localdate(), channel="email", content="x"
        )
