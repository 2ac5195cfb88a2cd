"""All test factories, one module per app. Import from here: ``from tests.factories import ...``."""

from tests.factories.accounts import (  # noqa: F401
    AdminFactory,
    HRFactory,
    ManagerFactory,
    RepFactory,
    TeamFactory,
    UserFactory,
)
from tests.factories.activities import *  # noqa: F401,F403,E402
from tests.factories.customers import *  # noqa: F401,F403,E402
from tests.factories.development import *  # noqa: F401,F403,E402
from tests.factories.grades import *  # noqa: F401,F403,E402
from tests.factories.leads import *  # noqa: F401,F403,E402
from tests.factories.opportunities import *  # noqa: F401,F403,E402
from tests.factories.performance import *  # noqa: F401,F403,E402
from tests.factories.pips import *  # noqa: F401,F403,E402
from tests.factories.promotions import *  # noqa: F401,F403,E402
from tests.factories.reminders import *  # noqa: F401,F403,E402
from tests.factories.reviews import *  # noqa: F401,F403,E402
from tests.factories.sales import *  # noqa: F401,F403,E402
from tests.factories.scorecards import *  # noqa: F401,F403,E402
from tests.factories.surveys import *  # noqa: F401,F403,E402
from tests.factories.training import *  # noqa: F401,F403,E402
