"""Authorization registry for the performance app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each rep-owned model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it.

ORGANISATION_WIDE lists the reference data of the whole organisation served by detail routes
(weight schemes, period settings): every signed-in role reads them (SPEC §2.4: everyone is
scored by the same published scheme), only HR and admins write. They have no owner, so they
cannot appear in OUT_OF_SCOPE.
"""

from apps.performance.models import PdcaNote, PeriodSetting, Target, WeightScheme
from tests.factories.performance import (
    PdcaNoteFactory,
    PeriodSettingFactory,
    TargetFactory,
    WeightSchemeFactory,
)

OUT_OF_SCOPE: dict = {
    Target: lambda cast: TargetFactory(rep=cast.rep_b),
    PdcaNote: lambda cast: PdcaNoteFactory(rep=cast.rep_b),
}

ORGANISATION_WIDE: dict = {
    WeightScheme: lambda cast: WeightSchemeFactory(),
    PeriodSetting: lambda cast: PeriodSettingFactory(),
}

ROUTE_MODELS: dict = {}
