"""Authorization registry for the training app, read by tests/core/test_authorization.py.

An individual proposal of ``cast.rep_b`` (team Bravo): rep_a and manager_a get 404 on it; HR
and admin read it."""

from apps.training.models import TrainingProposal
from tests.factories.training import TrainingProposalFactory

OUT_OF_SCOPE: dict = {
    TrainingProposal: lambda cast: TrainingProposalFactory(person=cast.rep_b),
}
