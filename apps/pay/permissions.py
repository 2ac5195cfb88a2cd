"""Who may do what with performance pay (built on :mod:`apps.core.permissions`).

- HR and admins open, recompute, close and correct pay runs, create pay policies and export
  pay (:func:`may_run_pay`); they see every run and every statement.
- A manager sees the statements of the people in the teams they manage, a rep their own
  (:class:`apps.pay.models.PayStatementQuerySet`); neither sees pay runs.
"""

from __future__ import annotations

from apps.core.permissions import is_admin, is_hr

__all__ = ["may_run_pay"]


def may_run_pay(user) -> bool:
    """HR and admins: opening, recomputing, closing and correcting runs, policies, export."""
    return is_admin(user) or is_hr(user)
