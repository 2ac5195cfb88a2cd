"""The home page of each role: a registry of views, so ``core`` needs no import of the apps
that build the dashboards above it.

An app registers a view (a ``view(request)`` callable answering a response) in its
``AppConfig.ready()``, for a role or for a predicate of the user::

    home.register(Role.REP, rep_home)
    home.register(lambda user: user.is_superuser, company_home)

:func:`home_view_for` answers the view of the first predicate the user satisfies, else the view
of their role (a superuser counts as an admin), else ``None``, in which case ``core:home``
shows its own page.
Registering the same role (or predicate) again replaces its view.
"""

from __future__ import annotations

from collections.abc import Callable

from apps.core.choices import Role

_registry: list[tuple[object, Callable]] = []


def register(role_or_predicate, view: Callable) -> None:
    """Show ``view`` as the home page of ``role_or_predicate``: a :class:`Role` value or a
    ``predicate(user) -> bool``."""
    for index, (key, _view) in enumerate(_registry):
        if key == role_or_predicate:
            _registry[index] = (role_or_predicate, view)
            return
    _registry.append((role_or_predicate, view))


def unregister(role_or_predicate) -> None:
    """Forget the registration of ``role_or_predicate`` (tests)."""
    _registry[:] = [(key, view) for key, view in _registry if key != role_or_predicate]


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def _matches(key, user) -> bool:
    if callable(key):
        return bool(key(user))
    return role_of(user) == key


def home_view_for(user) -> Callable | None:
    """The view of the first predicate ``user`` satisfies, else the view of their role."""
    predicates = [(key, view) for key, view in _registry if callable(key)]
    roles = [(key, view) for key, view in _registry if not callable(key)]
    for key, view in [*predicates, *roles]:
        if _matches(key, user):
            return view
    return None
