from rest_framework import serializers

from apps.exports.models import ExportLog


class ExportLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExportLog
        fields = ["id", "user", "dataset", "file_format", "filters", "summary", "row_count"]
        fields += ["created_at"]
        read_only_fields = fields
