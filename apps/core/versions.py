"""Optimistic locking: no lost updates.

Every editable record carries a ``version`` (:class:`apps.core.models.VersionedModel`), which
each save raises by one in the same UPDATE. A writer that read the record at version *n* says so
(``expected_version=n`` to a service, the hidden field of an edit form, ``If-Match: "n"`` on the
API); :func:`check_version` locks the row and refuses the write with :class:`StaleVersionError`
when someone else has saved it since, so the last write never silently wins.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _("This record was changed by someone else since you opened it.")


class StaleVersionError(ValidationError):
    """A write based on an old version of a record: nothing was written.

    ``current`` is the record as it is now (re-read under a row lock), ``expected`` the version
    the writer had; ``current_values`` its field values now.
    """

    def __init__(self, *, current, expected):
        self.current = current
        self.expected = expected
        super().__init__(STALE_MESSAGE, code="stale_version")

    @property
    def current_version(self) -> int:
        return self.current.version

    @property
    def current_values(self) -> dict:
        if not hasattr(self.current, "_meta"):
            return dict(getattr(self.current, "values", {}))
        return {
            field.attname: getattr(self.current, field.attname)
            for field in self.current._meta.concrete_fields
        }


class StaleRowsError(ValidationError):
    """Several records saved together (one form of rows), some changed since they were opened:
    nothing was written. ``current_versions`` maps each stale row's key to its version now (0:
    no record yet); the messages (usually under one key) say what changed."""

    def __init__(self, messages: dict, *, current_versions: dict):
        self.current_versions = current_versions
        super().__init__(messages)


def version_of(instance) -> int:
    """The version a form row opened on ``instance`` carries: 0 when there is no record yet."""
    return 0 if instance is None else instance.version


def is_versioned(instance) -> bool:
    return instance is not None and any(
        field.name == "version" for field in instance._meta.concrete_fields
    )


def check_version(instance, expected):
    """Lock ``instance``'s row and refuse a stale ``expected`` version.

    ``expected`` is a version or a list of acceptable ones; ``None`` means "no check" (system
    and internal callers): nothing is locked. Otherwise the row is locked (``SELECT … FOR
    UPDATE``, so a concurrent writer with the same expected version waits and then sees the new
    version) and :class:`StaleVersionError` is raised when its version is not ``expected``.
    Call it inside the write's transaction, before the first write. Returns ``instance``.
    """
    if expected is None or instance is None or instance.pk is None:
        return instance
    current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if not _matches(current.version, expected):
        raise StaleVersionError(current=current, expected=expected)
    return instance


def _matches(version: int, expected) -> bool:
    accepted = expected if isinstance(expected, list | tuple | set | frozenset) else [expected]
    try:
        return version in {int(value) for value in accepted}
    except (TypeError, ValueError):
        return False


class CombinedState:
    """Several rows read and saved together as one setting (a person's reminder preferences):
    one version, the sum of the rows' versions (0: no row yet). Every save of a row raises it
    and a new row adds to it, so it changes with each write. ``values`` is what they hold now,
    ``pk`` is ``None`` (not one record)."""

    pk = None

    def __init__(self, rows=(), *, values: dict | None = None, version: int | None = None):
        self.rows = [row for row in rows if row is not None]
        self.version = sum(row.version for row in self.rows) if version is None else version
        self.values = values or {}


def check_combined_version(rows, expected, *, values: dict | None = None) -> CombinedState:
    """:func:`check_version` for a :class:`CombinedState`: ``rows`` already locked by the
    caller (``select_for_update``); ``None`` expects nothing."""
    state = CombinedState(rows, values=values)
    if expected is not None and not _matches(state.version, expected):
        raise StaleVersionError(current=state, expected=expected)
    return state


# --- HTTP: ETag / If-Match -------------------------------------------------------------------


def etag(version: int) -> str:
    """The (strong) entity tag of a record at ``version``: ``"3"``."""
    return f'"{version}"'


_TAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


class BadIfMatch(ValueError):
    pass


def if_match_versions(header: str | None) -> list[int] | None:
    """The versions an ``If-Match`` header accepts: ``None`` when absent or ``*`` (no check).

    ``"3"``, ``W/"3"`` and ``3`` all mean version 3; several tags may be comma-separated.
    Raises :class:`BadIfMatch` on anything else.
    """
    if header is None or not header.strip() or header.strip() == "*":
        return None
    versions = []
    for part in header.split(","):
        match = _TAG.match(part)
        if match is None:
            raise BadIfMatch(header)
        versions.append(int(match.group(1)))
    return versions


def check_if_match(instance, header: str | None):
    """:func:`check_version` for an ``If-Match`` header (any of its tags may match)."""
    versions = if_match_versions(header)
    if versions is None or not is_versioned(instance):
        return instance
    return check_version(instance, versions)
