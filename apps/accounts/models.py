import re
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import JobTitle
from apps.core.choices import Role
from apps.core.models import TimeStampedModel, VersionedModel
from apps.core.scoping import ScopedQuerySet, sees_everything

#: A character of the CJK Unified Ideographs block: the name is written in Chinese.
CJK = re.compile(r"[\u4e00-\u9fff]")


class UserQuerySet(ScopedQuerySet):
    owner_lookup = "pk"

    def reps(self):
        return self.filter(role=Role.REP)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(VersionedModel, AbstractUser):
    """A person who signs in. Their role decides what they may see and do (SPEC §0)."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.REP)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The team this person works in."),
    )

    objects = ScopedUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Chinese names as Chinese write them — family name first, no space (王伟); other
        names given name first (Wei Wang)."""
        if CJK.search(f"{self.last_name}{self.first_name}"):
            return f"{self.last_name}{self.first_name}".strip()
        return super().get_full_name()

    @property
    def sees_everything(self) -> bool:
        return sees_everything(self)

    @property
    def is_rep(self) -> bool:
        return self.role == Role.REP

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER


class TeamQuerySet(ScopedQuerySet):
    def visible_q(self, user):
        if sees_everything(user):
            return None
        q = Q(members=user)
        if user.role == Role.MANAGER:
            q |= Q(managers=user)
        return Q(pk__in=Team.objects.filter(q).values("pk"))


class Team(VersionedModel, TimeStampedModel):
    """A sales team: one or more managers and the people who work in it."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    managers = models.ManyToManyField(
        User, verbose_name=_("managers"), related_name="managed_teams"
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class EmployeeProfileQuerySet(ScopedQuerySet):
    owner_lookup = "user"


class EmployeeProfile(VersionedModel, TimeStampedModel):
    """Employment facts that pay and reviews need."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    job_title = models.CharField(
        _("job title"), max_length=32, choices=JobTitle.choices, default=JobTitle.SALES_REP
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    monthly_base_salary = models.DecimalField(
        _("monthly base salary"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    monthly_performance_pay = models.DecimalField(
        _("monthly performance-pay standard"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("P: the monthly performance pay at a score of 100."),
    )
    active = models.BooleanField(
        _("in employment"),
        default=True,
        help_text=_("People who have left stay for history but are no longer scored."),
    )

    objects = EmployeeProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee profile")
        verbose_name_plural = _("employee profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_base_salary__gte=0), name="profile_salary_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(monthly_performance_pay__gte=0),
                name="profile_performance_pay_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_job_title_display()})"


class ApiTokenQuerySet(models.QuerySet):
    def visible_q(self, user):
        """Everyone sees their own tokens; HR and admins see everyone's (they may revoke them).
        Managers do not see their team's: a token is a key, not a sales record."""
        if sees_everything(user):
            return None
        return Q(user=user)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        q = self.visible_q(user)
        return self if q is None else self.filter(q)

    def active(self, at=None):
        """Neither revoked nor expired (at ``at``, default now)."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=at)


class ApiToken(models.Model):
    """An API token (header ``Authorization: Token <key>``). Only a hash of the key is stored;
    the key is shown once, when the token is made at sign-in. It stops working when it expires
    (``SALESPERF_TOKEN_LIFETIME_HOURS`` after sign-in) or is revoked."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("key prefix"), max_length=8, help_text=_("The first characters of the key.")
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("The client that signed in.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
