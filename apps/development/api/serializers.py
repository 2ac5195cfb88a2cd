from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import Team, User
from apps.development import calculations
from apps.development.choices import CaseKind, LearningKind, Skill
from apps.development.models import CollaborationRating, LearningEntry, SalesCase


class CollaborationRatingSerializer(serializers.ModelSerializer):
    rated_name = serializers.CharField(source="rated.__str__", read_only=True)
    rater_name = serializers.CharField(source="rater.__str__", read_only=True)
    rating = serializers.SerializerMethodField(help_text=_("The mean of both dimensions (1–5)."))

    class Meta:
        model = CollaborationRating
        fields = [
            "id",
            "rated",
            "rated_name",
            "rater",
            "rater_name",
            "rater_role",
            "period_key",
            "cross_department",
            "knowledge_sharing",
            "rating",
            "comment",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_rating(self, obj) -> str:
        return str(calculations.rating_value(obj.cross_department, obj.knowledge_sharing))


class RatingUpdateSerializer(serializers.Serializer):
    cross_department = serializers.IntegerField(required=False)
    knowledge_sharing = serializers.IntegerField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True)


class RatingInputSerializer(RatingUpdateSerializer):
    rated = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    period_key = serializers.CharField(required=False, allow_blank=True, max_length=16)
    cross_department = serializers.IntegerField()
    knowledge_sharing = serializers.IntegerField()


class LearningEntrySerializer(serializers.ModelSerializer):
    rep_name = serializers.CharField(source="rep.__str__", read_only=True)

    class Meta:
        model = LearningEntry
        fields = [
            "id",
            "rep",
            "rep_name",
            "kind",
            "skill",
            "title",
            "on",
            "score",
            "hours",
            "evidence",
            "notes",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class LearningUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LearningKind.choices, required=False)
    skill = serializers.ChoiceField(choices=Skill.choices, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    on = serializers.DateField(required=False)
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, allow_null=True
    )
    evidence = serializers.CharField(max_length=500, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class LearningInputSerializer(LearningUpdateSerializer):
    kind = serializers.ChoiceField(choices=LearningKind.choices)
    title = serializers.CharField(max_length=200, allow_blank=True)
    on = serializers.DateField()
    evidence = serializers.CharField(max_length=500, allow_blank=True)


class SalesCaseSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True, default=None)
    tag_list = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = SalesCase
        fields = [
            "id",
            "kind",
            "title",
            "summary",
            "lessons",
            "tags",
            "tag_list",
            "meeting_on",
            "team",
            "author",
            "author_name",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class CaseUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    lessons = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.CharField(max_length=300, required=False, allow_blank=True)
    meeting_on = serializers.DateField(required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )


class CaseInputSerializer(CaseUpdateSerializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    title = serializers.CharField(max_length=200, allow_blank=True)
    summary = serializers.CharField(allow_blank=True)
    lessons = serializers.CharField(allow_blank=True)
