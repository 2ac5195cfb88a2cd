from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.choices import JobTitle
from apps.accounts.models import ApiToken, EmployeeProfile, Team, User
from apps.core.choices import Role

PAY_FIELDS = ("monthly_base_salary", "monthly_performance_pay")


class EmployeeProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmployeeProfile
        fields = [
            "job_title",
            "hire_date",
            "monthly_base_salary",
            "monthly_performance_pay",
            "active",
            "version",
        ]


class UserSerializer(serializers.ModelSerializer):
    profile = EmployeeProfileSerializer(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "team",
            "is_active",
            "profile",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        viewer = self.context["request"].user
        if data.get("profile") and not (viewer.sees_everything or viewer.pk == instance.pk):
            for field in PAY_FIELDS:
                data["profile"].pop(field, None)
        return data


class UserCreateSerializer(serializers.Serializer):
    """Input for POST /api/v1/users/. Uniqueness and password rules are checked by the service."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    role = serializers.ChoiceField(choices=Role.choices, default=Role.REP)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True)
    job_title = serializers.ChoiceField(choices=JobTitle.choices, required=False)
    hire_date = serializers.DateField(required=False, allow_null=True)
    monthly_base_salary = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    monthly_performance_pay = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False
    )

    def validate_monthly_base_salary(self, value):
        if value < 0:
            raise serializers.ValidationError(_("Must not be negative."))
        return value

    def validate_monthly_performance_pay(self, value):
        if value < 0:
            raise serializers.ValidationError(_("Must not be negative."))
        return value


class UserUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)
    job_title = serializers.ChoiceField(choices=JobTitle.choices, required=False)
    hire_date = serializers.DateField(required=False, allow_null=True)
    monthly_base_salary = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    monthly_performance_pay = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False
    )
    active = serializers.BooleanField(required=False)

    validate_monthly_base_salary = UserCreateSerializer.validate_monthly_base_salary
    validate_monthly_performance_pay = UserCreateSerializer.validate_monthly_performance_pay


PROFILE_INPUT_FIELDS = (
    "job_title",
    "hire_date",
    "monthly_base_salary",
    "monthly_performance_pay",
    "active",
)


def split_profile(data: dict) -> tuple[dict, dict]:
    """Split validated input into (user fields, profile fields)."""
    user_fields = {k: v for k, v in data.items() if k not in PROFILE_INPUT_FIELDS}
    profile = {k: v for k, v in data.items() if k in PROFILE_INPUT_FIELDS}
    return user_fields, profile


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "description", "managers", "members", "created_at", "version"]
        read_only_fields = ["id", "members", "created_at", "version"]


class TeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    managers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False, default=list
    )


class TeamUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    managers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False
    )


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as Authorization: Token <token>."))
    expires_at = serializers.DateTimeField(help_text=_("When the token stops working."))


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner (or HR/an admin) sees it: never the key, only its first characters."""

    current = serializers.SerializerMethodField(
        help_text=_("Whether this request was made with this token.")
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "user",
            "prefix",
            "name",
            "created_at",
            "expires_at",
            "last_used_at",
            "current",
        ]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk
