from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.reminders.models import Reminder


class ReminderSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    record_type = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "rule",
            "rule_name",
            "title",
            "record_type",
            "object_id",
            "link",
            "due_on",
            "level",
            "status",
            "read_at",
            "done_at",
            "closed_at",
            "emailed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_rule_name(self, obj) -> str:
        definition = obj.rule.definition
        return str(definition.name) if definition else obj.rule.code

    def get_record_type(self, obj) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class RulePreferenceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(read_only=True)
    inbox = serializers.BooleanField()
    email = serializers.BooleanField()


# One user's settings, not a list of them (the route is a viewset's ``list``).
@extend_schema_serializer(many=False)
class PreferencesSerializer(serializers.Serializer):
    digest = serializers.BooleanField()
    rules = RulePreferenceSerializer(many=True)
    #: One version for the rule rows and the digest together (also the ``ETag``).
    version = serializers.IntegerField(read_only=True)


class PreferencesInputSerializer(serializers.Serializer):
    """Only what is sent changes: rules left out keep their choice, ``digest`` left out too."""

    digest = serializers.BooleanField(required=False)
    rules = RulePreferenceSerializer(many=True, required=False)
