"""Data for the export tests: a few grades and scorecards, and many rows built fast."""

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.scorecards.models import Scorecard


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def bulk_scorecards(count: int, *, team, start: int = 0) -> None:
    """``count`` monthly scorecards (100 reps × months), numbered from ``start``: built with
    two bulk inserts, not one factory call per row."""
    reps_needed = 100
    existing = list(User.objects.filter(username__startswith="bulk-rep-").order_by("pk"))
    if len(existing) < reps_needed:
        User.objects.bulk_create(
            User(
                username=f"bulk-rep-{n}", role=Role.REP, team=team, first_name="王", last_name="伟"
            )
            for n in range(len(existing), reps_needed)
        )
        existing = list(User.objects.filter(username__startswith="bulk-rep-").order_by("pk"))
    now = timezone.now()
    cards = []
    for n in range(start, start + count):
        rep = existing[n % reps_needed]
        month = n // reps_needed
        year, month0 = 1900 + month // 12, month % 12
        cards.append(
            Scorecard(
                rep=rep,
                period_key=f"{year}-{month0 + 1:02d}",
                period_kind="month",
                period_start=datetime.date(year, month0 + 1, 1),
                period_end=datetime.date(year, month0 + 1, 28),
                sales=Decimal("12345.67"),
                sales_target=Decimal("10000.00"),
                sales_achievement_rate=Decimal("123.46"),
                collection_rate=Decimal("-5.00"),
                kpi_scores={"sales_achievement_rate": {"score": "120.00"}},
                score=Decimal("88.50"),
                computed_at=now,
            )
        )
    Scorecard.objects.bulk_create(cards, batch_size=2000)
