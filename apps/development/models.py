"""Collaboration and self-improvement (SPEC §1.4, §2.3): collaboration ratings, the learning
log, annual capability goals and the weekly sales meeting's case library."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet, scoped_queryset
from apps.development.choices import CaseKind, LearningKind, RaterRole, Skill

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class CollaborationRatingQuerySet(ScopedQuerySet):
    """Raw ratings name their rater, so the rated rep never reads them: a rep sees the ratings
    they GAVE; a manager those given or received in their teams; HR and admin all. The rated
    rep sees only the mean of at least 3 peers (selectors)."""

    owner_lookup = "rated"

    def visible_q(self, user):
        q = super().visible_q(user)
        if q is None:
            return None
        if getattr(user, "role", None) == Role.MANAGER:
            return (q & ~Q(rated=user)) | Q(rater=user)
        return Q(rater=user)


class CollaborationRating(VersionedModel, TimeStampedModel):
    """One rater's 1–5 ratings of one person for one quarter (SPEC §2.3 item 7)."""

    rated = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated person"),
        on_delete=models.CASCADE,
        related_name="collaboration_ratings_received",
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.CASCADE,
        related_name="collaboration_ratings_given",
    )
    rater_role = models.CharField(_("rated as"), max_length=8, choices=RaterRole.choices)
    period_key = models.CharField(_("quarter"), max_length=16)
    cross_department = models.PositiveSmallIntegerField(
        _("cross-department collaboration"), validators=ONE_TO_FIVE
    )
    knowledge_sharing = models.PositiveSmallIntegerField(
        _("knowledge sharing"), validators=ONE_TO_FIVE
    )
    comment = models.TextField(_("comment"), blank=True)

    objects = CollaborationRatingQuerySet.as_manager()

    class Meta:
        ordering = ["-period_key", "rated", "pk"]
        verbose_name = _("collaboration rating")
        verbose_name_plural = _("collaboration ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["rated", "rater", "period_key"], name="one_rating_per_rater_and_quarter"
            ),
            models.CheckConstraint(condition=~Q(rated=F("rater")), name="no_rating_of_oneself"),
            models.CheckConstraint(
                condition=Q(cross_department__gte=1, cross_department__lte=5)
                & Q(knowledge_sharing__gte=1, knowledge_sharing__lte=5),
                name="collaboration_ratings_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["period_key", "rated"])]

    def __str__(self):
        return f"{self.rated} {self.period_key}"


class LearningEntry(VersionedModel, TimeStampedModel):
    """A course, certification, exam, sandbox exercise or competitor meeting, dated, with
    evidence; exams and sandbox exercises carry a 0–100 score."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="learning_entries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LearningKind.choices)
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    on = models.DateField(_("date"))
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    evidence = models.CharField(
        _("evidence"),
        max_length=500,
        help_text=_("Certificate number, course record, exam result or meeting minutes."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = scoped_queryset("rep").as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("learning-log entry")
        verbose_name_plural = _("learning log")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="learning_score_0_to_100",
            )
        ]
        indexes = [models.Index(fields=["rep", "on"])]

    def __str__(self):
        return f"{self.title} ({self.on})"


class CapabilityGoal(VersionedModel, TimeStampedModel):
    """An annual capability goal ("master the sales method of 2 new industries") and its
    progress 0–100."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="capability_goals",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("goal"), max_length=200)
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    notes = models.TextField(_("notes"), blank=True)
    set_by = actor_field(_("set by"))

    objects = scoped_queryset("rep").as_manager()

    class Meta:
        ordering = ["-year", "rep", "pk"]
        verbose_name = _("capability goal")
        verbose_name_plural = _("capability goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="goal_progress_0_to_100"
            )
        ]

    def __str__(self):
        return f"{self.rep} {self.year}: {self.title}"


class SalesCaseQuerySet(ScopedQuerySet):
    """The case library is shared knowledge: everyone signed in reads every case."""

    owner_lookup = "author"

    def visible_q(self, user):
        return None


class SalesCase(VersionedModel, TimeStampedModel):
    """A case from the weekly sales meeting: a success (tactics, discovery techniques) or a
    failure lesson (churn reasons, proposal gaps), tagged and searchable."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="sales_cases",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what happened"))
    lessons = models.TextField(_("what to copy or avoid"))
    #: Normalised, comma-separated, lower case ("spin,negotiation,manufacturing").
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    meeting_on = models.DateField(_("sales meeting"), null=True, blank=True)

    objects = SalesCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting_on", "-created_at", "-pk"]
        verbose_name = _("sales case")
        verbose_name_plural = _("case library")

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]
