"""Serializers of the grades API. Input serializers only parse; the services check the rules
(a refusal is a 400 naming the field, a locked grade a 409)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.grades.choices import Grade
from apps.grades.models import AnnualGrade
from apps.grades.selectors import annual_cycles


class AnnualGradeSerializer(serializers.ModelSerializer):
    rep = serializers.PrimaryKeyRelatedField(
        source="person", read_only=True, help_text=_("The person graded (a user id).")
    )
    group = serializers.CharField(
        source="group_key",
        read_only=True,
        help_text=_('The calibration group: "company" or "team:<team id>".'),
    )
    group_label = serializers.CharField(read_only=True)
    # One enum component for the grade (``grade``); the proposal is the same A/B/C.
    proposed_grade = serializers.CharField(
        read_only=True, help_text=_("The grade by rank: A, B or C.")
    )

    class Meta:
        model = AnnualGrade
        fields = [
            "id",
            "rep",
            "year",
            "cycle",
            "group",
            "group_label",
            "group_size",
            "rank",
            "score",
            "quantitative_score",
            "qualitative_score",
            "proposed_grade",
            "grade",
            "calibrated_by",
            "calibrated_at",
            "reason",
            "finalised",
            "finalised_at",
            "version",
        ]
        read_only_fields = fields


class CalibrateSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        help_text=_("Required: why the grade differs from the proposal."),
    )


class CycleSerializer(serializers.Serializer):
    cycle = serializers.PrimaryKeyRelatedField(
        queryset=annual_cycles(), help_text=_("An annual review cycle (id).")
    )


class ReopenSerializer(CycleSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class CycleResultSerializer(serializers.Serializer):
    cycle = serializers.IntegerField()
    changed = serializers.IntegerField(help_text=_("How many grades the action changed."))
    grades = serializers.IntegerField(help_text=_("How many grades the cycle has."))
    finalised = serializers.BooleanField()
