from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts import security, selectors
from apps.accounts.choices import JobTitle
from apps.accounts.models import Team
from apps.core.choices import Role
from apps.core.forms import Form


class ProfileFieldsMixin(Form):
    job_title = forms.ChoiceField(label=_("Job title"), choices=JobTitle.choices, required=False)
    hire_date = forms.DateField(
        label=_("Hire date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    monthly_base_salary = forms.DecimalField(
        label=_("Monthly base salary"), max_digits=12, decimal_places=2, required=False
    )
    monthly_performance_pay = forms.DecimalField(
        label=_("Monthly performance-pay standard"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )

    def profile_data(self) -> dict:
        data = {}
        for name in ("job_title", "hire_date", "monthly_base_salary", "monthly_performance_pay"):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                data[name] = value
        return data


class UserCreateForm(ProfileFieldsMixin):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.REP)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)

    field_order = [
        "username",
        "password",
        "first_name",
        "last_name",
        "email",
        "role",
        "team",
        "job_title",
        "hire_date",
        "monthly_base_salary",
        "monthly_performance_pay",
    ]


class UserUpdateForm(ProfileFieldsMixin):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    is_active = forms.BooleanField(label=_("Can sign in"), required=False)
    active = forms.BooleanField(label=_("In employment"), required=False)

    def user_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("first_name", "last_name", "email", "role", "team", "is_active")
        }

    def profile_data(self) -> dict:
        data = super().profile_data()
        data["active"] = self.cleaned_data["active"]
        return data


class TeamForm(Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"), queryset=selectors.managers_for_choice(), required=False
    )


class SignInForm(AuthenticationForm):
    """The login form. A wrong password and an unknown username get the same answer; once
    django-axes has locked the account or the address, the lockout message (the same whether the
    account exists or not), even for the right password."""

    def get_invalid_login_error(self):
        if security.is_locked_out(self.request):
            return ValidationError(security.lockout_message(), code="locked_out")
        return super().get_invalid_login_error()
