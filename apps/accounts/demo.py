"""Demo organisation: teams, managers, reps, HR and an admin with documented logins.

Names are Chinese in the Chinese demo (family name in ``last_name``, given name in
``first_name``) and in pinyin in the English one. Every rep gets a trend for the two years of
history (``context["rep_trends"]``): most are steady, some improve, some decline and one
struggles, so the dashboards show movement.
"""

import datetime
import functools
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from apps.accounts.choices import JobTitle
from apps.accounts.models import EmployeeProfile, Team, User
from apps.core.choices import Role
from apps.core.demo import words

DEMO_PASSWORD = "demo-pass-2026"

TEXT = {
    "zh-hans": {
        "teams": [
            ("华东区", "上海、江苏、浙江的企业大客户"),
            ("华北区", "北京、天津、山东的制造业客户"),
            ("华南区", "广东、福建的科技与贸易企业"),
        ],
        "family": ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"],
        "given": [
            "伟",
            "芳",
            "娜",
            "敏",
            "静",
            "磊",
            "洋",
            "杰",
            "涛",
            "慧",
            "强",
            "晓明",
            "建华",
            "丽娟",
            "志强",
            "海燕",
            "子涵",
            "俊杰",
        ],
    },
    "en": {
        "teams": [
            ("East China", "Enterprise accounts in Shanghai, Jiangsu and Zhejiang"),
            ("North China", "Manufacturing clients in Beijing, Tianjin and Shandong"),
            ("South China", "Technology and trading companies in Guangdong and Fujian"),
        ],
        "family": [
            "Wang",
            "Li",
            "Zhang",
            "Liu",
            "Chen",
            "Yang",
            "Zhao",
            "Huang",
            "Zhou",
            "Wu",
            "Xu",
            "Sun",
        ],
        "given": [
            "Wei",
            "Fang",
            "Na",
            "Min",
            "Jing",
            "Lei",
            "Yang",
            "Jie",
            "Tao",
            "Hui",
            "Qiang",
            "Xiaoming",
            "Jianhua",
            "Lijuan",
            "Zhiqiang",
            "Haiyan",
            "Zihan",
            "Junjie",
        ],
    },
}
REPS_PER_TEAM = 7
#: Trend of each rep over the two years, in rep order (rep01 improves; rep05 struggles).
REP_TRENDS = ["improving", "steady", "declining", "steady", "struggling", "improving", "steady"]
STEADY_TRENDS = ["steady", "improving", "declining", "steady", "improving", "declining", "steady"]


@functools.cache
def _password_hash() -> str:
    """Hash the shared demo password once (each hash costs ~0.5 s by design)."""
    return make_password(DEMO_PASSWORD)


def _name(rng, text: dict, taken: set) -> tuple[str, str]:
    """A (given, family) name nobody else in the demo company has."""
    while True:
        key = (rng.randrange(len(text["given"])), rng.randrange(len(text["family"])))
        if key not in taken:
            taken.add(key)
            return text["given"][key[0]], text["family"][key[1]]


def _person(rng, text, taken, username, role, team, job_title, salary, perf_pay):
    given, family = _name(rng, text, taken)
    user = User(
        username=username,
        first_name=given,
        last_name=family,
        email=f"{username}@demo.salesperf.local",
        role=role,
        team=team,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.password = _password_hash()
    user.save()
    hired = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(0, 5 * 365))
    EmployeeProfile.objects.create(
        user=user,
        job_title=job_title,
        hire_date=hired,
        monthly_base_salary=Decimal(salary),
        monthly_performance_pay=Decimal(perf_pay),
    )
    return user


def rep_trend(context: dict, rep_id: int) -> str:
    """``improving``, ``declining``, ``struggling`` or ``steady`` (reps not built here)."""
    return context.get("rep_trends", {}).get(rep_id, "steady")


def trend_factor(trend: str, progress: float) -> float:
    """How a rep's business compares with their usual pace at ``progress`` (0 = two years
    ago, 1 = today)."""
    return {
        "improving": 0.55 + 0.9 * progress,
        "declining": 1.45 - 0.9 * progress,
        "struggling": 0.45 - 0.1 * progress,
    }.get(trend, 1.0)


def build(rng: random.Random, context: dict) -> list[str]:
    """Create the people. Returns the login lines to print."""
    text = words(context, TEXT)
    taken: set = set()
    context["admin"] = _person(
        rng, text, taken, "admin", Role.ADMIN, None, JobTitle.ADMINISTRATOR, "20000.00", "0.00"
    )
    context["hr"] = _person(
        rng, text, taken, "hr", Role.HR, None, JobTitle.HR_SPECIALIST, "15000.00", "0.00"
    )
    context["teams"] = []
    context["reps"] = []
    context["managers"] = []
    context["rep_trends"] = {}
    for index, (name, description) in enumerate(text["teams"], start=1):
        team = Team.objects.create(name=name, description=description)
        manager = _person(
            rng,
            text,
            taken,
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
        trends = REP_TRENDS if index == 1 else STEADY_TRENDS
        for position in range(REPS_PER_TEAM):
            number = len(context["reps"]) + 1
            salary = Decimal(rng.randrange(8000, 14000, 500))
            rep = _person(
                rng,
                text,
                taken,
                f"rep{number:02d}",
                Role.REP,
                team,
                JobTitle.SALES_REP,
                f"{salary:.2f}",
                "5000.00",
            )
            context["reps"].append(rep)
            context["rep_trends"][rep.pk] = trends[position % len(trends)]
    return [
        f"admin / {DEMO_PASSWORD}  (admin: everything, incl. /admin/)",
        f"hr / {DEMO_PASSWORD}  (HR: all people data)",
        f"manager1..manager{len(text['teams'])} / {DEMO_PASSWORD}  (sales managers, one team each)",
        f"rep01..rep{len(context['reps']):02d} / {DEMO_PASSWORD}  (sales reps)",
    ]
