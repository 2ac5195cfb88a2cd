"""Races on PostgreSQL: two saves of the document opened on one version cannot both win; HR
accepting and returning the same document at once leaves exactly one outcome."""

import pytest

from apps.core.versions import StaleVersionError
from apps.promotions import services
from apps.promotions.choices import CandidateStatus
from apps.promotions.exceptions import CandidacyLocked
from apps.promotions.models import PromotionCandidate
from tests.concurrency import require_postgres, together
from tests.factories import MethodologyDocumentFactory, PromotionCandidateFactory
from tests.promotions.conftest import LONG_TEXT

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_two_saves_opened_on_one_version_cannot_both_win(cast):
    require_postgres()
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    opened = candidate.version

    def save(title):
        return lambda: services.document_save(
            actor=cast.rep_a,
            candidate=candidate,
            title=title,
            text=LONG_TEXT,
            expected_version=opened,
        )

    outcomes = together(save("first tab"), save("second tab"))
    losers = [o for o in outcomes if isinstance(o, StaleVersionError)]
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    candidate.refresh_from_db()
    assert candidate.document.title == winners[0].title


@pytest.mark.django_db(transaction=True)
def test_accept_racing_return_leaves_one_outcome(cast):
    require_postgres()
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=candidate)
    outcomes = together(
        lambda: services.document_accept(actor=cast.hr, candidate=candidate),
        lambda: services.document_return(actor=cast.admin, candidate=candidate, reason="Redo"),
    )
    winners = [o for o in outcomes if isinstance(o, PromotionCandidate)]
    assert len(winners) == 1 and any(isinstance(o, CandidacyLocked) for o in outcomes), outcomes
    candidate.refresh_from_db()
    assert candidate.status == winners[0].status
