from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.fields import VisiblePrimaryKeyRelatedField
from apps.core.permissions import is_rep
from apps.customers.models import Customer, Industry
from apps.leads.choices import (
    CompanySize,
    DecisionComplexity,
    LeadSource,
    LeadStatus,
    NeedMatch,
    TouchChannel,
)
from apps.leads.models import Lead, NurtureTouch


class OwnerField(serializers.PrimaryKeyRelatedField):
    """The owner's user id. A rep may name only themselves (a rep owns what they create;
    anyone else is a 403 naming the field); managers and admins name someone they can see,
    and the service checks they may own the lead."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return User.objects.none()
        user = request.user
        if is_rep(user):
            return User.objects.all()
        return User.objects.visible_to(user)


# --- output ---------------------------------------------------------------------------------


# Grades are documented by pattern, not enum: the schema names every A/B/C enum after one
# field (``LeadGradeEnum``), and more names for the same set would be a schema warning.
@extend_schema_field({"type": "string", "pattern": "^[ABC]$", "description": "A, B or C"})
class GradeField(serializers.CharField):
    """A lead grade: "A", "B" or "C"."""


@extend_schema_field(
    {"type": "string", "pattern": "^[ABC]?$", "description": 'A, B, C or "" (none)'}
)
class OptionalGradeField(serializers.CharField):
    """A lead grade or "" (none)."""


class LeadSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    industry_name = serializers.CharField(
        source="industry.name", read_only=True, allow_null=True, default=None
    )
    last_touch_on = serializers.DateField(read_only=True, allow_null=True, default=None)
    rubric_grade = GradeField(read_only=True)
    grade = GradeField(read_only=True)
    grade_override = OptionalGradeField(read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "company_name",
            "contact_name",
            "phone",
            "email",
            "industry",
            "industry_name",
            "company_size",
            "need_match",
            "decision_complexity",
            "source",
            "referred_by",
            "owner",
            "owner_name",
            "status",
            "disqualified_reason",
            "rubric_grade",
            "grade",
            "grade_override",
            "override_reason",
            "override_by",
            "override_at",
            "notes",
            "last_touch_on",
            "first_contacted_at",
            "converted_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class NurtureTouchSerializer(serializers.ModelSerializer):
    class Meta:
        model = NurtureTouch
        fields = ["id", "lead", "touched_on", "channel", "content", "by", "created_at"]
        read_only_fields = fields


class DuplicateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["lead", "customer"])
    id = serializers.IntegerField(allow_null=True, help_text=_("Only for records you may see."))
    name = serializers.CharField()
    matched_on = serializers.ListField(child=serializers.CharField())
    visible = serializers.BooleanField()


class DuplicateErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    confirm_duplicate = serializers.ListField(child=serializers.CharField())
    duplicates = DuplicateSerializer(many=True)


class ConversionResultSerializer(serializers.Serializer):
    lead = serializers.IntegerField()
    customer = serializers.IntegerField()
    opportunity = serializers.IntegerField()
    customer_created = serializers.BooleanField()


class ImportRowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class ImportErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ImportRowErrorSerializer(many=True)


# --- input ----------------------------------------------------------------------------------


class LeadInputSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=200)
    contact_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    company_size = serializers.ChoiceField(choices=CompanySize.choices)
    need_match = serializers.ChoiceField(choices=NeedMatch.choices)
    decision_complexity = serializers.ChoiceField(choices=DecisionComplexity.choices)
    source = serializers.ChoiceField(choices=LeadSource.choices)
    referred_by = VisiblePrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    owner = OwnerField(queryset=User.objects.none(), required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    confirm_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Save although the lead matches existing leads or customers."),
    )


class LeadUpdateSerializer(LeadInputSerializer):
    company_name = serializers.CharField(max_length=200, required=False)
    owner = OwnerField(queryset=User.objects.none(), required=False)
    company_size = serializers.ChoiceField(choices=CompanySize.choices, required=False)
    need_match = serializers.ChoiceField(choices=NeedMatch.choices, required=False)
    decision_complexity = serializers.ChoiceField(
        choices=DecisionComplexity.choices, required=False
    )
    source = serializers.ChoiceField(choices=LeadSource.choices, required=False)


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (value, label) for value, label in LeadStatus.choices if value != LeadStatus.CONVERTED
        ]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class OverrideGradeSerializer(serializers.Serializer):
    grade = OptionalGradeField(
        allow_blank=True,
        max_length=1,
        help_text=_('"A", "B" or "C"; an empty string clears the override.'),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConvertSerializer(serializers.Serializer):
    customer = VisiblePrimaryKeyRelatedField(
        queryset=Customer.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("An existing customer to link; leave out to create one from the lead."),
    )
    opportunity_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    expected_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
    )
    expected_close_on = serializers.DateField(required=False, allow_null=True, default=None)


class NurtureTouchInputSerializer(serializers.Serializer):
    touched_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=TouchChannel.choices)
    content = serializers.CharField(max_length=300)


class LeadImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A CSV or XLSX file; the header row names fields."))
