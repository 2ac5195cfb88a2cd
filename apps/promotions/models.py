"""Promotion candidates (every person with a finalised grade A of a year) and their personal
sales methodology documents, which HR accepts into the team's training material (SPEC §2.6)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet, sees_everything
from apps.promotions.choices import CandidateStatus

DEFAULT_ROLE = "Sales supervisor"


class CandidateQuerySet(ScopedQuerySet):
    """HR/admin: all; a manager: their teams' candidates (and their own); a rep: their own."""

    owner_lookup = "person"


class DocumentQuerySet(ScopedQuerySet):
    owner_lookup = "candidate__person"

    def material_for(self, user):
        """Accepted documents the user may read as training material: HR/admin all, others
        those of their own team and of the teams they manage."""
        accepted = self.filter(accepted_at__isnull=False)
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return accepted
        teams = models.Q(candidate__person__team__managers=user)
        if user.team_id:
            teams |= models.Q(candidate__person__team_id=user.team_id)
        return accepted.filter(teams).distinct()


def document_upload_to(instance, filename: str) -> str:
    """A safe generated name that keeps only the (checked) extension."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"methodology/{uuid.uuid4().hex}.{extension}"


class PromotionCandidate(VersionedModel, TimeStampedModel):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="promotion_candidacies",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    cycle = models.ForeignKey(
        "reviews.ReviewCycle",
        verbose_name=_("annual cycle"),
        on_delete=models.CASCADE,
        related_name="promotion_candidates",
    )
    grade = models.ForeignKey(
        "grades.AnnualGrade",
        verbose_name=_("annual grade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promotion_candidates",
    )
    proposed_role = models.CharField(_("proposed role"), max_length=120, default=DEFAULT_ROLE)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CandidateStatus.choices,
        default=CandidateStatus.AWAITING,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    decided_by = actor_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "person__username", "pk"]
        verbose_name = _("promotion candidate")
        verbose_name_plural = _("promotion candidates")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="one_candidacy_per_year"),
        ]

    def __str__(self):
        return f"{self.person} {self.year}"

    @property
    def document_or_none(self):
        try:
            return self.document
        except MethodologyDocument.DoesNotExist:
            return None


class MethodologyDocument(VersionedModel, TimeStampedModel):
    candidate = models.OneToOneField(
        PromotionCandidate,
        verbose_name=_("promotion candidate"),
        on_delete=models.CASCADE,
        related_name="document",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    file = models.FileField(_("file"), upload_to=document_upload_to, blank=True)
    file_name = models.CharField(_("original file name"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = actor_field(_("accepted by"))

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = _("methodology document")
        verbose_name_plural = _("methodology documents")

    def __str__(self):
        return self.title
