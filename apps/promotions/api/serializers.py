"""Serializers of the promotions API. Input serializers only parse; the services check the
rules (a refusal is a 400 naming the field, a decided candidacy a 409)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.promotions.models import MethodologyDocument, PromotionCandidate


class MethodologyDocumentSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = MethodologyDocument
        fields = ["title", "text", "file_name", "has_file", "submitted_at", "accepted_at"]
        read_only_fields = fields

    def get_has_file(self, document) -> bool:
        return bool(document.file)


class PromotionCandidateSerializer(serializers.ModelSerializer):
    rep = serializers.PrimaryKeyRelatedField(
        source="person", read_only=True, help_text=_("The candidate (a user id).")
    )
    document = MethodologyDocumentSerializer(
        source="document_or_none", read_only=True, allow_null=True
    )

    class Meta:
        model = PromotionCandidate
        fields = [
            "id",
            "rep",
            "year",
            "cycle",
            "grade",
            "proposed_role",
            "status",
            "status_reason",
            "decided_by",
            "decided_at",
            "document",
            "version",
        ]
        read_only_fields = fields


class SubmitSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    text = serializers.CharField(allow_blank=True, help_text=_("At least 200 characters."))
    file = serializers.FileField(
        required=False, help_text=_("Optional: PDF, DOCX, MD or TXT, at most 10 MB.")
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class DecideSerializer(serializers.Serializer):
    promoted = serializers.BooleanField()
    reason = serializers.CharField(max_length=4000, allow_blank=True)
