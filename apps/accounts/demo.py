"""Demo organisation: teams, managers, reps, HR and an admin with documented logins."""

import datetime
import functools
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from apps.accounts.choices import JobTitle
from apps.accounts.models import EmployeeProfile, Team, User
from apps.core.choices import Role

DEMO_PASSWORD = "demo-pass-2026"

TEAMS = [
    ("East China", "Shanghai and Jiangsu enterprise accounts"),
    ("North China", "Beijing and Tianjin manufacturing clients"),
    ("South China", "Guangdong and Shenzhen technology companies"),
]
FAMILY_NAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"]
GIVEN_NAMES = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Jie", "Tao", "Hui", "Qiang"]
REPS_PER_TEAM = 7


@functools.cache
def _password_hash() -> str:
    """Hash the shared demo password once (each hash costs ~0.5 s by design)."""
    return make_password(DEMO_PASSWORD)


def _person(rng, username, role, team, job_title, salary, perf_pay):
    user = User(
        username=username,
        first_name=rng.choice(GIVEN_NAMES),
        last_name=rng.choice(FAMILY_NAMES),
        email=f"{username}@demo.salesperf.local",
        role=role,
        team=team,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.password = _password_hash()
    user.save()
    hired = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(0, 5 * 365))
    EmployeeProfile.objects.create(
        user=user,
        job_title=job_title,
        hire_date=hired,
        monthly_base_salary=Decimal(salary),
        monthly_performance_pay=Decimal(perf_pay),
    )
    return user


def build(rng: random.Random, context: dict) -> list[str]:
    """Create the people. Returns the login lines to print."""
    context["admin"] = _person(
        rng, "admin", Role.ADMIN, None, JobTitle.ADMINISTRATOR, "20000.00", "0.00"
    )
    context["hr"] = _person(rng, "hr", Role.HR, None, JobTitle.HR_SPECIALIST, "15000.00", "0.00")
    context["teams"] = []
    context["reps"] = []
    context["managers"] = []
    for index, (name, description) in enumerate(TEAMS, start=1):
        team = Team.objects.create(name=name, description=description)
        manager = _person(
            rng,
            f"manager{index}",
            Role.MANAGER,
            team,
            JobTitle.SALES_SUPERVISOR,
            "18000.00",
            "8000.00",
        )
        team.managers.add(manager)
        context["teams"].append(team)
        context["managers"].append(manager)
        for _ in range(REPS_PER_TEAM):
            number = len(context["reps"]) + 1
            salary = Decimal(rng.randrange(8000, 14000, 500))
            context["reps"].append(
                _person(
                    rng,
                    f"rep{number:02d}",
                    Role.REP,
                    team,
                    JobTitle.SALES_REP,
                    f"{salary:.2f}",
                    "5000.00",
                )
            )
    return [
        f"admin / {DEMO_PASSWORD}  (admin: everything, incl. /admin/)",
        f"hr / {DEMO_PASSWORD}  (HR: all people data)",
        f"manager1..manager{len(TEAMS)} / {DEMO_PASSWORD}  (sales managers, one team each)",
        f"rep01..rep{len(context['reps']):02d} / {DEMO_PASSWORD}  (sales reps)",
    ]
