from django.db import connection

from apps.core.models import Heartbeat


def database_status() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, type(exc).__name__
    return True, connection.vendor


def broker_status(timeout: float = 2.0) -> tuple[bool, str]:
    from salesperf.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:  # connection refused, DNS failure, missing folder...
        return False, type(exc).__name__
    return True, str(transport)


def last_heartbeat():
    return Heartbeat.objects.filter(name="scheduler").first()
