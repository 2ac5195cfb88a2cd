from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.performance.choices import Cycle, PeriodKind

__all__ = ["DEFAULT_CHUNK_SIZE", "KIND_CYCLE", "JobStatus", "PeriodKind", "UPSERT_BATCH_SIZE"]


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

#: Reps per recompute chunk (settings.SCORECARD_CHUNK_SIZE overrides it). A chunk runs a fixed
#: number of SQL queries whatever its size, and 2,000 scorecards fit one upsert statement on
#: PostgreSQL (65,535 bind parameters), so an organisation of up to 2,000 reps costs the same
#: number of queries as one of 10.
DEFAULT_CHUNK_SIZE = 2000

#: Scorecards per upsert statement (SQLite allows fewer bind parameters; Django splits further).
UPSERT_BATCH_SIZE = 2000
