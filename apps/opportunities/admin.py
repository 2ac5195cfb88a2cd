from django.contrib import admin

from apps.opportunities import services
from apps.opportunities.models import (
    Opportunity,
    OpportunityCredit,
    PipelineSettings,
    Proposal,
    Risk,
    SpinNote,
    StageChange,
)


class ReadOnlyInline(admin.TabularInline):
    """Credits and stage history change through the services (validated and audited)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OpportunityCreditInline(ReadOnlyInline):
    model = OpportunityCredit


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    readonly_fields = ("from_stage", "to_stage", "changed_by", "changed_at", "note")


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "customer",
        "owner",
        "kind",
        "stage",
        "probability",
        "expected_amount",
        "created_at",
    )
    list_filter = ("stage", "kind", "needs_confirmed", "owner__team")
    list_select_related = ("customer", "owner")
    search_fields = ("name", "customer__name", "owner__username")
    date_hierarchy = "created_at"
    raw_id_fields = ("customer", "lead")
    autocomplete_fields = ("owner",)
    #: Stages move through opportunity_move (history, probability, pre-review gate).
    readonly_fields = (
        "stage",
        "probability",
        "negotiation_reached_at",
        "closed_at",
        "created_at",
        "updated_at",
    )
    inlines = [OpportunityCreditInline, StageChangeInline]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("opportunity", "from_stage", "to_stage", "changed_by", "changed_at")
    list_filter = ("to_stage",)
    list_select_related = ("opportunity", "changed_by")
    search_fields = ("opportunity__name",)
    raw_id_fields = ("opportunity", "changed_by")


@admin.register(SpinNote)
class SpinNoteAdmin(admin.ModelAdmin):
    list_display = ("opportunity", "author", "created_at")
    list_select_related = ("opportunity", "author")
    search_fields = ("opportunity__name", "situation", "problem")
    raw_id_fields = ("opportunity", "author")


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "opportunity",
        "cost_budget",
        "expected_gain",
        "roi_percent",
        "review_status",
        "reviewed_by",
    )
    list_filter = ("review_status",)
    list_select_related = ("opportunity", "reviewed_by")
    search_fields = ("title", "opportunity__name")
    raw_id_fields = ("opportunity", "author", "reviewed_by")


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ("opportunity", "kind", "status", "involves_legal", "involves_finance")
    list_filter = ("kind", "status", "involves_legal", "involves_finance")
    list_select_related = ("opportunity",)
    search_fields = ("opportunity__name", "description")
    raw_id_fields = ("opportunity",)


@admin.register(PipelineSettings)
class PipelineSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "solution_pre_review", "updated_at")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.pipeline_settings_update(
            actor=request.user, solution_pre_review=obj.solution_pre_review
        )

    def has_delete_permission(self, request, obj=None):
        return False
