"""Customer satisfaction surveys (SPEC §2.3): one per sampled customer and quarter.

A survey is drawn for a rep's customer (``services.surveys_sample``, reproducible from the
seed), answered by the customer through a one-time link (only a hash of its token is stored) or
recorded by HR / the manager from a phone interview. Only answered surveys feed the
satisfaction KPI; the rep never rates their own customers.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.choices import Role
from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet, sees_everything, visible_user_ids
from apps.surveys.choices import SurveyChannel, SurveyStatus

DIMENSION = {
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
WEIGHT = {"default": 1, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class SurveyQuerySet(ScopedQuerySet):
    """Who sees which survey (SPEC §0, §2.3).

    HR and admins: all. A manager: the surveys of the people in the teams they manage. A seller
    (rep, or a manager about their own customers): only the *answered* surveys about their own
    customers — never which customers were drawn and are still waiting, so nobody can prepare
    them, and never a link.
    """

    owner_lookup = "rep"

    def visible_q(self, user):
        if sees_everything(user):
            return None
        own_answered = Q(rep=user, status=SurveyStatus.ANSWERED)
        if user.role == Role.MANAGER:
            return own_answered | (Q(rep__in=visible_user_ids(user)) & ~Q(rep=user))
        return own_answered

    def answered(self):
        return self.filter(status=SurveyStatus.ANSWERED)


class Survey(VersionedModel, TimeStampedModel):
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.CASCADE,
        related_name="surveys",
        help_text=_("The customer's owner when the survey was drawn: the rep it is about."),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    #: The quarter the answers count for ("2026-Q3").
    period_key = models.CharField(_("quarter"), max_length=16)
    #: The seed the sample was drawn with (the review cycle's), so the draw can be repeated.
    sample_seed = models.CharField(_("sample seed"), max_length=64, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="zh-hans"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SurveyStatus.choices, default=SurveyStatus.PENDING
    )
    #: SHA-256 of the current link's token (the token itself is shown once, never stored).
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    link_issued_at = models.DateTimeField(_("link issued at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)

    solution_fit = models.PositiveSmallIntegerField(_("solution fit"), **DIMENSION)
    response_speed = models.PositiveSmallIntegerField(_("response speed"), **DIMENSION)
    problem_resolution = models.PositiveSmallIntegerField(_("problem resolution"), **DIMENSION)
    weight_solution_fit = models.PositiveSmallIntegerField(_("weight of solution fit"), **WEIGHT)
    weight_response_speed = models.PositiveSmallIntegerField(
        _("weight of response speed"), **WEIGHT
    )
    weight_problem_resolution = models.PositiveSmallIntegerField(
        _("weight of problem resolution"), **WEIGHT
    )
    #: Weighted mean of the three dimensions (0–100), set when answered.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    respondent = models.CharField(_("answered by (contact)"), max_length=120, blank=True)
    channel = models.CharField(
        _("answered through"), max_length=8, choices=SurveyChannel.choices, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    recorded_by = actor_field(
        _("recorded by"),
        help_text=_("Who typed in a phone interview (HR or the manager); empty for a link."),
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-period_key", "rep", "customer"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "period_key"], name="one_survey_per_customer_and_quarter"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="survey_score_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(weight_solution_fit__gt=0)
                | Q(weight_response_speed__gt=0)
                | Q(weight_problem_resolution__gt=0),
                name="survey_weights_not_all_zero",
            ),
        ]
        indexes = [models.Index(fields=["period_key", "rep"])]

    def __str__(self):
        return f"{self.customer} {self.period_key}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("surveys:survey-detail", kwargs={"pk": self.pk})

    @property
    def answers(self) -> dict:
        return {
            "solution_fit": self.solution_fit,
            "response_speed": self.response_speed,
            "problem_resolution": self.problem_resolution,
        }

    @property
    def weights(self) -> dict:
        return {
            "solution_fit": self.weight_solution_fit,
            "response_speed": self.weight_response_speed,
            "problem_resolution": self.weight_problem_resolution,
        }
