"""pg_dump / pg_restore around the configured PostgreSQL database (manage.py backup / restore).

Custom-format dumps (``pg_dump -Fc``): compressed, and pg_restore can clean and recreate every
object from them. PostgreSQL only: on SQLite stop the stack and copy the database file.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import CommandError

#: A custom-format dump starts with these bytes.
DUMP_MAGIC = b"PGDMP"


def require_postgresql(settings_dict: dict) -> None:
    engine = settings_dict.get("ENGINE", "")
    if "postgresql" not in engine:
        raise CommandError(
            f"backup and restore need PostgreSQL (DATABASE_URL=postgres://...); this database "
            f"uses {engine}. For SQLite, stop the stack and copy the database file "
            f"({settings_dict.get('NAME')})."
        )


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise CommandError(f"{name} not found: install the PostgreSQL client (postgresql-client).")
    return path


def connection_env(settings_dict: dict) -> dict[str, str]:
    """libpq environment for the database: the password never appears on a command line."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(
            f"{Path(command[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}"
        )


def dump(settings_dict: dict, output: Path) -> None:
    require_postgresql(settings_dict)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:
        run(
            [tool("pg_dump"), "--format=custom", f"--file={partial}", settings_dict["NAME"]],
            connection_env(settings_dict),
        )
        partial.replace(output)  # a failed dump never leaves a half-written FILE behind
    finally:
        partial.unlink(missing_ok=True)


def check_dump_file(path: Path) -> None:
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    with path.open("rb") as handle:
        if handle.read(len(DUMP_MAGIC)) != DUMP_MAGIC:
            raise CommandError(
                f"{path} is not a pg_dump custom-format file (made by manage.py backup)."
            )


def restore(settings_dict: dict, source: Path) -> None:
    """Replace the database's objects by the dump's, in one transaction: all or nothing."""
    require_postgresql(settings_dict)
    check_dump_file(source)
    run(
        [
            tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(source),
        ],
        connection_env(settings_dict),
    )
