"""Serializers of the PIP API. Input serializers only parse; the services check the rules (a
refusal is a 400 naming the field, a closed plan a 409)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User
from apps.pips.choices import PipOutcome
from apps.pips.models import CoachingSession, Pip


class CoachingSessionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=_("scheduled, held or missed."))

    class Meta:
        model = CoachingSession
        fields = [
            "id",
            "number",
            "scheduled_on",
            "status",
            "held_on",
            "notes",
            "agreed_actions",
            "missed_reason",
            "logged_by",
            "logged_at",
            "escalated_at",
            "version",
        ]
        read_only_fields = fields


class PipSerializer(serializers.ModelSerializer):
    # Plain strings (one enum per choice set is documented by the input serializers).
    status = serializers.CharField(read_only=True, help_text=_("proposed, active or closed."))
    outcome = serializers.CharField(
        read_only=True, help_text=_('passed or failed once closed; "" before.')
    )
    sessions = CoachingSessionSerializer(many=True, read_only=True)

    class Meta:
        model = Pip
        fields = [
            "id",
            "person",
            "manager",
            "grade",
            "cycle",
            "status",
            "weak_kpis",
            "weak_kpis_period",
            "goals",
            "support",
            "start_date",
            "end_date",
            "extensions",
            "outcome",
            "outcome_note",
            "activated_at",
            "closed_at",
            "sessions",
            "version",
        ]
        read_only_fields = fields


class PipOpenSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text=_("The person (a user id).")
    )
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False)


class PipCompleteSerializer(serializers.Serializer):
    goals = serializers.CharField(max_length=4000, allow_blank=True)
    support = serializers.CharField(max_length=4000, allow_blank=True)
    start_date = serializers.DateField(allow_null=True, help_text=_("A working day."))


class SessionLogSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, help_text=_("The session's number."))
    held_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField(max_length=4000, allow_blank=True)
    agreed_actions = serializers.CharField(max_length=4000, allow_blank=True)


class SessionMissedSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, help_text=_("The session's number."))
    reason = serializers.CharField(max_length=500, allow_blank=True, required=False)


class PipOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PipOutcome.choices)
    note = serializers.CharField(max_length=4000, allow_blank=True, required=False)
