"""Demo data of this app: a few calls, visits and meetings per customer (and per opportunity,
when the opportunities builder put them in the context)."""

import datetime

from django.utils import timezone

from apps.activities.choices import ActivityKind
from apps.activities.models import Activity

SUBJECTS = {
    ActivityKind.VISIT: ["Quarterly business review", "On-site needs discovery", "Follow-up visit"],
    ActivityKind.CALL: ["Check-in call", "Renewal call", "Support escalation"],
    ActivityKind.MEETING: ["Solution workshop", "Price negotiation", "Kick-off meeting"],
    ActivityKind.DEMO: ["Product demo", "Dashboard walkthrough"],
    ActivityKind.EMAIL: ["Sent industry case study", "Sent solution white paper"],
}
NEXT_STEPS = ["Send proposal", "Schedule demo", "Confirm budget", "Introduce product expert", ""]


def build(rng, context: dict) -> list[str]:
    now = timezone.now()
    activities = []
    kinds = list(SUBJECTS)
    for customer in context.get("customers", []):
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(kinds)
            occurred_at = now - datetime.timedelta(
                days=rng.randint(1, 120), hours=rng.randint(0, 8), minutes=rng.choice([0, 15, 30])
            )
            next_step = rng.choice(NEXT_STEPS)
            activities.append(
                Activity(
                    kind=kind,
                    owner=customer.owner,
                    customer=customer,
                    occurred_at=occurred_at,
                    subject=rng.choice(SUBJECTS[kind]),
                    outcome="Customer interested; details agreed in the meeting notes.",
                    next_step=next_step,
                    next_step_on=(
                        (occurred_at + datetime.timedelta(days=rng.randint(3, 21))).date()
                        if next_step
                        else None
                    ),
                )
            )
    for opportunity in context.get("opportunities", []) or []:
        activities.append(
            Activity(
                kind=ActivityKind.MEETING,
                owner=opportunity.owner,
                customer_id=opportunity.customer_id,
                opportunity=opportunity,
                occurred_at=now - datetime.timedelta(days=rng.randint(1, 60)),
                subject=rng.choice(SUBJECTS[ActivityKind.MEETING]),
            )
        )
    Activity.objects.bulk_create(activities)
    return []
