from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.performance.choices import Cycle, PeriodKind

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "FIELD_LABELS",
    "KIND_CYCLE",
    "JobStatus",
    "PeriodKind",
    "QUALITATIVE_NOTES",
    "SECTION_LABELS",
    "UPSERT_BATCH_SIZE",
]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


#: The weight-scheme cycle that scores each period kind (SPEC §2.5).
KIND_CYCLE = {
    PeriodKind.MONTH: Cycle.MONTHLY,
    PeriodKind.QUARTER: Cycle.QUARTERLY,
    PeriodKind.YEAR: Cycle.ANNUAL,
}

#: Scorecard users (reps and managers) per recompute chunk; settings.SCORECARD_CHUNK_SIZE
#: overrides it. A chunk runs a constant number of SQL queries whatever its size: the figures
#: are set-based GROUP BY queries and, on PostgreSQL, its scorecards are written with ONE
#: ``INSERT ... SELECT * FROM unnest(...)`` upsert however many rows. So an organisation of up
#: to this many people (a 2,000-5,000-person organisation, managers included) is one chunk and
#: costs the same number of queries as one of 10; a larger one is split into several chunks,
#: which the job fans out to several workers (each chunk still a constant number of queries).
DEFAULT_CHUNK_SIZE = 10_000

#: Scorecards per ``bulk_create`` statement on databases other than PostgreSQL (SQLite allows
#: fewer bind parameters; Django splits further). PostgreSQL writes a chunk in one statement.
UPSERT_BATCH_SIZE = 2000

#: What each section of a KPI lists, and the line that sums it up.
SECTION_LABELS = {
    "orders": _("Orders of the period"),
    "orders_last_year": _("Orders of the same period last year"),
    "developed": _("Customers developed"),
    "at_start": _("Customers at the start of the period"),
    "lost": _("Customers lost in the period"),
    "receivables": _("Receivables due in the period"),
    "payments": _("Payments received against them by the period end"),
    "surveys": _("Customer surveys answered"),
    "ratings": _("Collaboration ratings"),
    "learning": _("Learning log"),
    "goals": _("Annual capability goals"),
}
FIELD_LABELS = {
    "sales": _("Sales"),
    "sales_last_year": _("Sales same period last year"),
    "new_customers": _("New customers"),
    "new_customers_weighted": _("New customers (grade-weighted)"),
    "customers_at_start": _("Customers at period start"),
    "customers_lost": _("Customers lost"),
    "receivable_due": _("Receivable due"),
    "collected": _("Collected"),
    "customer_satisfaction": _("Customer satisfaction"),
    "team_collaboration": _("Team collaboration"),
    "capability_growth": _("Professional capability growth"),
}
#: Where each qualitative KPI comes from, in a sentence (scorecard page).
QUALITATIVE_NOTES = {
    "customer_satisfaction": _(
        "The average score of the customer surveys answered for the period "
        "(solution fit, response speed, problem resolution)."
    ),
    "team_collaboration": _(
        "Collaboration ratings (1–5) from the manager and team peers; the manager's average "
        "and the peers' average count half each, × 20."
    ),
    "capability_growth": _(
        "The learning log and the annual capability goal: exam, sandbox and certification "
        "scores, courses taken (one a month is the norm) and the goal's progress."
    ),
}
