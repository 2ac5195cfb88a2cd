"""Training proposals and settings in the admin: read only (they change through the services,
which check the rules and the version and write the audit log)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.training.models import TrainingProposal, TrainingSettings


@admin.register(TrainingProposal)
class TrainingProposalAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "title", "team", "person", "skill", "status")
    list_filter = ("kind", "status", "skill")
    raw_id_fields = ("team", "person", "mentor", "participants", "replaced_by")
    readonly_fields = ("version",)


@admin.register(TrainingSettings)
class TrainingSettingsAdmin(ReadOnlyAdmin):
    list_display = ("pk", "weak_score", "kpi_gap_score", "workshop_share", "version")
    readonly_fields = ("version",)
