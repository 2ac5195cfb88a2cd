"""Annual grades by forced distribution within a calibration group (SPEC §2.6): proposed by
rank, calibrated by HR with a reason, locked when finalised."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet, sees_everything
from apps.grades.choices import Grade

SCORE = {"max_digits": 6, "decimal_places": 2, "null": True, "blank": True}


class AnnualGradeQuerySet(ScopedQuerySet):
    """HR and admins see every grade; a manager the *finalised* grades of the people in the
    teams they manage (and their own); a rep only their own, once finalised. A grade under
    calibration is HR's work in progress."""

    owner_lookup = "person"

    def visible_q(self, user):
        if sees_everything(user):
            return None
        return super().visible_q(user) & models.Q(finalised=True)


class AnnualGrade(VersionedModel, TimeStampedModel):
    cycle = models.ForeignKey(
        "reviews.ReviewCycle",
        verbose_name=_("annual cycle"),
        on_delete=models.CASCADE,
        related_name="grades",
    )
    review = models.OneToOneField(
        "reviews.Review",
        verbose_name=_("annual review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grade",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="annual_grades",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    #: "company" or "team:<id>": the calibration group the person was ranked in.
    group_key = models.CharField(_("calibration group"), max_length=32)
    group_label = models.CharField(_("calibration group name"), max_length=120)
    group_size = models.PositiveIntegerField(_("group size"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("annual score"), **SCORE)
    #: The 9-box axes: quantitative (KPI) and qualitative (360°, capability) results.
    quantitative_score = models.DecimalField(_("quantitative score"), **SCORE)
    qualitative_score = models.DecimalField(_("qualitative score"), **SCORE)
    proposed_grade = models.CharField(_("proposed grade"), max_length=1, choices=Grade.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    calibrated_by = actor_field(_("calibrated by"))
    calibrated_at = models.DateTimeField(_("calibrated at"), null=True, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    finalised = models.BooleanField(_("finalised"), default=False)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = actor_field(_("finalised by"))

    objects = AnnualGradeQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "group_key", "rank", "pk"]
        verbose_name = _("annual grade")
        verbose_name_plural = _("annual grades")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="one_grade_per_cycle"),
        ]
        indexes = [models.Index(fields=["year", "group_key"])]

    def __str__(self):
        return f"{self.person} {self.year}: {self.grade}"

    @property
    def locked(self) -> bool:
        """A finalised grade refuses every change until HR reopens it with a reason."""
        return self.finalised

    @property
    def moved(self) -> bool:
        """HR set a grade other than the proposal."""
        return self.grade != self.proposed_grade

    @property
    def has_score(self) -> bool:
        """Ranked in its group; a person without an annual score is listed, not ranked."""
        return self.score is not None
