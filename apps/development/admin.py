from django.contrib import admin

from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase


@admin.register(CollaborationRating)
class CollaborationRatingAdmin(admin.ModelAdmin):
    list_display = (
        "period_key",
        "rated",
        "rater",
        "rater_role",
        "cross_department",
        "knowledge_sharing",
    )
    list_filter = ("period_key", "rater_role")
    list_select_related = ("rated", "rater")
    raw_id_fields = ("rated", "rater")
    readonly_fields = ("rater_role",)


@admin.register(LearningEntry)
class LearningEntryAdmin(admin.ModelAdmin):
    list_display = ("on", "rep", "kind", "skill", "title", "score")
    list_filter = ("kind", "skill")
    search_fields = ("title", "evidence", "rep__username", "rep__last_name")
    date_hierarchy = "on"
    list_select_related = ("rep",)
    raw_id_fields = ("rep",)


@admin.register(CapabilityGoal)
class CapabilityGoalAdmin(admin.ModelAdmin):
    list_display = ("year", "rep", "title", "progress")
    list_filter = ("year",)
    list_select_related = ("rep",)
    raw_id_fields = ("rep", "set_by")


@admin.register(SalesCase)
class SalesCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "author", "team", "meeting_on", "tags")
    list_filter = ("kind", "team")
    search_fields = ("title", "summary", "lessons", "tags")
    list_select_related = ("author", "team")
    raw_id_fields = ("author",)
