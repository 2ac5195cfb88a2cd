"""Writes of promotion candidacies: refresh from the finalised A grades, write and submit the
methodology document, HR accepts or returns it, HR decides the promotion. Every write is one
transaction with an audit entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.permissions import require
from apps.core.services import audit_record
from apps.core.versions import check_version
from apps.grades.choices import Grade
from apps.grades.models import AnnualGrade
from apps.promotions import permissions
from apps.promotions.choices import SETTLED, WRITABLE, CandidateStatus
from apps.promotions.exceptions import CandidacyLocked
from apps.promotions.models import MethodologyDocument, PromotionCandidate

__all__ = [
    "candidate_decide",
    "candidates_refresh",
    "document_accept",
    "document_return",
    "document_save",
    "document_submit",
]

TEXT_MIN_LENGTH = 200
FILE_MAX_BYTES = 10 * 1024 * 1024
#: Allowed file types: extension -> the signatures (magic bytes) it may start with (None: text).
FILE_TYPES = {"pdf": (b"%PDF",), "docx": (b"PK\x03\x04",), "md": None, "txt": None}


def _status_change(candidate, status, *, actor, action, reason=""):
    old = candidate.status
    candidate.status = status
    candidate.status_reason = reason
    candidate.save()
    audit_record(
        actor=actor,
        action=action,
        target=candidate,
        subject_user=candidate.person,
        changes={"status": [old, status]},
        reason=reason,
    )
    return candidate


def _locked(candidate) -> PromotionCandidate:
    return PromotionCandidate.objects.select_for_update().get(pk=candidate.pk)


@transaction.atomic
def candidates_refresh(*, cycle, actor=None) -> dict:
    """Make one candidate per person with a finalised grade A in annual ``cycle`` (idempotent);
    withdraw the candidates of the cycle whose grade is no longer a finalised A, unless their
    document was accepted or HR decided. A withdrawn candidate whose grade is A again returns.
    Returns ``{"created": n, "withdrawn": n, "restored": n}``."""
    if actor is not None:
        require(
            permissions.can_manage(actor), _("Only HR and admins refresh promotion candidates.")
        )
    grades = {
        grade.person_id: grade
        for grade in AnnualGrade.objects.filter(cycle=cycle, finalised=True, grade=Grade.A)
    }
    existing = {
        candidate.person_id: candidate
        for candidate in PromotionCandidate.objects.select_for_update().filter(cycle=cycle)
    }
    counts = {"created": 0, "withdrawn": 0, "restored": 0}
    for person_id, grade in grades.items():
        candidate = existing.get(person_id)
        if candidate is None:
            if PromotionCandidate.objects.filter(person_id=person_id, year=grade.year).exists():
                continue  # a candidacy of that year from another annual cycle
            candidate = PromotionCandidate.objects.create(
                person_id=person_id, year=grade.year, cycle=cycle, grade=grade
            )
            audit_record(
                actor=actor,
                action="promotion.candidate",
                target=candidate,
                subject_user=grade.person,
                changes={"status": [None, candidate.status]},
            )
            counts["created"] += 1
        elif candidate.status == CandidateStatus.WITHDRAWN:
            document = candidate.document_or_none
            status = (
                CandidateStatus.SUBMITTED
                if document is not None and document.submitted_at
                else CandidateStatus.AWAITING
            )
            candidate.grade = grade
            _status_change(candidate, status, actor=actor, action="promotion.restore")
            counts["restored"] += 1
    for person_id, candidate in existing.items():
        if person_id in grades or candidate.status in (*SETTLED, CandidateStatus.WITHDRAWN):
            continue
        _status_change(
            candidate,
            CandidateStatus.WITHDRAWN,
            actor=actor,
            action="promotion.withdraw",
            reason=_("The annual grade is no longer a finalised A."),
        )
        counts["withdrawn"] += 1
    return counts


def file_errors(upload) -> list[str]:
    """Why an uploaded file may not be attached: PDF, DOCX, MD or TXT of at most 10 MB whose
    content matches its extension."""
    if not upload:
        return []
    problems = []
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > FILE_MAX_BYTES:
        problems.append(
            _("The file is %(size)s MB; a document may be at most 10 MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"}
        )
    if extension not in FILE_TYPES:
        problems.append(
            _("%(name)s is not an allowed type: attach a pdf, docx, md or txt file.")
            % {"name": name}
        )
        return problems
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    signatures = FILE_TYPES[extension]
    if signatures is None:
        if b"\x00" in head:
            problems.append(_("%(name)s does not look like a text file.") % {"name": name})
    elif not any(head.startswith(signature) for signature in signatures):
        problems.append(
            _("%(name)s does not look like a %(ext)s file.") % {"name": name, "ext": extension}
        )
    return problems


@transaction.atomic
def document_save(
    *, actor, candidate, title, text, file=None, submit: bool = False, expected_version=None
) -> MethodologyDocument:
    """The candidate writes (or rewrites) their methodology document; ``submit`` hands it in.
    With ``expected_version`` (the candidacy's version the writer read), a stale write is
    refused (:class:`apps.core.versions.StaleVersionError`)."""
    candidate = _locked(candidate)
    if expected_version is not None:
        check_version(candidate, expected_version)
    require(
        candidate.person_id == getattr(actor, "pk", None),
        _("Only the candidate writes their methodology document."),
    )
    if candidate.status not in WRITABLE:
        raise CandidacyLocked(
            _("The document can be changed only while it is awaited or returned.")
        )
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    text = (text or "").strip()
    if not title:
        errors["title"] = [_("Give the document a title.")]
    if len(text) < TEXT_MIN_LENGTH:
        errors["text"] = [
            _("Write at least %(min)d characters (now %(count)d).")
            % {"min": TEXT_MIN_LENGTH, "count": len(text)}
        ]
    problems = file_errors(file)
    if problems:
        errors["file"] = problems
    if errors:
        raise ValidationError(errors)
    document = candidate.document_or_none or MethodologyDocument(candidate=candidate)
    old = {"title": document.title, "text_length": len(document.text or "")}
    document.title = title
    document.text = text
    if file:
        document.file_name = (
            (getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][-200:]
        )
        document.file = file
    document.save()
    candidate.save()  # a new version of the candidacy: an edit opened before it is stale
    audit_record(
        actor=actor,
        action="promotion.document",
        target=candidate,
        subject_user=candidate.person,
        changes={"title": [old["title"], title], "text_length": [old["text_length"], len(text)]},
    )
    if submit:
        document_submit(actor=actor, candidate=candidate)
    return document


@transaction.atomic
def document_submit(*, actor, candidate) -> PromotionCandidate:
    candidate = _locked(candidate)
    require(
        candidate.person_id == getattr(actor, "pk", None),
        _("Only the candidate submits their methodology document."),
    )
    document = candidate.document_or_none
    if candidate.status not in WRITABLE:
        raise CandidacyLocked(
            _("The document can be submitted only while it is awaited or returned.")
        )
    if document is None:
        raise ValidationError({"text": [_("Write the methodology document before submitting it.")]})
    document.submitted_at = timezone.now()
    document.save()
    return _status_change(
        candidate, CandidateStatus.SUBMITTED, actor=actor, action="promotion.submit"
    )


def _require_hr(actor):
    require(permissions.can_manage(actor), _("Only HR and admins review promotion candidates."))


@transaction.atomic
def document_accept(*, actor, candidate) -> PromotionCandidate:
    """HR accepts the submitted document: it joins the team's training material."""
    _require_hr(actor)
    candidate = _locked(candidate)
    if candidate.status != CandidateStatus.SUBMITTED:
        raise CandidacyLocked(_("Only a submitted document can be accepted."))
    document = candidate.document
    document.accepted_at = timezone.now()
    document.accepted_by = actor
    document.save()
    return _status_change(
        candidate, CandidateStatus.ACCEPTED, actor=actor, action="promotion.accept"
    )


@transaction.atomic
def document_return(*, actor, candidate, reason) -> PromotionCandidate:
    """HR returns the submitted document for rework, with a reason."""
    _require_hr(actor)
    candidate = _locked(candidate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what the candidate should rework.")]})
    if candidate.status != CandidateStatus.SUBMITTED:
        raise CandidacyLocked(_("Only a submitted document can be returned."))
    return _status_change(
        candidate, CandidateStatus.RETURNED, actor=actor, action="promotion.return", reason=reason
    )


@transaction.atomic
def candidate_decide(*, actor, candidate, promoted: bool, reason) -> PromotionCandidate:
    """HR decides (promoted or not) once the document is accepted, with a reason."""
    _require_hr(actor)
    candidate = _locked(candidate)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the decision.")]})
    if candidate.status != CandidateStatus.ACCEPTED:
        raise CandidacyLocked(_("A promotion is decided only after the document is accepted."))
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    status = CandidateStatus.PROMOTED if promoted else CandidateStatus.NOT_PROMOTED
    return _status_change(candidate, status, actor=actor, action="promotion.decide", reason=reason)
