from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.models import AuditEntry, Heartbeat


def audit_value(value):
    """A value as it is stored in an audit entry's ``changes``: a record by its id, plain JSON
    types as they are, anything else (Decimal, date) as its string."""
    if hasattr(value, "pk"):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def require_known_fields(fields: Iterable[str], *allowed: Iterable[str]) -> None:
    """Refuse a write that names a field outside ``allowed`` (one or more collections of names):
    a ``ValidationError`` with "This field cannot be changed here." under each such field, in
    name order. A service calls it before writing anything."""
    permitted = set().union(*allowed) if allowed else set()
    unknown = sorted(set(fields) - permitted)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})


def audit_record(*, actor, action: str, target, subject_user=None, changes=None, reason=""):
    """Write one audit entry. Call it inside the service transaction that makes the change."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        subject_user=subject_user,
        changes=changes or {},
        reason=reason,
    )


@transaction.atomic
def heartbeat_record(*, name: str = "scheduler") -> Heartbeat:
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(beat_at=now, count=F("count") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"beat_at": now, "count": 1})
    return Heartbeat.objects.get(name=name)
