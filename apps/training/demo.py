"""Demo training recommendations (run after ``apps.grades.demo.build``, e.g. after
``apps.pips.demo.build``): the generation runs on the demo data through the services, then the
managers accept some proposals, schedule one and mark one done (learning entries appear).

So that the pages show both kinds, the demo first tunes the DATA (not the rules): half of the
first team (at least two people) log a weak needs-discovery sandbox exercise, and one rep in
each of the next two teams a weak negotiation exam, through the learning-log service."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import Team, User
from apps.core.choices import Role
from apps.core.demo import words
from apps.development.choices import LearningKind, Skill
from apps.development.models import LearningEntry
from apps.development.selectors import CERTIFICATE, SCORED_KINDS
from apps.development.services import learning_create
from apps.training import calculations, services
from apps.training.choices import (
    DEFAULT_CATALOGUE,
    EVIDENCE_MONTHS,
    ProposalKind,
    ProposalStatus,
)
from apps.training.models import TrainingProposal, TrainingSettings

TEXT = {
    "zh-hans": {
        "sandbox": "销售沙盘演练：需求挖掘",
        "exam": "谈判技巧测试",
        "evidence": "演练评分表",
        "room": "总部三楼培训室",
        "online": "https://meet.example.com/training",
        "catalogue": {
            Skill.NEEDS_DISCOVERY: (
                "SPIN 销售工作坊",
                "SPIN 提问基础（在线）\n挖掘隐性需求（在线）",
            ),
            Skill.NEGOTIATION: (
                "谈判与异议处理工作坊",
                "双赢谈判（在线）\n价格异议与付款条件（在线）",
            ),
            Skill.DIGITAL_TOOLS: (
                "数字化销售工具工作坊",
                "CRM 与商机管理（在线）\n远程演示与电子签约（在线）",
            ),
            Skill.INDUSTRY: ("行业洞察工作坊", "行业痛点与趋势（在线）"),
        },
    },
    "en": {
        "sandbox": "Sales sandbox: needs discovery",
        "exam": "Negotiation skills test",
        "evidence": "Exercise score sheet",
        "room": "Head office, training room 3",
        "online": "https://meet.example.com/training",
        "catalogue": {
            skill: (entry["workshop"], entry["courses"])
            for skill, entry in DEFAULT_CATALOGUE.items()
        },
    },
}


def _hr(context):
    return context.get("hr") or (
        User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    )


def _manager(team: Team | None):
    if team is None:
        return None
    return team.managers.filter(is_active=True).order_by("pk").first()


WEAK = Decimal("40")


def _needs_discovery_evidence(reps, today) -> dict[int, tuple[Decimal, int]]:
    """``{rep id: (sum, count)}`` of the needs-discovery evidence the rules read (one query)."""
    since = calculations.evidence_since(today, EVIDENCE_MONTHS)
    scores = Coalesce("score", CERTIFICATE)
    rows = (
        LearningEntry.objects.filter(
            Q(kind__in=SCORED_KINDS, score__isnull=False) | Q(kind=LearningKind.CERTIFICATION),
            rep__in=reps,
            skill=Skill.NEEDS_DISCOVERY,
            on__gte=since,
            on__lte=today,
        )
        .values("rep_id")
        .annotate(total=Sum(scores), n=Count("pk"))
        .order_by()
    )
    return {row["rep_id"]: (Decimal(row["total"]), row["n"]) for row in rows}


def _tune_data(text, rules, today) -> None:
    teams = list(
        Team.objects.filter(members__role=Role.REP, members__is_active=True)
        .distinct()
        .order_by("pk")
    )
    if not teams:
        return
    day = today - datetime.timedelta(days=20)
    reps = list(User.objects.filter(team=teams[0], role=Role.REP, is_active=True).order_by("pk"))
    share = Decimal(rules.workshop_share) / 100
    weak_count = max(2, math.ceil(len(reps) * share))
    evidence = _needs_discovery_evidence(reps, today)
    # Those with the least evidence first; each logs as many weak exercises as it takes to
    # bring their average below the threshold.
    reps.sort(key=lambda rep: (evidence.get(rep.pk, (0, 0))[1], rep.pk))
    for rep in reps[:weak_count]:
        total, count = evidence.get(rep.pk, (Decimal(0), 0))
        needed = 1
        while (total + WEAK * needed) / (count + needed) >= rules.weak_score and needed < 20:
            needed += 1
        for _index in range(needed):
            learning_create(
                actor=rep,
                kind=LearningKind.SANDBOX,
                skill=Skill.NEEDS_DISCOVERY,
                title=text["sandbox"],
                on=day,
                score=WEAK,
                evidence=text["evidence"],
                today=today,
            )
    # One rep in each of the next two teams: one weak person alone never makes a workshop.
    others = [
        rep
        for rep in (
            User.objects.filter(team=team, role=Role.REP, is_active=True).order_by("pk").first()
            for team in teams[1:3]
        )
        if rep is not None
    ]
    for rep in others:
        learning_create(
            actor=rep,
            kind=LearningKind.EXAM,
            skill=Skill.NEGOTIATION,
            title=text["exam"],
            on=day,
            score=Decimal("48"),
            evidence=text["evidence"],
            today=today,
        )


def _localise_catalogue(text, hr) -> TrainingSettings:
    rules = TrainingSettings.current()
    if hr is None:
        return rules
    return services.training_settings_update(
        actor=hr,
        weak_score=rules.weak_score,
        kpi_gap_score=rules.kpi_gap_score,
        workshop_share=rules.workshop_share,
        catalogue={
            str(skill): {"workshop": title, "courses": courses}
            for skill, (title, courses) in text["catalogue"].items()
        },
    )


def build(rng, context: dict) -> list[str]:
    if TrainingProposal.objects.exists():
        return []  # built before
    text = words(context, TEXT)
    hr = _hr(context)
    today = timezone.localdate()
    rules = _localise_catalogue(text, hr)
    _tune_data(text, rules, today)
    result = services.training_proposals_generate(actor=hr, today=today)

    workshop = (
        TrainingProposal.objects.filter(
            kind=ProposalKind.TEAM_WORKSHOP, status=ProposalStatus.PROPOSED
        )
        .select_related("team")
        .order_by("pk")
        .first()
    )
    done = 0
    if workshop is not None:
        manager = _manager(workshop.team) or hr
        services.proposal_accept(actor=manager, proposal=workshop)
        held = today - datetime.timedelta(days=7)
        services.proposal_schedule(
            actor=manager, proposal=workshop, date=held, location=text["room"]
        )
        services.proposal_mark_done(actor=manager, proposal=workshop, done_on=held, today=today)
        done = 1
    individual = list(
        TrainingProposal.objects.filter(
            kind=ProposalKind.INDIVIDUAL, status=ProposalStatus.PROPOSED
        )
        .select_related("person", "person__team")
        .order_by("pk")[:2]
    )
    for index, proposal in enumerate(individual):
        manager = _manager(proposal.person.team) or hr
        services.proposal_accept(actor=manager, proposal=proposal)
        if index == 0:
            services.proposal_schedule(
                actor=manager,
                proposal=proposal,
                date=today + datetime.timedelta(days=14),
                location=text["online"],
            )
    return [
        f"Training proposals: team workshops {result['workshops']}, individual "
        f"{result['individual']}; accepted {len(individual)}, workshops done {done}."
    ]
