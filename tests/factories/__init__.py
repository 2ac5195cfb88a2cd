"""All test factories, one module per app. Import from here: ``from tests.factories import ...``."""

from tests.factories.accounts import (  # noqa: F401
    AdminFactory,
    HRFactory,
    ManagerFactory,
    RepFactory,
    TeamFactory,
    UserFactory,
)
