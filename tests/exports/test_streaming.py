"""Large exports stream: 10,000 rows without holding them in memory, in a flat number of
queries. Rows are built with bulk inserts; memory is measured with tracemalloc while the
response is consumed chunk by chunk (nothing kept)."""

import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.exports.models import ExportLog
from tests.exports.conftest import bulk_scorecards

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("exports:export-download")
MB = 1024 * 1024


def _download(client, file_format):
    """Peak traced memory while the export is built and sent, and its size in bytes."""
    tracemalloc.start()
    try:
        response = client.get(
            DOWNLOAD, {"dataset": "scorecards", "format": file_format, "include_empty": "on"}
        )
        assert response.status_code == 200
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, size


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_ten_thousand_rows_stream_in_bounded_memory(client_as, cast, file_format):
    client = client_as(cast.hr)
    _download(client, file_format)  # warm up: session, imports (openpyxl), first queries
    bulk_scorecards(2_000, team=cast.team_a)
    small_peak, small_size = _download(client, file_format)
    bulk_scorecards(8_000, team=cast.team_a, start=2_000)
    large_peak, large_size = _download(client, file_format)

    assert ExportLog.objects.order_by("pk").last().row_count == 10_000
    assert large_size > 4 * small_size  # the file did grow about fivefold ...
    assert large_peak < 8 * MB  # ... memory stays within a few MB ...
    assert large_peak < 1.6 * small_peak  # ... and does not grow with the rows


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_rows(client_as, cast, file_format):
    client = client_as(cast.hr)
    counts = []
    for start, count in ((0, 50), (50, 1_450)):
        bulk_scorecards(count, team=cast.team_a, start=start)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                DOWNLOAD, {"dataset": "scorecards", "format": file_format, "include_empty": "on"}
            )
            for _chunk in response.streaming_content:
                pass
        counts.append(len(queries))
    assert ExportLog.objects.order_by("pk").last().row_count == 1_500
    assert counts[0] == counts[1]
