from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.activities.choices import ActivityKind
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scoping import ScopedQuerySet, visible_user_ids


class ActivityQuerySet(ScopedQuerySet):
    """Own activities, plus those logged by others on the leads, customers and opportunities
    the user owns (a manager's visit to a rep's customer shows on the rep's timeline)."""

    owner_lookup = "owner"

    def visible_q(self, user):
        ids = visible_user_ids(user)
        if ids is None:
            return None
        return (
            Q(owner__in=ids)
            | Q(customer__owner__in=ids)
            | Q(lead__owner__in=ids)
            | Q(opportunity__owner__in=ids)
        )

    def editable_by(self, user):
        """Those ``user`` may change: logged by them or by people they manage."""
        if not user.is_authenticated:
            return self.none()
        ids = visible_user_ids(user)
        return self if ids is None else self.filter(owner__in=ids)


class Activity(VersionedModel, TimeStampedModel):
    """A call, visit, meeting, demo or e-mail against a lead, customer or opportunity."""

    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    occurred_at = models.DateTimeField(_("when"))
    subject = models.CharField(_("subject"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step due"), null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["customer", "kind", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead__isnull=False)
                | Q(customer__isnull=False)
                | Q(opportunity__isnull=False),
                name="activity_has_a_subject",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"
