"""Demo grades (run after ``apps.reviews.demo.build``): last year's annual cycle proposed by
forced distribution, two grades moved by HR with a reason, and finalised — so the grade list,
the calibration screen and the 9-box show something right after ``make run``.

Until the reviews demo builds last year's annual cycle, this builder makes a stand-in from what
is there: an annual cycle of last year whose reviews take each person's year scorecard score
(the mean quarterly score and the capability score left empty). When the reviews demo has built
the cycle, that one is used as it is.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.demo import words
from apps.grades import services
from apps.grades.models import AnnualGrade
from apps.reviews.choices import CycleKind
from apps.reviews.models import Review, ReviewCycle
from apps.scorecards.models import Scorecard

TEXT = {
    "zh-hans": {
        "cycle": "{year}年度考评",
        "up": "主导了全年最大的上线项目，并把方法整理成团队培训材料。",
        "down_to_b": "年中接手了落后的片区，业绩滞后于工作投入；给予一年时间扭转。",
        "down_to_c": "连续两个季度未完成约定的改进计划，进入绩效改进计划。",
    },
    "en": {
        "cycle": "{year} annual review",
        "up": "Led the biggest rollout of the year and turned the method into team training.",
        "down_to_b": (
            "Took over a struggling territory mid-year: the numbers lag the work; "
            "a year to turn it round."
        ),
        "down_to_c": (
            "Missed the agreed improvement steps two quarters running; enters a performance "
            "improvement plan."
        ),
    },
}


def _hr_user(context):
    return context.get("hr") or (
        User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    )


def _annual_cycle(rng, year: int, text: dict, hr):
    """Last year's annual cycle (the reviews demo's), or a stand-in from the year scorecards."""
    annual = ReviewCycle.objects.filter(kind=CycleKind.YEAR, period_key=str(year))
    cycle = annual.order_by("-pk").first()
    if cycle is not None:
        return cycle, False
    scores = dict(
        Scorecard.objects.filter(period_key=str(year), rep__is_active=True).values_list(
            "rep_id", "score"
        )
    )
    if not scores:
        return None, False
    cycle = ReviewCycle.objects.create(
        name=text["cycle"].format(year=year),
        kind=CycleKind.YEAR,
        period_key=str(year),
        seed=f"demo-{year}",
        created_by=hr,
    )
    Review.objects.bulk_create(
        [
            # The stand-in's mean quarterly 360° score (the 9-box's qualitative axis) is drawn.
            Review(
                cycle=cycle,
                person_id=person_id,
                score=score,
                quarterly_mean=Decimal(rng.randint(6000, 9800)) / 100,
            )
            for person_id, score in sorted(scores.items())
        ]
    )
    return cycle, True


def build(rng, context: dict) -> list[str]:
    text = words(context, TEXT)
    hr = _hr_user(context)
    year = timezone.localdate().year - 1
    cycle, stand_in = _annual_cycle(rng, year, text, hr)
    if cycle is None:
        return [f"Grades: no annual review cycle or year scorecards for {year}; nothing graded."]
    if AnnualGrade.objects.filter(cycle=cycle, finalised=True).exists():
        return []  # built before
    proposed = services.grades_propose(cycle=cycle, actor=hr)
    grades = list(
        AnnualGrade.objects.filter(cycle=cycle, rank__isnull=False).order_by("rank", "pk")
    )
    moves = 0
    # 1. The best-ranked B just below the A line moves up to A.
    below_a = [grade for grade in grades if grade.proposed_grade == "B"]
    if below_a:
        services.grade_move(actor=hr, grade=below_a[0], new_grade="A", reason=text["up"])
        moves += 1
    # 2. One proposed C stays B with a reason; with no C proposed (ties at the C line), the
    #    lowest B moves down to C.
    proposed_c = [grade for grade in grades if grade.proposed_grade == "C"]
    if proposed_c:
        target = proposed_c[rng.randrange(len(proposed_c))]
        services.grade_move(actor=hr, grade=target, new_grade="B", reason=text["down_to_b"])
        moves += 1
    elif len(below_a) > 1:
        services.grade_move(actor=hr, grade=below_a[-1], new_grade="C", reason=text["down_to_c"])
        moves += 1
    finalised = services.grades_finalise(actor=hr, cycle=cycle)
    source = "stand-in cycle from year scorecards" if stand_in else "annual review cycle"
    return [
        f"Grades {year} ({source}): {proposed} proposed, {moves} moved with a reason, "
        f"{finalised} finalised."
    ]
