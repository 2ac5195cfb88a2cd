"""Credit splits: several reps share one opportunity or order by percentages totalling 100.

One check serves the opportunities and the orders (SPEC §2.2: an order shared by several reps
counts for each by their percentage).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")


def check_credit_split(credits, *, allowed_ids: set[int]) -> list[tuple]:
    """Check a split and return it as ``[(User, Decimal percent), ...]``.

    ``credits`` is a list of ``{"rep": User | id, "percent": Decimal | str}``. Rules: at least
    one share; each above 0 and at most 100 with at most two decimals; reps distinct; each rep's
    id in ``allowed_ids``; total exactly 100.00. Raises ``ValidationError({"credits": [...]})``
    listing every problem, and writes nothing.
    """
    from apps.accounts.models import User

    if not credits:
        raise ValidationError({"credits": [_("Give at least one rep a share of the credit.")]})
    entries = [entry if isinstance(entry, dict) else {} for entry in credits]
    ids = [
        entry.get("rep").pk if isinstance(entry.get("rep"), User) else entry.get("rep")
        for entry in entries
    ]
    people = User.objects.in_bulk([i for i in ids if i is not None])
    problems: list[str] = []
    rows: list[tuple] = []
    seen: set[int] = set()
    total = Decimal("0")
    for line, (entry, rep_id) in enumerate(zip(entries, ids, strict=True), start=1):
        raw = entry.get("percent")
        try:
            percent = Decimal(str(raw))
            if not percent.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            problems.append(
                _("Line %(line)s: the share %(value)s is not a number.")
                % {"line": line, "value": raw}
            )
            continue
        rep = people.get(rep_id) if rep_id is not None else None
        if rep is None:
            problems.append(_("Line %(line)s: choose a rep.") % {"line": line})
            continue
        if percent <= 0:
            problems.append(
                _("Line %(line)s: %(rep)s's share must be more than 0%%.")
                % {"line": line, "rep": rep}
            )
        elif percent > HUNDRED:
            problems.append(
                _("Line %(line)s: %(rep)s's share cannot exceed 100%%.")
                % {"line": line, "rep": rep}
            )
        elif percent != percent.quantize(CENT):
            problems.append(
                _("Line %(line)s: use at most two decimal places (%(value)s).")
                % {"line": line, "value": raw}
            )
        if rep.pk in seen:
            problems.append(
                _("%(rep)s appears more than once: give each rep one share.") % {"rep": rep}
            )
        seen.add(rep.pk)
        if rep.pk not in allowed_ids:
            problems.append(
                _(
                    "%(rep)s cannot receive credit here: choose an active rep or manager "
                    "you work with."
                )
                % {"rep": rep}
            )
        total += percent
        rows.append((rep, percent.quantize(CENT)))
    if not problems and total != HUNDRED:
        problems.append(
            _("The shares add up to %(total)s%%; they must total exactly 100.00%%.")
            % {"total": f"{total:.2f}"}
        )
    if problems:
        raise ValidationError({"credits": problems})
    return rows
