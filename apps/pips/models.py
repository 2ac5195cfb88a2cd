"""Performance improvement plans (SPEC §2.6): a grade-C rep's 3-month plan with goals tied to
the weak KPIs, the support offered, weekly one-to-one coaching sessions on working days and an
outcome (passed, extended once, failed)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, VersionedModel, actor_field
from apps.core.scoping import ScopedQuerySet, sees_everything
from apps.pips.choices import PipOutcome, PipStatus, SessionStatus


class PipQuerySet(ScopedQuerySet):
    """HR and admins see every plan; a manager their teams' (and their own); a rep their own
    once it is running (a proposal is the manager's work in progress)."""

    owner_lookup = "person"
    status_lookup = "status"

    def visible_q(self, user):
        q = super().visible_q(user)
        if q is None or sees_everything(user):
            return q
        own_proposal = Q(**{self.owner_lookup: user}) & Q(**{self.status_lookup: "proposed"})
        return q & ~own_proposal

    def open(self):
        return self.exclude(**{self.status_lookup: PipStatus.CLOSED})


class Pip(VersionedModel, TimeStampedModel):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="pips",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coaching manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_pips",
    )
    #: The annual grade C the plan follows (empty for a plan opened by hand).
    grade = models.ForeignKey(
        "grades.AnnualGrade",
        verbose_name=_("annual grade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pips",
    )
    cycle = models.ForeignKey(
        "reviews.ReviewCycle",
        verbose_name=_("annual cycle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pips",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PipStatus.choices,
        default=PipStatus.PROPOSED,
        db_index=True,
    )
    #: The weakest KPI scores when proposed: ``[{"kpi": code, "score": "61.50"}, …]``.
    weak_kpis = models.JSONField(_("weak KPIs"), default=list, blank=True)
    weak_kpis_period = models.CharField(_("scorecard period"), max_length=16, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    support = models.TextField(_("support offered"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=PipOutcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    opened_by = actor_field(_("opened by"))
    activated_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = actor_field(_("closed by"))

    objects = PipQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-start_date", "-pk"]
        verbose_name = _("performance improvement plan")
        verbose_name_plural = _("performance improvement plans")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cycle"],
                condition=Q(cycle__isnull=False),
                name="one_pip_per_person_and_cycle",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=~Q(status="closed"),
                name="one_open_pip_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("pips:pip-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == PipStatus.CLOSED

    @property
    def can_extend(self) -> bool:
        from apps.pips.choices import MAX_EXTENSIONS

        return self.extensions < MAX_EXTENSIONS


class SessionQuerySet(PipQuerySet):
    owner_lookup = "pip__person"
    status_lookup = "pip__status"


class CoachingSession(VersionedModel, models.Model):
    """One weekly one-to-one coaching session of a plan."""

    pip = models.ForeignKey(
        Pip, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    scheduled_on = models.DateField(_("scheduled on"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SessionStatus.choices,
        default=SessionStatus.SCHEDULED,
        db_index=True,
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    agreed_actions = models.TextField(_("agreed actions"), blank=True)
    missed_reason = models.CharField(_("why it was missed"), max_length=500, blank=True)
    logged_by = actor_field(_("logged by"))
    logged_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    #: When the missed session was escalated to HR (once).
    escalated_at = models.DateTimeField(_("escalated to HR at"), null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["pip", "number"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        constraints = [
            models.UniqueConstraint(fields=["pip", "number"], name="one_session_per_number"),
        ]

    def __str__(self):
        return f"{self.pip.person} #{self.number} {self.scheduled_on}"

    def get_absolute_url(self):
        return reverse("pips:pip-detail", args=[self.pip_id]) + f"#session-{self.number}"
