"""Demo improvement plan (run after ``apps.grades.demo.build``, before
``apps.reminders.demo.build``): a running plan for a rep graded C in last year's annual cycle,
started about six weeks ago, with its past weekly sessions logged and the next ones upcoming.

When last year's grades have no finalised C, a plan is opened by hand for the rep with the
weakest year score so the pages still show a running plan."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.demo import words
from apps.grades.choices import Grade
from apps.grades.models import AnnualGrade
from apps.performance.choices import Kpi
from apps.pips import selectors, services
from apps.pips.choices import PipStatus, SessionStatus
from apps.pips.models import Pip
from apps.reminders.calendar import load_calendar

KPI_LABELS = dict(Kpi.choices)

TEXT = {
    "zh-hans": {
        "goal": "{kpi}：三个月内从 {score} 分提升到 80 分以上。",
        "goal_extra": "每周跟进逾期应收款，每月新增 2 家有效客户。",
        "support": "每周一对一辅导；主管陪同拜访两家重点客户；参加谈判技巧培训。",
        "notes": [
            "梳理了逾期应收款清单，确定前三大客户的催款顺序。",
            "复盘了上周的客户拜访，讨论了如何提问挖掘需求。",
            "一起准备了一场产品演示，演练了价格异议的应对。",
            "回顾了新客户线索，筛出 5 家 A 级线索重点跟进。",
            "检查了回款进度：两笔逾期款已到账。",
        ],
        "actions": [
            "本周内电话联系三家逾期客户并约定回款日期。",
            "每次拜访前写好三个需求问题。",
            "下周完成两场产品演示。",
            "每天跟进一家 A 级线索。",
            "继续跟进剩余逾期款，周五前更新回款计划。",
        ],
        "reason": "年度等级为 C，主管发起绩效改进计划。",
    },
    "en": {
        "goal": "{kpi}: from a score of {score} to at least 80 within three months.",
        "goal_extra": "Chase overdue receivables every week; two new valid customers a month.",
        "support": (
            "A weekly one-to-one; the manager joins two key-account visits; the negotiation "
            "skills course."
        ),
        "notes": [
            "Went through the overdue receivables and agreed the order for the top three.",
            "Reviewed last week's visits: how to ask questions that uncover needs.",
            "Prepared a product demo together and rehearsed answers to price objections.",
            "Reviewed new-customer leads and picked five A leads to focus on.",
            "Checked collections: two overdue payments have come in.",
        ],
        "actions": [
            "Call the three overdue customers this week and agree payment dates.",
            "Write down three needs questions before every visit.",
            "Run two product demos next week.",
            "Follow up one A lead every day.",
            "Keep chasing the rest; update the collection plan by Friday.",
        ],
        "reason": "Grade C in the annual review: the manager opens an improvement plan.",
    },
}


def _hr(context):
    return context.get("hr") or (
        User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    )


def _plan(context, text, hr) -> Pip | None:
    year = timezone.localdate().year - 1
    grades = AnnualGrade.objects.filter(
        year=year, finalised=True, grade=Grade.C, person__is_active=True
    ).select_related("cycle")
    cycles = {grade.cycle for grade in grades}
    for cycle in cycles:
        services.pip_propose_for_grades(cycle=cycle, actor=hr)
    proposed = (
        Pip.objects.filter(status=PipStatus.PROPOSED, cycle__in=cycles, person__team__isnull=False)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if proposed is not None:
        return proposed
    weakest = (
        AnnualGrade.objects.filter(year=year, person__is_active=True, person__team__isnull=False)
        .exclude(score__isnull=True)
        .order_by("score", "pk")
        .select_related("person")
        .first()
    )
    if weakest is None:
        return None
    return services.pip_open(actor=hr, person=weakest.person, reason=text["reason"])


def build(rng, context: dict) -> list[str]:
    if Pip.objects.filter(status=PipStatus.ACTIVE).exists():
        return []  # built before
    text = words(context, TEXT)
    hr = _hr(context)
    pip = _plan(context, text, hr)
    if pip is None:
        return ["Improvement plans: no annual grades of last year; no plan made."]
    cal = load_calendar()
    today = timezone.localdate()
    start = cal.next_working_day(today - datetime.timedelta(days=40))
    with translation.override(context.get("language") or "en"):
        goals = [
            text["goal"].format(kpi=str(KPI_LABELS.get(row["kpi"], row["kpi"])), score=row["score"])
            for row in pip.weak_kpis
        ]
    goals.append(text["goal_extra"])
    manager = pip.manager or selectors.manager_of(pip.person)
    pip = services.pip_complete(
        actor=manager,
        pip=pip,
        goals="\n".join(goals),
        support=text["support"],
        start_date=start,
    )
    logged = 0
    past = pip.sessions.filter(scheduled_on__lt=today).order_by("number")
    for index, session in enumerate(past):
        services.session_log(
            actor=manager,
            session=session,
            held_on=session.scheduled_on,
            notes=text["notes"][index % len(text["notes"])],
            agreed_actions=text["actions"][index % len(text["actions"])],
            today=today,
        )
        logged += 1
    upcoming = pip.sessions.filter(status=SessionStatus.SCHEDULED).count()
    return [
        f"Improvement plans: one running for {pip.person.username} since {start.isoformat()}, "
        f"{logged} sessions logged, {upcoming} upcoming."
    ]
