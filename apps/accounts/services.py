"""Writes for people and teams. Each service validates everything first and writes nothing on
bad input: it raises a ``ValidationError`` whose keys name the offending fields."""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.choices import JobTitle
from apps.accounts.models import ApiToken, EmployeeProfile, Team, User
from apps.core.choices import Role
from apps.core.services import audit_record, audit_value, require_known_fields
from apps.core.versions import check_version

PROFILE_FIELDS = (
    "job_title",
    "hire_date",
    "monthly_base_salary",
    "monthly_performance_pay",
    "active",
)
MONEY_FIELDS = ("monthly_base_salary", "monthly_performance_pay")


def _validate_profile(profile: dict, errors: dict) -> None:
    for field in MONEY_FIELDS:
        value = profile.get(field)
        if value is None:
            continue
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            errors[field] = [_("Enter a number.")]
            continue
        if not amount.is_finite():
            errors[field] = [_("Enter a number.")]
        elif amount < 0:
            errors[field] = [_("Must not be negative.")]
    job_title = profile.get("job_title")
    if job_title is not None and job_title not in JobTitle.values:
        errors["job_title"] = [_("Unknown job title: %(value)s.") % {"value": job_title}]


def _validate_role(role: str, errors: dict) -> None:
    if role not in Role.values:
        errors["role"] = [
            _("Unknown role %(value)s: choose rep, manager, hr or admin.") % {"value": role}
        ]


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str = Role.REP,
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    profile: dict | None = None,
) -> User:
    profile = dict(profile or {})
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("A username is required.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [
            _("The username %(username)s is already taken.") % {"username": username}
        ]
    _validate_role(role, errors)
    _validate_profile(profile, errors)
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if not password:
        errors["password"] = [_("A password is required.")]
    else:
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)

    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        team=team,
        is_staff=role == Role.ADMIN,
    )
    if "job_title" not in profile:
        profile["job_title"] = _default_job_title(role)
    EmployeeProfile.objects.create(user=user, **profile)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        subject_user=user,
        changes={"role": role, "team": team.pk if team else None},
    )
    return user


def _default_job_title(role: str) -> str:
    return {
        Role.REP: JobTitle.SALES_REP,
        Role.MANAGER: JobTitle.SALES_SUPERVISOR,
        Role.HR: JobTitle.HR_SPECIALIST,
        Role.ADMIN: JobTitle.ADMINISTRATOR,
    }.get(role, JobTitle.SALES_REP)


@transaction.atomic
def user_update(
    *, actor, user: User, profile: dict | None = None, expected_version=None, **fields
) -> User:
    check_version(user, expected_version)
    allowed = {"first_name", "last_name", "email", "role", "team", "is_active"}
    require_known_fields(fields, allowed)
    profile = dict(profile or {})
    errors: dict[str, list[str]] = {}
    if "role" in fields:
        _validate_role(fields["role"], errors)
    _validate_profile(profile, errors)
    if errors:
        raise ValidationError(errors)

    changes = {}
    for name, value in fields.items():
        old = getattr(user, name)
        if old != value:
            changes[name] = [audit_value(old), audit_value(value)]
            setattr(user, name, value)
    if "role" in fields:
        user.is_staff = user.role == Role.ADMIN or user.is_superuser
    deactivated = "is_active" in changes and not user.is_active
    user.save()
    if deactivated:
        # Someone who may no longer sign in keeps no API token either.
        revoked = tokens_revoke_all(user=user)
        if revoked:
            changes["api_tokens_revoked"] = revoked
    record, _created = EmployeeProfile.objects.get_or_create(user=user)
    for name, value in profile.items():
        old = getattr(record, name)
        if old != value:
            changes[name] = [audit_value(old), audit_value(value)]
            setattr(record, name, value)
    record.full_clean()
    record.save()
    if changes:
        audit_record(
            actor=actor, action="user.update", target=user, subject_user=user, changes=changes
        )
    return user


def _validate_team(*, name: str, managers, instance: Team | None, errors: dict) -> None:
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("A team needs a name.")]
    else:
        clash = Team.objects.filter(name__iexact=name)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["name"] = [_("A team called %(name)s already exists.") % {"name": name}]
    managers = list(managers or [])
    if not managers:
        errors["managers"] = [_("A team needs at least one manager.")]
    else:
        not_managers = [str(m) for m in managers if m.role not in (Role.MANAGER, Role.ADMIN)]
        if not_managers:
            errors["managers"] = [
                _("Only people with the manager role can manage a team: %(names)s.")
                % {"names": ", ".join(not_managers)}
            ]


@transaction.atomic
def team_create(*, actor, name: str, managers, description: str = "") -> Team:
    errors: dict[str, list[str]] = {}
    _validate_team(name=name, managers=managers, instance=None, errors=errors)
    if errors:
        raise ValidationError(errors)
    team = Team.objects.create(name=name.strip(), description=description)
    team.managers.set(managers)
    audit_record(
        actor=actor,
        action="team.create",
        target=team,
        changes={"name": team.name, "managers": sorted(m.pk for m in managers)},
    )
    return team


@transaction.atomic
def team_update(
    *, actor, team: Team, name=None, managers=None, description=None, expected_version=None
) -> Team:
    check_version(team, expected_version)
    errors: dict[str, list[str]] = {}
    new_name = team.name if name is None else name
    new_managers = list(team.managers.all()) if managers is None else list(managers)
    _validate_team(name=new_name, managers=new_managers, instance=team, errors=errors)
    if errors:
        raise ValidationError(errors)
    changes = {}
    if new_name.strip() != team.name:
        changes["name"] = [team.name, new_name.strip()]
        team.name = new_name.strip()
    if description is not None and description != team.description:
        changes["description"] = [team.description, description]
        team.description = description
    team.save()
    if managers is not None:
        old = sorted(team.managers.values_list("pk", flat=True))
        new = sorted(m.pk for m in new_managers)
        if old != new:
            changes["managers"] = [old, new]
            team.managers.set(new_managers)
    if changes:
        audit_record(actor=actor, action="team.update", target=team, changes=changes)
    return team


# --- API tokens ------------------------------------------------------------------------------


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user`` (one per sign-in), valid for ``SALESPERF_TOKEN_LIFETIME_HOURS``.
    Returns the record and the key: the key is not stored, only its hash."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token_key(key),
        prefix=key[:8],
        name=(name or "")[:200],
        created_at=now,
        expires_at=now + timedelta(hours=settings.SALESPERF_TOKEN_LIFETIME_HOURS),
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke ``token`` (it stops working at once). Revoking someone else's is audited."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        if actor is not None and actor.pk != token.user_id:
            audit_record(
                actor=actor,
                action="user.token_revoke",
                target=token.user,
                subject_user=token.user,
                changes={"token": token.prefix},
            )
    return token


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user`` still in force; returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- Sign-in lockout (django-axes; apps/accounts/security.py) --------------------------------


def sign_in_failures(*, user: User) -> int:
    """Failed sign-ins under ``user``'s username that still count (within the cool-off)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=user.username, attempt_time__gte=since)
    return sum(attempts.values_list("failures_since_start", flat=True))


def sign_in_locked(*, user: User) -> bool:
    return sign_in_failures(user=user) >= settings.AXES_FAILURE_LIMIT


@transaction.atomic
def sign_in_unlock(*, actor, user: User) -> int:
    """Forget the failed sign-ins under ``user``'s username (HR or an admin unlocks them).
    Returns how many records were removed; an account that is not locked is refused."""
    attempts = AccessAttempt.objects.filter(username=user.username)
    if not attempts.exists():
        raise ValidationError(_("%(name)s has no failed sign-ins to clear.") % {"name": user})
    count, _deleted = attempts.delete()
    audit_record(
        actor=actor,
        action="user.sign_in_unlock",
        target=user,
        subject_user=user,
        changes={"failed_sign_in_records": count},
    )
    return count
