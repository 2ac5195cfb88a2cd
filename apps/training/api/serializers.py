"""Serializers of the training proposal API. Input serializers only parse; the services check
the rules (a refusal is a 400 naming the field, a done or declined proposal a 409)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.training.models import TrainingProposal


class TrainingProposalSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_("team_workshop or individual."))
    status = serializers.CharField(
        read_only=True, help_text=_("proposed, accepted, scheduled, done or declined.")
    )
    skill = serializers.CharField(read_only=True, help_text=_("The skill code."))
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = TrainingProposal
        fields = [
            "id",
            "kind",
            "team",
            "person",
            "skill",
            "title",
            "courses",
            "mentor",
            "reason",
            "participants",
            "status",
            "scheduled_on",
            "location",
            "done_on",
            "decline_reason",
            "replaced_by",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class ScheduleSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True, help_text=_("The day of the training."))
    location = serializers.CharField(
        max_length=300, allow_blank=True, help_text=_("The place or the online link.")
    )


class DoneSerializer(serializers.Serializer):
    done_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("The day it was done (default today).")
    )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class GenerateResultSerializer(serializers.Serializer):
    workshops = serializers.IntegerField()
    individual = serializers.IntegerField()
    replaced = serializers.IntegerField()
