from django.contrib import admin

from apps.training.models import TrainingProposal, TrainingSettings


@admin.register(TrainingProposal)
class TrainingProposalAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "title", "team", "person", "skill", "status")
    list_filter = ("kind", "status", "skill")
    raw_id_fields = ("team", "person", "mentor", "participants", "replaced_by")
    readonly_fields = ("version",)


@admin.register(TrainingSettings)
class TrainingSettingsAdmin(admin.ModelAdmin):
    list_display = ("pk", "weak_score", "kpi_gap_score", "workshop_share", "version")
    readonly_fields = ("version",)
