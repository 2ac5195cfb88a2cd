from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import VersionedModel
from apps.core.scoping import ScopedQuerySet, sees_everything
from apps.reminders.choices import ExceptionKind, ReminderStatus


class OrganisationWideQuerySet(ScopedQuerySet):
    """Configuration rows: HR and admin only."""

    def visible_to(self, user):
        return self if sees_everything(user) else self.none()


class CalendarException(models.Model):
    """A day the country's calendar gets wrong for us: an extra holiday or a make-up working
    day (China moves working days around its public holidays)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ExceptionKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationWideQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class ReminderRule(VersionedModel, models.Model):
    """The switch and parameters of one rule class (``apps.reminders.rules``)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    enabled = models.BooleanField(_("switched on"), default=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OrganisationWideQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self):
        return str(self.definition.name) if self.definition else self.code

    @property
    def definition(self):
        from apps.reminders.rules import registry

        return registry.get(self.code)

    def param_rows(self) -> list[tuple[str, str]]:
        """(label, value) of each editable parameter, for display."""
        definition = self.definition
        if definition is None:
            return []
        values = self.effective_params()
        return [
            (spec.label, spec.display(values.get(name, "")))
            for name, spec in definition.params.items()
        ]

    def effective_params(self) -> dict:
        definition = self.definition
        merged = dict(definition.defaults) if definition else {}
        merged.update(self.params or {})
        return merged


class OwnQuerySet(ScopedQuerySet):
    """Personal rows: everyone (HR and admin included) sees only their own."""

    def visible_q(self, user):
        return Q(**{self.owner_lookup: user})


class ReminderQuerySet(OwnQuerySet):
    owner_lookup = "recipient"

    def in_inbox(self):
        return self.filter(in_inbox=True)

    def open(self):
        return self.filter(status=ReminderStatus.OPEN)


class Reminder(models.Model):
    """One reminder for one person. Its natural key (rule, record, recipient, due date, level)
    is a database constraint: running a rule twice, or twice at once, cannot duplicate it."""

    rule = models.ForeignKey(
        ReminderRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="reminders"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    due_on = models.DateField(_("due on"), db_index=True)
    #: 0 = the owner; 1 = escalated to the owner's managers.
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    #: Values the rule's title is built from (so the title follows the reader's language).
    details = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReminderStatus.choices,
        default=ReminderStatus.OPEN,
        db_index=True,
    )
    #: Delivery choices of the recipient when the reminder was made (their preferences).
    in_inbox = models.BooleanField(_("in inbox"), default=True)
    by_email = models.BooleanField(_("by e-mail"), default=True)
    digest = models.BooleanField(_("in daily digest"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    #: Set when a worker claims the e-mail; a claimed e-mail is never sent again.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    #: The run that created the row (a run counts exactly what it inserted).
    run = models.ForeignKey(
        "RuleRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "recipient", "due_on", "level"],
                name="reminder_natural_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "status", "due_on"]),
            models.Index(fields=["rule", "status"]),
        ]

    def __str__(self):
        return str(self.title)

    @property
    def title(self) -> str:
        definition = self.rule.definition
        if definition is None:
            return self.rule.code
        return definition.title(self.details or {}, self.level)

    @property
    def is_open(self) -> bool:
        return self.status == ReminderStatus.OPEN


class NotificationPreference(VersionedModel, models.Model):
    """How one person wants one rule's reminders: in the inbox, by e-mail, both or neither."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="preferences")
    inbox = models.BooleanField(_("inbox"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)

    objects = type("PreferenceQuerySet", (OwnQuerySet,), {"owner_lookup": "user"}).as_manager()

    class Meta:
        ordering = ["rule__code"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "rule"], name="one_preference_per_rule")
        ]

    def __str__(self):
        return f"{self.user} {self.rule.code}"


class DigestPreference(VersionedModel, models.Model):
    """A person who wants one e-mail a day with the day's new reminders instead of one each."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digest"
    )
    digest = models.BooleanField(_("daily digest"), default=False)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self):
        return f"{self.user} digest={self.digest}"


class DigestSent(models.Model):
    """The claim on one person's digest of one day: the unique key makes it once only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_and_day")
        ]

    def __str__(self):
        return f"{self.user} {self.day}"


class RuleRun(models.Model):
    """What one run of one rule did."""

    rule = models.ForeignKey(
        ReminderRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="runs"
    )
    run_for = models.DateField(_("run for"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    emailed = models.PositiveIntegerField(_("e-mailed"), default=0)
    skipped = models.BooleanField(_("skipped (switched off)"), default=False)
    error = models.TextField(_("error"), blank=True)

    objects = OrganisationWideQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")

    def __str__(self):
        return f"{self.rule.code} {self.started_at:%Y-%m-%d %H:%M}"


class JobLock(models.Model):
    """A named lock with an expiry, held in the database so every process sees it (one beat
    schedule run at a time, whichever process or host asks)."""

    name = models.CharField(max_length=64, unique=True)
    token = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self):
        return self.name
