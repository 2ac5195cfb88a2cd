"""Authorization registry for this app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE maps each model served by a detail route (browser or API) to a callable
``make(cast)`` that returns an instance owned by ``cast.rep_b`` (team Bravo): rep_a and
manager_a must get 404 (or 403) on it; HR and admin may read it.
"""

from apps.opportunities.models import Opportunity, Proposal, Risk, SpinNote
from tests.factories.opportunities import (
    OpportunityFactory,
    ProposalFactory,
    RiskFactory,
    SpinNoteFactory,
)

OUT_OF_SCOPE: dict = {
    Opportunity: lambda cast: OpportunityFactory(owner=cast.rep_b),
    Proposal: lambda cast: ProposalFactory(opportunity=OpportunityFactory(owner=cast.rep_b)),
    Risk: lambda cast: RiskFactory(opportunity=OpportunityFactory(owner=cast.rep_b)),
    SpinNote: lambda cast: SpinNoteFactory(opportunity=OpportunityFactory(owner=cast.rep_b)),
}

#: Browser routes whose id is an opportunity although the page makes something else.
ROUTE_MODELS: dict = {
    "opportunities:spin-create": Opportunity,
    "opportunities:proposal-create": Opportunity,
    "opportunities:risk-create": Opportunity,
}
