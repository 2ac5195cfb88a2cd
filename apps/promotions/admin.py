from django.contrib import admin

from apps.promotions.models import MethodologyDocument, PromotionCandidate


@admin.register(PromotionCandidate)
class PromotionCandidateAdmin(admin.ModelAdmin):
    list_display = ["person", "year", "proposed_role", "status"]
    list_filter = ["year", "status"]
    readonly_fields = ["version", "status", "decided_by", "decided_at"]


@admin.register(MethodologyDocument)
class MethodologyDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "candidate", "submitted_at", "accepted_at"]
    readonly_fields = ["version", "submitted_at", "accepted_at", "accepted_by"]
