"""Demo satisfaction surveys: the last finished quarter drawn and nearly all answered (links and
phone interviews, a few cancelled), the running quarter drawn and partly answered, with links
out. Answers go through the services, so the customers' health reports, latest satisfaction and
the reminder rules follow them. Run after the customers builder (it needs the people and the
customers) and before the reviews builder (whose cycles then keep these draws: sampling is
idempotent)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.core.demo import day_between, words
from apps.core.quarters import previous_quarter, quarter_end, quarter_of, quarter_start
from apps.surveys import services
from apps.surveys.choices import SurveyStatus
from apps.surveys.models import Survey

TEXT = {
    "zh-hans": {
        "comments": [
            "方案很贴合我们的流程，实施顾问也很专业。",
            "响应速度还可以更快一些，尤其是周末。",
            "问题基本都能解决，但有时需要反复沟通。",
            "非常满意，已经推荐给合作伙伴。",
            "希望售后能提供更多培训。",
            "",
        ],
        "respondents": ["王经理", "李总", "张工", "刘女士", "陈主任", "赵先生"],
        "cancel_reasons": ["联系人已离职，暂无新的对接人。", "客户本季度不接受回访。"],
    },
    "en": {
        "comments": [
            "The solution fits our process well and the consultants are professional.",
            "Responses could be quicker, especially at weekends.",
            "Problems get solved, but sometimes only after several calls.",
            "Very satisfied; we have recommended you to a partner.",
            "We would like more training from the service team.",
            "",
        ],
        "respondents": ["Mr Wang", "Ms Li", "Mr Zhang", "Ms Liu", "Director Chen", "Mr Zhao"],
        "cancel_reasons": [
            "The contact has left and there is no new one yet.",
            "The customer declined follow-up calls this quarter.",
        ],
    },
}

TREND_SHIFT = {"improving": 3, "declining": -6, "struggling": -12}


def _key(year: int, quarter: int) -> str:
    return f"{year:04d}-Q{quarter}"


def _scores(rng, base, shift) -> dict:
    def one():
        return max(0, min(100, round(base + shift + rng.gauss(0, 6))))

    return {"solution_fit": one(), "response_speed": one(), "problem_resolution": one()}


def build(rng, context: dict) -> list[str]:
    text = words(context, TEXT)
    hr = context.get("hr")
    trends = context.get("rep_trends", {})
    sellers = [*context.get("reps", []), *context.get("managers", [])]
    if hr is None or not sellers:
        return []
    manager_of = {}
    for manager in context.get("managers", []):
        for team in manager.managed_teams.all():
            manager_of[team.pk] = manager
    today = timezone.localdate()
    current = quarter_of(today)
    finished = previous_quarter(*current)
    seller_ids = [person.pk for person in sellers]

    links: list[str] = []
    for (year, quarter), share_answered, share_link in (
        (finished, 0.88, 0.0),
        (current, 0.35, 0.45),
    ):
        period_key = _key(year, quarter)
        drawn = services.surveys_sample(
            period_key=period_key,
            seed=f"demo-{period_key}",
            reps=seller_ids,
            actor=hr,
            language=context.get("language") or "zh-hans",
        )
        start = quarter_end(year, quarter) + datetime.timedelta(days=1)
        if (year, quarter) == current:
            start = quarter_start(year, quarter)
        last = min(today, start + datetime.timedelta(days=24))
        answered_on = {}
        for survey in drawn:
            if survey.status != SurveyStatus.PENDING:
                continue
            roll = rng.random()
            owner = survey.rep
            if roll < share_answered:
                base = float(survey.customer.latest_satisfaction or 85)
                answers = _scores(rng, base, TREND_SHIFT.get(trends.get(owner.pk), 0))
                comment = rng.choice(text["comments"])
                respondent = rng.choice(text["respondents"])
                if rng.random() < 0.6:
                    token = services.survey_issue_link(survey=survey, actor=hr, days_valid=21)
                    services.survey_answer_by_link(
                        token=token, comment=comment, respondent=respondent, **answers
                    )
                else:
                    recorder = manager_of.get(owner.team_id) if owner.team_id else None
                    if recorder is None or recorder.pk == owner.pk or rng.random() < 0.3:
                        recorder = hr
                    services.survey_record_interview(
                        actor=recorder,
                        survey=survey,
                        comment=comment,
                        respondent=respondent,
                        **answers,
                    )
                answered_on[survey.pk] = day_between(rng, start, last)
            elif roll < share_answered + 0.04:
                services.survey_cancel(
                    actor=hr, survey=survey, reason=rng.choice(text["cancel_reasons"])
                )
            elif roll < share_answered + 0.04 + share_link:
                token = services.survey_issue_link(survey=survey, actor=hr, days_valid=30)
                if len(links) < 1:
                    links.append(token)
        # Answers arrived over the weeks after the quarter (or during the running one).
        for pk, day in answered_on.items():
            moment = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(rng.randint(9, 20), 0))
            )
            Survey.objects.filter(pk=pk).update(answered_at=min(moment, timezone.now()))
    if not links:
        return []
    return [f"A customer's survey link (phone-sized page): /surveys/answer/{links[0]}/"]
