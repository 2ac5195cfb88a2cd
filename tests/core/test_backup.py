"""manage.py backup / restore: a pg_dump -Fc / pg_restore round trip into a NEW database gives
the same rows in every table and the same scorecards after a recompute there (issue #13).

The round trip needs PostgreSQL: skipped on a developer machine on SQLite, a failure under CI."""

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from apps.core import backups
from apps.performance.models import Target
from apps.performance.periods import parse_period
from tests.conftest import require_service
from tests.factories import CustomerFactory, RepFactory
from tests.scorecards.helpers import FIGURE_FIELDS, order, payment, receivable, scheme
from tests.scorecards.test_services import MONTHLY

D = Decimal
ROOT = Path(settings.BASE_DIR)
PERIOD = "2026-10"

# Row counts of every table and the scorecards of PERIOD (recomputed first when asked), printed
# as JSON by a separate process on the database of DATABASE_URL.
SNAPSHOT = f"""
import json, sys
import django
django.setup()
from django.db import connection
from apps.scorecards.models import Scorecard
from apps.scorecards.services import scorecards_recompute

if "--recompute" in sys.argv:
    scorecards_recompute(period_key={PERIOD!r})
with connection.cursor() as cursor:
    counts = {{}}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f'SELECT count(*) FROM "{{table}}"')
        counts[table] = cursor.fetchone()[0]
cards = list(
    Scorecard.objects.filter(period_key={PERIOD!r}).order_by("rep_id").values(*{FIGURE_FIELDS!r})
)
print(json.dumps({{"counts": counts, "cards": cards}}, default=str, sort_keys=True))
"""


def _database_url(name: str) -> str:
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s["HOST"] or "", safe="") + (f":{s['PORT']}" if s["PORT"] else "")
    return f"postgres://{credentials}@{host}/{name}"


def _in_database(name: str, *args: str, script: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env |= {
        "DATABASE_URL": _database_url(name),
        "DJANGO_SETTINGS_MODULE": "salesperf.settings.test",
    }
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _snapshot(name: str, *, recompute: bool = False) -> dict:
    out = _in_database(name, *(["--recompute"] if recompute else []), script=SNAPSHOT)
    return json.loads(out.strip().splitlines()[-1])


def _admin_connection():
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        autocommit=True,
    )


@pytest.fixture
def postgres():
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture
def new_database(postgres):
    name = f"salesperf_restore_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _build_period():
    """Two reps with targets, customers, orders, receivables and payments in PERIOD."""
    scheme("monthly", MONTHLY)
    period = parse_period(PERIOD)
    for index, amount in enumerate(("1500.00", "800.00")):
        rep = RepFactory(username=f"backup_rep_{index}")
        Target.objects.create(
            rep=rep,
            period_key=PERIOD,
            period_kind=period.kind,
            period_start=period.start,
            sales_target=D("1000"),
            new_customers_target=D("2"),
        )
        customer = CustomerFactory(owner=rep, lead_grade="A")
        signed = order(rep, customer, amount, "2026-10-02")
        due = receivable(signed, amount, "2026-10-20")
        payment(due, "500.00", "2026-10-25")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_a_new_database_round_trip(tmp_path, new_database):
    from apps.scorecards.services import scorecards_recompute

    _build_period()
    assert scorecards_recompute(period_key=PERIOD) == 2
    source = connection.settings_dict["NAME"]
    before = _snapshot(source)
    assert len(before["cards"]) == 2
    assert {c["score"] for c in before["cards"]} != {"0.00"}

    dump = tmp_path / "salesperf.dump"
    call_command("backup", output=dump)
    assert dump.read_bytes().startswith(b"PGDMP")

    _in_database(new_database, "manage.py", "restore", "--input", str(dump), "--noinput")
    restored = _snapshot(new_database)
    assert restored["counts"] == before["counts"]
    assert restored["cards"] == before["cards"]

    recomputed = _snapshot(new_database, recompute=True)
    assert recomputed["counts"] == before["counts"]
    assert recomputed["cards"] == _snapshot(source, recompute=True)["cards"]
    assert recomputed["cards"] == before["cards"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_restore_replaces_what_is_there_and_a_broken_dump_changes_nothing(tmp_path, new_database):
    _build_period()
    dump = tmp_path / "salesperf.dump"
    call_command("backup", output=dump)
    _in_database(new_database, "manage.py", "restore", "--input", str(dump), "--noinput")
    # Restoring again over the restored database (--clean --if-exists) gives the same rows.
    _in_database(new_database, "manage.py", "restore", "--input", str(dump), "--noinput")
    before = _snapshot(new_database)
    assert before["counts"] == _snapshot(connection.settings_dict["NAME"])["counts"]

    broken = tmp_path / "broken.dump"
    broken.write_bytes(dump.read_bytes()[: len(dump.read_bytes()) // 2])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env |= {
        "DATABASE_URL": _database_url(new_database),
        "DJANGO_SETTINGS_MODULE": "salesperf.settings.test",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", "--input", str(broken), "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "pg_restore failed" in result.stderr
    assert _snapshot(new_database) == before  # one transaction: all or nothing


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_dump(tmp_path, postgres):
    not_a_dump = tmp_path / "notes.sql"
    not_a_dump.write_text("DROP TABLE accounts_user;")
    with pytest.raises(CommandError, match="is not a pg_dump custom-format file"):
        call_command("restore", source=not_a_dump, interactive=False)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", source=tmp_path / "missing.dump", interactive=False)
    assert "accounts_user" in connection.introspection.table_names()


@pytest.mark.django_db
def test_restore_asks_before_replacing_the_database(tmp_path, postgres, monkeypatch):
    dump = tmp_path / "salesperf.dump"
    call_command("backup", output=dump)
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", source=dump)


def test_backup_and_restore_refuse_sqlite_clearly(tmp_path):
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/var/db.sqlite3"}
    output = tmp_path / "out.dump"
    with pytest.raises(CommandError, match=r"need PostgreSQL .*copy the database file"):
        backups.dump(sqlite, output)
    assert not output.exists()
    with pytest.raises(CommandError, match="need PostgreSQL"):
        backups.restore(sqlite, output)


def test_a_failed_dump_leaves_no_file_behind(tmp_path, postgres):
    broken = {**connection.settings_dict, "NAME": f"no_such_database_{uuid.uuid4().hex[:8]}"}
    output = tmp_path / "out.dump"
    with pytest.raises(CommandError, match="pg_dump failed"):
        backups.dump(broken, output)
    assert list(tmp_path.iterdir()) == []
