"""Authorization registry for the promotions app, read by tests/core/test_authorization.py.

OUT_OF_SCOPE: the candidacy of ``cast.rep_b`` (team Bravo) with a submitted (not accepted)
document and a file: rep_a and manager_a get 403/404 on it; HR and admin read it.
"""

from django.core.files.base import ContentFile

from apps.promotions.choices import CandidateStatus
from apps.promotions.models import PromotionCandidate
from tests.factories.promotions import MethodologyDocumentFactory, PromotionCandidateFactory


def _candidate_of_rep_b(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_b, status=CandidateStatus.SUBMITTED)
    document = MethodologyDocumentFactory(candidate=candidate, file_name="method.txt")
    document.file.save("method.txt", ContentFile(b"My method"), save=True)
    return candidate


OUT_OF_SCOPE: dict = {PromotionCandidate: _candidate_of_rep_b}

ROUTE_MODELS: dict = {
    "promotions:candidate-detail": PromotionCandidate,
    "promotions:document-form": PromotionCandidate,
    "promotions:document-file": PromotionCandidate,
    "promotions:accept": PromotionCandidate,
    "promotions:return": PromotionCandidate,
    "promotions:decide": PromotionCandidate,
}
