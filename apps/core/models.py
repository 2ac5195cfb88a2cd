from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet


def actor_field(verbose_name, *, related_name="+", **options) -> models.ForeignKey:
    """The optional "who did it" user of a record (``created_by``, ``closed_by`` …).

    Nullable and blank, and set to NULL when the user is deleted, so the record outlives
    its author. Without a ``related_name`` there is no reverse accessor on the user. Any
    other field option (``help_text``, ``db_index`` …) is passed through; a declaration
    that is not null/blank/SET_NULL should stay a plain ``ForeignKey``.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        **options,
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """An editable record that carries a ``version`` against lost updates.

    Every save of an existing row raises ``version`` by one in the same UPDATE
    (``version = version + 1``, read back from the database); a writer that read an older
    version is refused by :func:`apps.core.versions.check_version`.
    """

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        # Rows inserted by raw SQL (bulk loads, the KPI benchmark) start at 1 too.
        db_default=1,
        editable=False,
        help_text=_("Raised by one on every save; an edit based on an older one is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if (
            self._state.adding
            or self.pk is None
            or kwargs.get("force_insert")
            or (update_fields is not None and not update_fields)
        ):
            return super().save(*args, **kwargs)
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        before = self.__dict__.get("version")
        self.version = models.F("version") + 1
        try:
            return super().save(*args, **kwargs)
        except BaseException:
            if before is None:
                self.__dict__.pop("version", None)  # deferred: read again when needed
            else:
                self.version = before
            raise


class AuditEntryQuerySet(ScopedQuerySet):
    owner_lookup = "subject_user"

    def visible_q(self, user):
        q = super().visible_q(user)
        return q if q is None else q | models.Q(actor=user)

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEntry(models.Model):
    """One change to something that matters (money, grades, scores, permissions)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = actor_field(_("actor"), related_name="audit_entries_made")
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    #: The person the record belongs to, for scoping who may read the entry.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concerns"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries_about",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in words ("Customer created"), for pages; ``action`` stays the code."""
        from apps.core.audit_labels import action_label

        return action_label(self.action)


class Heartbeat(models.Model):
    """The scheduler's pulse: the periodic task ``core.heartbeat`` updates the single row."""

    name = models.CharField(max_length=32, unique=True)
    beat_at = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
