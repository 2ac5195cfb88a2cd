"""Running writes at the same moment, for the PostgreSQL tests of lost updates and claims."""

import threading

from django.db import connection, connections

from tests.conftest import require_service


def require_postgres() -> None:
    """Row locks and real concurrency need PostgreSQL: skip elsewhere, fail under CI."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def together(*works) -> list:
    """Start every ``work`` (a callable) on its own thread and connection at the same moment;
    returns what each returned or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(works))
    outcomes = [None] * len(works)

    def run(index, work):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = work()
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test checks
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
