"""API shapes of the pipeline. Output serializers describe rows; input serializers only parse
and the services decide what is allowed. Choice querysets are scoped to the requesting user, so
an id outside the user's scope reads as "does not exist"."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.core.api.fields import VisiblePrimaryKeyRelatedField
from apps.customers.models import Customer
from apps.opportunities.choices import OpportunityKind, RiskKind, RiskStatus, Stage
from apps.opportunities.models import (
    Opportunity,
    PipelineSettings,
    Proposal,
    Risk,
    SpinNote,
    StageChange,
)
from apps.opportunities.services import SPIN_FIELDS, opportunity_credit_split

MONEY = {"max_digits": 14, "decimal_places": 2}
#: The leads app sits above this one: its model through the relation ``Opportunity.lead``.
LEAD_MODEL = Opportunity._meta.get_field("lead").related_model


class CreditRepField(VisiblePrimaryKeyRelatedField):
    """A rep who may receive credit: the view puts the choices in ``context["credit_reps"]``
    (else anyone the requesting user sees)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=User.objects.all(), **kwargs)

    def get_queryset(self):
        reps = self.context.get("credit_reps")
        return reps if reps is not None else super().get_queryset()


class OpportunityCreditSerializer(serializers.Serializer):
    rep = CreditRepField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class OpportunityCreditOutputSerializer(serializers.Serializer):
    rep = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class OpportunitySerializer(serializers.ModelSerializer):
    credits = serializers.SerializerMethodField(
        help_text=_("Credit shares; the owner holds 100% when none are stored.")
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "name",
            "customer",
            "owner",
            "lead",
            "kind",
            "stage",
            "probability",
            "expected_amount",
            "expected_close_on",
            "needs_confirmed",
            "negotiation_reached_at",
            "negotiated_price",
            "delivery_cycle_days",
            "service_terms",
            "lost_reason",
            "closed_at",
            "credits",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpportunityCreditOutputSerializer(many=True))
    def get_credits(self, obj) -> list[dict]:
        return [
            {"rep": rep_id, "percent": f"{percent:.2f}"}
            for rep_id, percent in opportunity_credit_split(obj)
        ]


class OpportunityCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    customer = VisiblePrimaryKeyRelatedField(queryset=Customer.objects.all())
    owner = VisiblePrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        help_text=_("Defaults to you. A rep always owns what they create."),
    )
    lead = VisiblePrimaryKeyRelatedField(
        queryset=LEAD_MODEL.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(
        choices=OpportunityKind.choices, default=OpportunityKind.NEW_BUSINESS
    )
    expected_amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    expected_close_on = serializers.DateField(required=False, allow_null=True)
    needs_confirmed = serializers.BooleanField(required=False, default=False)
    credits = OpportunityCreditSerializer(many=True, required=False)


class OpportunityUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    customer = VisiblePrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False)
    owner = VisiblePrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    lead = VisiblePrimaryKeyRelatedField(
        queryset=LEAD_MODEL.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=OpportunityKind.choices, required=False)
    expected_amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    expected_close_on = serializers.DateField(required=False, allow_null=True)
    needs_confirmed = serializers.BooleanField(required=False)
    negotiated_price = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    delivery_cycle_days = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    service_terms = serializers.CharField(required=False, allow_blank=True)


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    lost_reason = serializers.CharField(required=False, allow_blank=True, default="")


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "changed_by", "changed_at", "note"]
        read_only_fields = fields


class SpinNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpinNote
        fields = [
            "id",
            "opportunity",
            *SPIN_FIELDS,
            "author",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class SpinNoteUpdateSerializer(serializers.Serializer):
    situation = serializers.CharField(required=False, allow_blank=True)
    problem = serializers.CharField(required=False, allow_blank=True)
    implication = serializers.CharField(required=False, allow_blank=True)
    need_payoff = serializers.CharField(required=False, allow_blank=True)
    explicit_needs = serializers.CharField(required=False, allow_blank=True)
    implicit_needs = serializers.CharField(required=False, allow_blank=True)
    need_pain_solution = serializers.CharField(required=False, allow_blank=True)


class SpinNoteInputSerializer(SpinNoteUpdateSerializer):
    opportunity = VisiblePrimaryKeyRelatedField(queryset=Opportunity.objects.all())


class ProposalSerializer(serializers.ModelSerializer):
    roi_percent = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("(expected gain − cost) ÷ cost × 100; null when the cost is 0."),
    )
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "opportunity",
            "title",
            "features",
            "service_model",
            "cost_budget",
            "expected_gain",
            "roi_percent",
            "differentiators",
            "attachment_url",
            "review_status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "author",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_attachment_url(self, obj) -> str | None:
        if not obj.attachment:
            return None
        url = reverse("opportunities:proposal-attachment", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ProposalInputSerializer(serializers.Serializer):
    opportunity = VisiblePrimaryKeyRelatedField(queryset=Opportunity.objects.all())
    title = serializers.CharField(max_length=200)
    features = serializers.CharField(required=False, allow_blank=True, default="")
    service_model = serializers.CharField(required=False, allow_blank=True, default="")
    cost_budget = serializers.DecimalField(**MONEY)
    expected_gain = serializers.DecimalField(**MONEY)
    differentiators = serializers.CharField(required=False, allow_blank=True, default="")
    attachment = serializers.FileField(
        required=False,
        allow_null=True,
        help_text=_("pdf, docx, xlsx, pptx, png or jpg; at most 10 MB (multipart upload)."),
    )


class ProposalReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RiskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Risk
        fields = [
            "id",
            "opportunity",
            "kind",
            "description",
            "mitigation",
            "involves_legal",
            "involves_finance",
            "status",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class RiskInputSerializer(serializers.Serializer):
    opportunity = VisiblePrimaryKeyRelatedField(queryset=Opportunity.objects.all())
    kind = serializers.ChoiceField(choices=RiskKind.choices)
    description = serializers.CharField()
    mitigation = serializers.CharField(required=False, allow_blank=True, default="")
    involves_legal = serializers.BooleanField(required=False, default=False)
    involves_finance = serializers.BooleanField(required=False, default=False)
    status = serializers.ChoiceField(choices=RiskStatus.choices, default=RiskStatus.OPEN)


class RiskUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RiskKind.choices, required=False)
    description = serializers.CharField(required=False)
    mitigation = serializers.CharField(required=False, allow_blank=True)
    involves_legal = serializers.BooleanField(required=False)
    involves_finance = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)


class PipelineSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = PipelineSettings
        fields = ["solution_pre_review", "updated_at", "version"]
        read_only_fields = ["updated_at", "version"]
