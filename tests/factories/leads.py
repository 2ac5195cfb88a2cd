"""Factories of this app's models (exported through tests/factories/__init__.py)."""

import factory
from django.utils import timezone

from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.leads.calculations import DEFAULT_POINTS, grade_for
from apps.leads.choices import (
    CompanySize,
    DecisionComplexity,
    LeadSource,
    LeadStatus,
    NeedMatch,
    TouchChannel,
)
from apps.leads.models import Lead, LeadStatusChange, NurtureTouch
from tests.factories.accounts import RepFactory

__all__ = ["LeadFactory", "LeadStatusChangeFactory", "NurtureTouchFactory"]


class LeadFactory(factory.django.DjangoModelFactory):
    """A new lead graded by the default rubric (medium/medium/moderate = 6 points → B).

    Pass ``company_size`` / ``need_match`` / ``decision_complexity`` for another grade, or
    ``grade_override=`` (with ``override_reason``) for an overridden one.
    """

    class Meta:
        model = Lead

    company_name = factory.Sequence(lambda n: f"Prospect {n} Trading Co., Ltd.")
    company_key = factory.LazyAttribute(lambda o: normalise_company(o.company_name))
    contact_name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    phone_key = factory.LazyAttribute(lambda o: normalise_phone(o.phone))
    email = factory.Sequence(lambda n: f"buyer{n}@prospect.example")
    email_key = factory.LazyAttribute(lambda o: normalise_email(o.email))
    company_size = CompanySize.MEDIUM
    need_match = NeedMatch.MEDIUM
    decision_complexity = DecisionComplexity.MODERATE
    source = LeadSource.WEBSITE_INQUIRY
    owner = factory.SubFactory(RepFactory)
    status = LeadStatus.NEW
    rubric_grade = factory.LazyAttribute(
        lambda o: grade_for(o.company_size, o.need_match, o.decision_complexity, DEFAULT_POINTS)
    )
    grade_override = ""
    override_reason = factory.LazyAttribute(lambda o: "Known account" if o.grade_override else "")
    grade = factory.LazyAttribute(lambda o: o.grade_override or o.rubric_grade)
    disqualified_reason = factory.LazyAttribute(
        lambda o: "No budget" if o.status == LeadStatus.DISQUALIFIED else ""
    )

    class Params:
        grade_a = factory.Trait(
            company_size=CompanySize.LARGE,
            need_match=NeedMatch.HIGH,
            decision_complexity=DecisionComplexity.SIMPLE,
        )
        grade_c = factory.Trait(
            company_size=CompanySize.SMALL,
            need_match=NeedMatch.LOW,
            decision_complexity=DecisionComplexity.COMPLEX,
        )


class LeadStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadStatusChange

    lead = factory.SubFactory(LeadFactory)
    from_status = LeadStatus.NEW
    to_status = LeadStatus.CONTACTED
    changed_by = factory.LazyAttribute(lambda o: o.lead.owner)


class NurtureTouchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NurtureTouch

    lead = factory.SubFactory(LeadFactory, grade_c=True)
    touched_on = factory.LazyFunction(timezone.localdate)
    channel = TouchChannel.EMAIL
    content = "Industry case: cutting inventory cost by 20%"
    by = factory.LazyAttribute(lambda o: o.lead.owner)
