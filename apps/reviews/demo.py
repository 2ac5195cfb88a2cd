"""Demo review cycles (run after the scorecards and development demos, before grades and
reminders), all made through the services:

- last year's four quarterly 360° cycles, finished (small customer samples, every survey
  answered, every review finalised) and closed — the basis of
- last year's annual cycle, computed and finalised (the grades demo calibrates it);
- last quarter's 360° cycle, finished: all parts in (a customer part waived where no customer
  answered), finalised, one review reopened by HR with a reason and finalised again; closed;
- the current quarter's cycle, running: some self-reviews submitted, some manager reviews
  (drafts and submitted), the customer surveys partly answered.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.demo import words
from apps.performance import periods
from apps.reviews import services
from apps.reviews.choices import CycleKind, ReviewStatus
from apps.reviews.models import AnnualScheme, Review, ReviewCycle
from apps.surveys.choices import SurveyStatus
from apps.surveys.models import Survey
from apps.surveys.services import survey_record_interview

TEXT = {
    "zh-hans": {
        "quarter_cycle": "{year}年第{quarter}季度360°评估",
        "year_cycle": "{year}年度考评",
        "scheme": "年度权重方案 60/20/20",
        "scheme_notes": "季度均分60%，年度增长20%，专业能力20%（产品默认）。",
        "self_summaries": [
            "本季度销售额距目标差约8%，主要是两个大单推迟到下季度签约。",
            "新客户开发达标，但老客户复购偏低，下季度重点做回访。",
            "完成了目标，客户满意度有提升；跨部门协作还可以更主动。",
            "前两个月节奏偏慢，第三个月追回了大部分差距。",
            "收款率不理想，已和财务约定每周跟进逾期应收。",
        ],
        "manager_summaries": [
            "过程管理扎实，拜访记录完整；需加强大客户的需求挖掘。",
            "结果达标，团队分享积极，建议带教新同事。",
            "商机推进偏慢，需要更早识别决策链。",
            "客户反馈良好，报价和方案质量稳定。",
            "业绩有差距，但改进计划执行到位，继续保持。",
        ],
        "self_comments": ["与目标有差距", "基本达标", "超出预期", "需要改进", "稳定"],
        "manager_comments": ["认可", "需加强", "表现突出", "与数据一致", "继续保持"],
        "waive_reason": "本季度抽样客户均未回复，客户评价部分免除。",
        "reopen_reason": "留存率数据在评估后更正，重新打开以调整主管评分。",
    },
    "en": {
        "quarter_cycle": "{year} Q{quarter} 360° review",
        "year_cycle": "{year} annual review",
        "scheme": "Annual weights 60/20/20",
        "scheme_notes": "Mean quarterly score 60%, annual growth 20%, capability 20% (default).",
        "self_summaries": [
            "About 8% short of the sales target: two large deals slipped into next quarter.",
            "New customers on target, but repeat orders were low; more follow-up visits next.",
            "Target met and satisfaction up; I can be more active across departments.",
            "A slow first two months; the third month closed most of the gap.",
            "Collection was weak; agreed a weekly check of overdue invoices with finance.",
        ],
        "manager_summaries": [
            "Solid process and complete visit notes; dig deeper into key accounts' needs.",
            "Results on target and generous knowledge sharing; could coach a new colleague.",
            "Opportunities move slowly: map the decision makers earlier.",
            "Good customer feedback; quotes and proposals of steady quality.",
            "Behind on the numbers, but the improvement plan is followed well. Keep it up.",
        ],
        "self_comments": [
            "Short of target",
            "On target",
            "Better than expected",
            "To improve",
            "Steady",
        ],
        "manager_comments": [
            "Agreed",
            "Needs work",
            "Outstanding",
            "Matches the data",
            "Keep it up",
        ],
        "waive_reason": (
            "None of the sampled customers answered this quarter: customer part waived."
        ),
        "reopen_reason": (
            "Retention figure corrected after the review: reopened to adjust the manager score."
        ),
    },
}


def _hr(context):
    return context.get("hr") or User.objects.filter(role=Role.HR, is_active=True).first()


def _quarter_name(text, period: periods.Period) -> str:
    year, quarter = period.key.split("-Q")
    return text["quarter_cycle"].format(year=year, quarter=quarter)


def _score(rng, computed, bias: int) -> Decimal:
    """A 0–100 rating near the computed score (or a plausible one without it)."""
    base = float(computed) if computed is not None else rng.uniform(62, 92)
    value = min(100.0, max(35.0, base + bias + rng.uniform(-8, 8)))
    return Decimal(str(round(value)))


def _scores(rng, review: Review, text, part: str) -> dict:
    comments = text[f"{part}_comments"]
    bias = 3 if part == "self" else -2
    return {
        i.kpi: (_score(rng, i.computed_score, bias), comments[rng.randrange(len(comments))])
        for i in review.indicators.all()
    }


def _write_part(rng, review: Review, actor, text, part: str, *, submit: bool) -> Review:
    save = services.review_save_self if part == "self" else services.review_save_manager
    summaries = text[f"{part}_summaries"]
    review = save(
        actor=actor,
        review=review,
        expected_version=review.version,
        summary=summaries[rng.randrange(len(summaries))],
        scores=_scores(rng, review, text, part),
    )
    if submit:
        step = services.review_submit_self if part == "self" else services.review_submit_manager
        review = step(actor=actor, review=review, expected_version=review.version)
    return review


def _manager_of(review: Review, hr):
    return review.manager or hr


def _answer_surveys(rng, cycle: ReviewCycle, hr, share: float) -> int:
    """Answer ``share`` of the cycle's drawn surveys as phone interviews recorded by HR."""

    people = cycle.reviews.values("person_id")
    answered = 0
    for survey in Survey.objects.filter(
        period_key=cycle.period_key,
        rep_id__in=people,
        status=SurveyStatus.PENDING,
        token_hash__isnull=True,  # the live link the surveys demo prints stays unanswered
    ).order_by("pk"):
        if rng.random() >= share:
            continue
        level = rng.randint(68, 96)
        survey_record_interview(
            actor=hr,
            survey=survey,
            solution_fit=min(100, level + rng.randint(-6, 6)),
            response_speed=min(100, level + rng.randint(-8, 8)),
            problem_resolution=min(100, level + rng.randint(-6, 6)),
        )
        answered += 1
    return answered


def _deadlines(period: periods.Period) -> dict:
    end = period.last_day
    return {
        "self_due": end + datetime.timedelta(days=7),
        "manager_due": end + datetime.timedelta(days=14),
        "survey_due": end + datetime.timedelta(days=14),
        "finalise_due": end + datetime.timedelta(days=21),
    }


def _open_quarter(period, text, hr, *, sample=(10, 15)) -> ReviewCycle:
    return services.cycle_open(
        actor=hr,
        name=_quarter_name(text, period),
        kind=CycleKind.QUARTER,
        period_key=period.key,
        seed=f"demo-{period.key}",
        survey_sample_min=sample[0],
        survey_sample_max=sample[1],
        **_deadlines(period),
    )


def _finish_quarter(rng, cycle: ReviewCycle, text, hr, *, reopen_one=False) -> int:
    """Every part in (customer part waived where nobody answered), every review finalised,
    the cycle closed, timestamps moved to the review weeks after the quarter."""
    services.customer_parts_refresh(cycle=cycle)
    finalised = 0
    reopened = None
    for review in cycle.reviews.select_related("cycle", "manager").order_by("pk"):
        review = _write_part(rng, review, review.person, text, "self", submit=True)
        review = _write_part(rng, review, _manager_of(review, hr), text, "manager", submit=True)
        if services.missing_parts(review):
            review = services.review_waive_part(
                actor=hr,
                review=review,
                part="customer",
                reason=text["waive_reason"],
                expected_version=review.version,
            )
        review = services.review_finalise(actor=hr, review=review, expected_version=review.version)
        finalised += 1
        if reopen_one and reopened is None:
            reopened = review
    if reopened is not None:
        review = services.review_reopen(
            actor=hr,
            review=reopened,
            reason=text["reopen_reason"],
            expected_version=reopened.version,
        )
        manager = _manager_of(review, hr)
        review = services.review_save_manager(
            actor=manager,
            review=review,
            expected_version=review.version,
            summary=None,
            scores={
                i.kpi: (
                    min(Decimal("100"), (i.manager_score or Decimal("70")) + 5),
                    i.manager_comment,
                )
                for i in review.indicators.all()
            },
        )
        services.review_finalise(actor=hr, review=review, expected_version=review.version)
    _move_to_history(cycle)
    services.cycle_close(actor=hr, cycle=cycle, expected_version=cycle.version)
    return finalised


def _move_to_history(cycle: ReviewCycle) -> None:
    """Submission and finalisation times in the weeks after the quarter (not today)."""
    due = _deadlines(periods.parse_period(cycle.period_key, business_range=False))
    moment = lambda day: timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))  # noqa: E731
    now = timezone.now()
    Review.objects.filter(cycle=cycle).update(
        self_submitted_at=min(now, moment(due["self_due"] - datetime.timedelta(days=2))),
        manager_submitted_at=min(now, moment(due["manager_due"] - datetime.timedelta(days=2))),
        finalised_at=min(now, moment(due["finalise_due"] - datetime.timedelta(days=1))),
    )
    Review.objects.filter(cycle=cycle, customer_completed_at__isnull=False).update(
        customer_completed_at=min(now, moment(due["survey_due"]))
    )


def _run_current(rng, cycle: ReviewCycle, text, hr) -> dict:
    """Some self-reviews submitted (others drafted or not started), some manager reviews."""
    counts = {"self": 0, "manager": 0}
    for review in cycle.reviews.select_related("cycle", "manager").order_by("pk"):
        roll = rng.random()
        if roll < 0.2:
            continue  # not started
        review = _write_part(rng, review, review.person, text, "self", submit=roll >= 0.35)
        if roll >= 0.35:
            counts["self"] += 1
        if roll >= 0.6:
            submit = roll >= 0.8
            _write_part(rng, review, _manager_of(review, hr), text, "manager", submit=submit)
            counts["manager"] += int(submit)
    services.customer_parts_refresh(cycle=cycle)
    return counts


def build(rng, context: dict) -> list[str]:
    if ReviewCycle.objects.exists():
        return []  # built before
    text = words(context, TEXT)
    hr = _hr(context)
    if hr is None:
        return ["Reviews: no HR person; no review cycles built."]
    today = timezone.localdate()
    current = periods.period_containing(periods.QUARTER, today)
    last = current.previous()
    last_year = periods.period_containing(periods.YEAR, today).previous()
    if not AnnualScheme.objects.exists():
        services.annual_scheme_create(
            actor=hr,
            name=text["scheme"],
            effective_from=datetime.date(2020, 1, 1),
            notes=text["scheme_notes"],
        )

    lines = []
    history = 0
    for quarter in last_year.quarters():
        cycle = _open_quarter(quarter, text, hr, sample=(3, 4))
        _answer_surveys(rng, cycle, hr, share=1.0)
        history += _finish_quarter(rng, cycle, text, hr, reopen_one=quarter.key == last.key)
    lines.append(f"Reviews {last_year.key}: 4 quarterly cycles, {history} reviews finalised.")

    annual = services.cycle_open(
        actor=hr,
        name=text["year_cycle"].format(year=last_year.key),
        kind=CycleKind.YEAR,
        period_key=last_year.key,
        seed=f"demo-{last_year.key}",
        finalise_due=last_year.last_day + datetime.timedelta(days=45),
    )
    finalised = 0
    for review in annual.reviews.filter(score__isnull=False).order_by("pk"):
        services.review_finalise(actor=hr, review=review, expected_version=review.version)
        finalised += 1
    lines.append(
        f"Reviews {last_year.key} annual: {annual.reviews.count()} computed, {finalised} finalised."
    )

    if last.key not in {q.key for q in last_year.quarters()}:
        cycle = _open_quarter(last, text, hr, sample=(10, 12))
        answered = _answer_surveys(rng, cycle, hr, share=0.9)
        done = _finish_quarter(rng, cycle, text, hr, reopen_one=True)
        lines.append(
            f"Reviews {last.key}: {done} finalised (one reopened and finalised again), "
            f"{answered} surveys answered."
        )

    cycle = _open_quarter(current, text, hr, sample=(10, 12))
    answered = _answer_surveys(rng, cycle, hr, share=0.5)
    counts = _run_current(rng, cycle, text, hr)
    open_left = cycle.reviews.exclude(status=ReviewStatus.FINALISED).count()
    lines.append(
        f"Reviews {current.key} (running): {counts['self']} self-reviews and "
        f"{counts['manager']} manager reviews submitted, {answered} surveys answered, "
        f"{open_left} reviews open."
    )
    return lines
