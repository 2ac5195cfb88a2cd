from decimal import Decimal

import factory

from apps.accounts.models import EmployeeProfile, Team, User
from apps.core.choices import Role

PASSWORD = "test-pass-123"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.REP
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory(
        "tests.factories.accounts.EmployeeProfileFactory", factory_related_name="user"
    )


class EmployeeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployeeProfile

    user = factory.SubFactory(UserFactory, profile=None)
    monthly_base_salary = Decimal("10000.00")
    monthly_performance_pay = Decimal("5000.00")


class RepFactory(UserFactory):
    role = Role.REP
    team = factory.SubFactory(TeamFactory)


class ManagerFactory(UserFactory):
    """A manager; pass ``manages=[team, ...]`` to make them manage those teams."""

    role = Role.MANAGER

    @factory.post_generation
    def manages(self, create, extracted, **kwargs):
        for team in extracted or []:
            team.managers.add(self)


class HRFactory(UserFactory):
    role = Role.HR


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True
