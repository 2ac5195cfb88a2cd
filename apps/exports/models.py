"""The log of every export HR and admins download (who, what, filters, rows, when)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import ScopedQuerySet


class ExportLogQuerySet(ScopedQuerySet):
    owner_lookup = "user"


class ExportLog(models.Model):
    """One download of a dataset. Written once, never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dataset = models.CharField(_("data"), max_length=32)
    file_format = models.CharField(_("file format"), max_length=8)
    #: The filters as asked for: ``{"team": 3, "year": 2026}`` (ids for records).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    #: The same filters as people read them: "Team: Alpha · Year: 2026".
    summary = models.TextField(_("filters applied"), blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)

    objects = ExportLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("export log")

    def __str__(self):
        return f"{self.dataset}.{self.file_format} {self.created_at:%Y-%m-%d %H:%M}"
