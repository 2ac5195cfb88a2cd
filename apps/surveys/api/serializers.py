"""The staff side of the survey API. A token or its hash never appears: a link is answered
once, by the issue-link action."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.surveys.models import Survey
from apps.surveys.services import MAX_DAYS_VALID


class SurveySerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    link_active = serializers.SerializerMethodField(
        help_text=_("A link has been sent and can still be answered.")
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "rep",
            "customer",
            "customer_name",
            "period_key",
            "language",
            "status",
            "link_active",
            "link_issued_at",
            "expires_at",
            "solution_fit",
            "response_speed",
            "problem_resolution",
            "weight_solution_fit",
            "weight_response_speed",
            "weight_problem_resolution",
            "score",
            "comment",
            "respondent",
            "channel",
            "answered_at",
            "recorded_by",
            "cancel_reason",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_link_active(self, obj) -> bool:
        return bool(obj.token_hash) and obj.status == "pending"


class IssueLinkSerializer(serializers.Serializer):
    days_valid = serializers.IntegerField(
        required=False, default=14, min_value=1, max_value=MAX_DAYS_VALID
    )


class IssuedLinkSerializer(serializers.Serializer):
    link = serializers.URLField(help_text=_("The one-time link: shown only in this answer."))
    expires_at = serializers.DateTimeField()
    survey = SurveySerializer()


class InterviewSerializer(serializers.Serializer):
    solution_fit = serializers.IntegerField(min_value=0, max_value=100)
    response_speed = serializers.IntegerField(min_value=0, max_value=100)
    problem_resolution = serializers.IntegerField(min_value=0, max_value=100)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    respondent = serializers.CharField(required=False, allow_blank=True, max_length=120)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
