"""Training recommendations (SPEC §2.6 "Training", §2.3 item 8): a capability weak in a large
enough share of a team proposes a team workshop; a weak individual gets courses and a mentor.
Proposals are accepted, scheduled and marked done (the learning log then shows them) or
declined. The rules are in :mod:`apps.training.calculations`, the generation in
:mod:`apps.training.services`."""

import copy

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scoping import ScopedQuerySet, sees_everything, visible_user_ids
from apps.development.choices import Skill
from apps.training.choices import (
    CLOSED_STATUSES,
    DEFAULT_CATALOGUE,
    DEFAULT_KPI_GAP_SCORE,
    DEFAULT_WEAK_SCORE,
    DEFAULT_WORKSHOP_SHARE,
    OPEN_STATUSES,
    ProposalKind,
    ProposalStatus,
)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def default_catalogue() -> dict:
    return copy.deepcopy({str(k): v for k, v in DEFAULT_CATALOGUE.items()})


class TrainingSettings(VersionedModel, models.Model):
    """The organisation's training rules (one row, HR-editable, versioned against lost
    updates; changes audited)."""

    weak_score = models.DecimalField(
        _("weak skill score"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_WEAK_SCORE,
        validators=PERCENT,
        help_text=_("A skill whose evidence averages below this score (0–100) is weak."),
    )
    kpi_gap_score = models.DecimalField(
        _("KPI gap score"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_KPI_GAP_SCORE,
        validators=PERCENT,
        help_text=_(
            "A KPI scored below this (value ÷ target × 100) in the latest monthly scorecard is "
            "a gap that points to a skill."
        ),
    )
    workshop_share = models.DecimalField(
        _("team share for a workshop (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_WORKSHOP_SHARE,
        validators=PERCENT,
        help_text=_("When at least this share of a team is weak in a skill, a workshop."),
    )
    #: ``{skill: {"workshop": title, "courses": "one course a line"}}``
    catalogue = models.JSONField(_("catalogue"), default=default_catalogue, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training settings")
        verbose_name_plural = _("training settings")

    def __str__(self):
        return str(_("Training settings"))

    @classmethod
    def current(cls) -> "TrainingSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def workshop_title(self, skill: str) -> str:
        entry = (self.catalogue or {}).get(skill) or {}
        return entry.get("workshop") or ""

    def courses(self, skill: str) -> str:
        entry = (self.catalogue or {}).get(skill) or {}
        return entry.get("courses") or ""


class TrainingProposalQuerySet(ScopedQuerySet):
    """HR and admins see every proposal; a manager those of the teams they manage (workshops of
    the team, individual proposals of its people) and their own; a rep their own individual
    proposals and the workshops they take part in."""

    owner_lookup = "person"

    def visible_q(self, user):
        if sees_everything(user):
            return None
        ids = visible_user_ids(user)
        through = TrainingProposal.participants.through
        q = Q(person__in=ids) | Q(
            pk__in=through.objects.filter(user_id__in=ids).values("trainingproposal_id")
        )
        if getattr(user, "role", None) == Role.MANAGER:
            from apps.accounts.models import Team

            q |= Q(team__in=Team.objects.filter(managers=user).values("pk"))
        return q

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class TrainingProposal(VersionedModel, TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=ProposalKind.choices)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_proposals",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_proposals",
    )
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices)
    title = models.CharField(_("title"), max_length=200)
    courses = models.TextField(_("suggested courses"), blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentored_trainings",
    )
    reason = models.TextField(_("why"), blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="training_workshops",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
        db_index=True,
    )
    scheduled_on = models.DateField(_("date"), null=True, blank=True)
    location = models.CharField(_("place or online link"), max_length=300, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    #: When the proposal is a team workshop that replaced this individual one.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = TrainingProposalQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at", "-pk"]
        verbose_name = _("training proposal")
        verbose_name_plural = _("training proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "skill"],
                condition=Q(kind="team_workshop", status__in=["proposed", "accepted", "scheduled"]),
                name="one_open_workshop_per_team_and_skill",
            ),
            models.UniqueConstraint(
                fields=["person", "skill"],
                condition=Q(kind="individual", status__in=["proposed", "accepted", "scheduled"]),
                name="one_open_individual_training_per_skill",
            ),
            models.CheckConstraint(
                condition=(Q(kind="team_workshop") & Q(team__isnull=False))
                | (Q(kind="individual") & Q(person__isnull=False)),
                name="training_workshop_has_team_individual_has_person",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self):
        return reverse("training:proposal-detail", args=[self.pk])

    @property
    def is_workshop(self) -> bool:
        return self.kind == ProposalKind.TEAM_WORKSHOP

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def evidence(self) -> str:
        """The learning-log evidence of a done proposal (also its idempotency key)."""
        return f"Training proposal #{self.pk}"

    @property
    def course_list(self) -> list[str]:
        return [line.strip() for line in (self.courses or "").splitlines() if line.strip()]
