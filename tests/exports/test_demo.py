"""The exports demo: two earlier downloads by HR in the log; running it again adds nothing."""

import random

import pytest

from apps.core.models import AuditEntry
from apps.exports import demo
from apps.exports.models import ExportLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "word"), [("en", "Year"), ("zh-hans", "年份")])
def test_demo_logs_two_downloads_by_hr_once(cast, language, word):
    lines = demo.build(random.Random(1), {"language": language})
    assert lines == ["exports: 2 earlier downloads in the export log"]
    logs = list(ExportLog.objects.order_by("created_at"))
    assert [(log.dataset, log.file_format) for log in logs] == [
        ("grades", "xlsx"),
        ("scorecards", "csv"),
    ]
    assert all(log.user == cast.hr for log in logs)
    assert word in logs[0].summary
    assert AuditEntry.objects.filter(action="export.download").count() == 2
    assert demo.build(random.Random(1), {"language": language}) == []
    assert ExportLog.objects.count() == 2


def test_demo_without_hr_does_nothing(db):
    assert demo.build(random.Random(1), {"language": "en"}) == []
