import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.models import AuditEntry
from apps.grades.choices import Grade
from apps.promotions import services
from apps.promotions.choices import CandidateStatus
from apps.promotions.exceptions import CandidacyLocked
from apps.promotions.models import MethodologyDocument, PromotionCandidate
from tests.factories import MethodologyDocumentFactory, PromotionCandidateFactory
from tests.promotions.conftest import LONG_TEXT, grade_for

pytestmark = pytest.mark.django_db


def test_refresh_makes_candidates_only_from_finalised_a_grades(cast, cycle):
    grade_for(cycle, cast.rep_a, Grade.A)
    grade_for(cycle, cast.rep_a2, Grade.B)
    grade_for(cycle, cast.rep_b, Grade.A, finalised=False)
    counts = services.candidates_refresh(cycle=cycle, actor=cast.hr)
    assert counts["created"] == 1
    candidate = PromotionCandidate.objects.get()
    assert candidate.person == cast.rep_a
    assert candidate.year == 2026
    assert candidate.proposed_role == "Sales supervisor"
    assert candidate.status == CandidateStatus.AWAITING
    assert AuditEntry.objects.filter(action="promotion.candidate").count() == 1


def test_refresh_is_idempotent(cast, cycle):
    grade_for(cycle, cast.rep_a)
    services.candidates_refresh(cycle=cycle, actor=cast.hr)
    counts = services.candidates_refresh(cycle=cycle, actor=cast.hr)
    assert counts == {"created": 0, "withdrawn": 0, "restored": 0}
    assert PromotionCandidate.objects.count() == 1


def test_refresh_withdraws_when_grade_changes_away_from_a(cast, cycle):
    grade = grade_for(cycle, cast.rep_a)
    services.candidates_refresh(cycle=cycle, actor=cast.hr)
    grade.grade = Grade.B
    grade.save()
    counts = services.candidates_refresh(cycle=cycle, actor=cast.hr)
    assert counts["withdrawn"] == 1
    assert PromotionCandidate.objects.get().status == CandidateStatus.WITHDRAWN
    entry = AuditEntry.objects.get(action="promotion.withdraw")
    assert entry.changes["status"] == [CandidateStatus.AWAITING, CandidateStatus.WITHDRAWN]
    grade.grade = Grade.A
    grade.save()
    assert services.candidates_refresh(cycle=cycle, actor=cast.hr)["restored"] == 1
    assert PromotionCandidate.objects.get().status == CandidateStatus.AWAITING


def test_refresh_keeps_a_candidate_with_an_accepted_document(cast, cycle):
    grade = grade_for(cycle, cast.rep_a)
    services.candidates_refresh(cycle=cycle, actor=cast.hr)
    candidate = PromotionCandidate.objects.get()
    services.document_save(
        actor=cast.rep_a, candidate=candidate, title="Method", text=LONG_TEXT, submit=True
    )
    services.document_accept(actor=cast.hr, candidate=candidate)
    grade.finalised = False
    grade.save()
    assert services.candidates_refresh(cycle=cycle, actor=cast.hr)["withdrawn"] == 0
    assert PromotionCandidate.objects.get().status == CandidateStatus.ACCEPTED


def test_refresh_is_refused_to_a_manager(cast, cycle):
    with pytest.raises(PermissionDenied):
        services.candidates_refresh(cycle=cycle, actor=cast.manager_a)


def test_document_text_shorter_than_200_characters_is_refused_and_nothing_saved(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    with pytest.raises(ValidationError) as error:
        services.document_save(actor=cast.rep_a, candidate=candidate, title="T", text="x" * 199)
    assert "200" in error.value.message_dict["text"][0]
    assert not MethodologyDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("method.exe", b"MZ...", "not an allowed type"),
        ("method.pdf", b"not a pdf", "does not look like a pdf"),
        ("method.docx", b"%PDF-1.4", "does not look like a docx"),
    ],
)
def test_document_file_of_wrong_type_is_refused(cast, name, content, message):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        services.document_save(
            actor=cast.rep_a, candidate=candidate, title="T", text=LONG_TEXT, file=upload
        )
    assert message in error.value.message_dict["file"][0]
    assert not MethodologyDocument.objects.exists()


def test_document_file_over_10_mb_is_refused(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    upload = SimpleUploadedFile("method.txt", b"a" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        services.document_save(
            actor=cast.rep_a, candidate=candidate, title="T", text=LONG_TEXT, file=upload
        )
    assert "10 MB" in error.value.message_dict["file"][0]
    assert not MethodologyDocument.objects.exists()


def test_document_file_is_stored_under_a_generated_name(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    upload = SimpleUploadedFile("../../etc/my method.pdf", b"%PDF-1.4 body")
    document = services.document_save(
        actor=cast.rep_a, candidate=candidate, title="T", text=LONG_TEXT, file=upload
    )
    assert document.file.name.startswith("methodology/")
    assert document.file.name.endswith(".pdf")
    assert "method" not in document.file.name.split("/", 1)[1]
    assert document.file.storage.exists(document.file.name)
    assert document.file_name.endswith("my method.pdf")


def test_only_the_candidate_writes_the_document(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    for other in (cast.rep_a2, cast.manager_a, cast.hr):
        with pytest.raises(PermissionDenied):
            services.document_save(actor=other, candidate=candidate, title="T", text=LONG_TEXT)


def test_submit_then_accept_puts_the_candidacy_in_accepted(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a)
    services.document_save(
        actor=cast.rep_a, candidate=candidate, title="T", text=LONG_TEXT, submit=True
    )
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.SUBMITTED
    services.document_accept(actor=cast.hr, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ACCEPTED
    assert candidate.document.accepted_by == cast.hr
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"promotion.document", "promotion.submit", "promotion.accept"} <= actions


@pytest.mark.parametrize("actor_name", ["rep_a", "manager_a"])
def test_accept_return_and_decide_are_hr_only(cast, actor_name):
    actor = getattr(cast, actor_name)
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=candidate)
    with pytest.raises(PermissionDenied):
        services.document_accept(actor=actor, candidate=candidate)
    with pytest.raises(PermissionDenied):
        services.document_return(actor=actor, candidate=candidate, reason="Rework")
    with pytest.raises(PermissionDenied):
        services.candidate_decide(actor=actor, candidate=candidate, promoted=True, reason="x")


def test_return_needs_a_reason_and_lets_the_candidate_rework(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    MethodologyDocumentFactory(candidate=candidate)
    with pytest.raises(ValidationError) as error:
        services.document_return(actor=cast.hr, candidate=candidate, reason="  ")
    assert "reason" in error.value.message_dict
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.SUBMITTED
    services.document_return(actor=cast.hr, candidate=candidate, reason="Add examples.")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.RETURNED
    assert candidate.status_reason == "Add examples."
    services.document_save(actor=cast.rep_a, candidate=candidate, title="T2", text=LONG_TEXT)
    assert candidate.document.title == "T2"


def test_decide_needs_an_accepted_document_and_a_reason(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.SUBMITTED)
    with pytest.raises(CandidacyLocked):
        services.candidate_decide(actor=cast.hr, candidate=candidate, promoted=True, reason="ok")
    candidate.status = CandidateStatus.ACCEPTED
    candidate.save()
    with pytest.raises(ValidationError) as error:
        services.candidate_decide(actor=cast.hr, candidate=candidate, promoted=True, reason="")
    assert "reason" in error.value.message_dict
    services.candidate_decide(actor=cast.hr, candidate=candidate, promoted=False, reason="Later")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.NOT_PROMOTED
    assert candidate.decided_by == cast.hr
    assert AuditEntry.objects.get(action="promotion.decide").reason == "Later"


def test_a_decided_candidacy_refuses_document_changes(cast):
    candidate = PromotionCandidateFactory(person=cast.rep_a, status=CandidateStatus.PROMOTED)
    with pytest.raises(CandidacyLocked):
        services.document_save(actor=cast.rep_a, candidate=candidate, title="T", text=LONG_TEXT)
