"""Demo promotion candidates (run after ``apps.grades.demo.build``): the finalised A grades of
last year's annual cycle become candidates; one has an accepted methodology document (shown as
training material), another a submitted one awaiting HR."""

from __future__ import annotations

from django.utils import timezone

from apps.accounts.models import User
from apps.core.choices import Role
from apps.core.demo import words
from apps.grades.models import AnnualGrade
from apps.promotions import services
from apps.promotions.models import PromotionCandidate

TEXT = {
    "zh-hans": {
        "accepted_title": "我的大客户开发方法：先诊断，后方案",
        "accepted_text": (
            "每个新客户我都从一次需求诊断拜访开始，按照 SPIN 的顺序提问：先了解现状，再找出问题，"
            "接着讨论问题带来的影响，最后让客户自己说出解决问题的价值。拜访中我会记录客户的原话，"
            "结束前一定约定下一步和时间，并在一天之内发出简短的书面纪要，请客户确认。\n\n"
            "方案阶段，我只写客户确认过的三个痛点，每个痛点对应一项功能和一个可以量化的收益。"
            "报价前先请技术同事做方案预审，避免承诺做不到的交付。签约后第一个月，我每周回访一次，"
            "把使用中的问题当天转给服务团队，并在月底和客户一起回顾目标完成情况。\n\n"
            "对老客户，我每季度做一次业务回顾，主动提出下一个可以合作的场景，"
            "这也是我全年复购和增购收入的主要来源。"
        ),
        "submitted_title": "用数据管理销售漏斗",
        "submitted_text": (
            "我每周一早上花半小时整理自己的销售漏斗：每个商机都要有明确的阶段、金额、预计成交日期"
            "和下一步行动，超过两周没有进展的商机要么推进，要么关闭。我把赢单率按阶段统计出来，"
            "据此判断本季度的缺口，并提前两个月补充线索。\n\n"
            "拜访前我会查看客户在系统里的全部记录，包括过去的报价、投诉和回款情况，"
            "确保每次沟通都能接上上一次的话题。丢单后我会在三天内做复盘，"
            "记录真实原因（价格、功能、关系还是时机），每季度和主管一起回顾这些原因，"
            "调整目标客户的选择和报价策略。"
        ),
    },
    "en": {
        "accepted_title": "Winning key accounts: diagnose first, propose second",
        "accepted_text": (
            "I open every new account with a needs discovery visit and ask in SPIN order: the "
            "situation first, then the problems, then what those problems cost, and finally I "
            "let the customer say in their own words what solving them would be worth. I note "
            "the customer's exact words, agree the next step and its date before I leave, and "
            "send a short written summary within a day for the customer to confirm.\n\n"
            "In the proposal I only write about the three pains the customer confirmed, each "
            "with one feature and one benefit we can measure. Before quoting I ask a solution "
            "engineer to pre-review the proposal, so we never promise what we cannot deliver. "
            "In the first month after signing I call every week, pass any problem to the "
            "service team the same day and review the goals with the customer at month end.\n\n"
            "With existing customers I hold a business review every quarter and propose the "
            "next use case: that is where most of my repeat and upsell revenue comes from."
        ),
        "submitted_title": "Running my pipeline with numbers",
        "submitted_text": (
            "Every Monday morning I spend half an hour on my pipeline: each opportunity has a "
            "clear stage, amount, expected close date and next action, and anything without "
            "progress for two weeks is either moved forward or closed. I track my win rate by "
            "stage, use it to see the quarter's gap early and add leads two months ahead.\n\n"
            "Before a visit I read the customer's whole history in the system - past quotes, "
            "complaints and payments - so every conversation picks up where the last one "
            "ended. After a lost deal I write down the real reason within three days (price, "
            "features, relationship or timing) and review those reasons with my manager every "
            "quarter to adjust which customers I target and how I price."
        ),
    },
}


def _hr_user(context):
    return context.get("hr") or (
        User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()
    )


def build(rng, context: dict) -> list[str]:
    text = words(context, TEXT)
    year = timezone.localdate().year - 1
    grade = (
        AnnualGrade.objects.filter(year=year, finalised=True, grade="A")
        .select_related("cycle")
        .order_by("-cycle_id")
        .first()
    )
    if grade is None:
        return [f"Promotions: no finalised grade A for {year}; no candidates."]
    cycle = grade.cycle
    if PromotionCandidate.objects.filter(cycle=cycle).exists():
        return []  # built before
    counts = services.candidates_refresh(cycle=cycle, actor=None)
    candidates = list(
        PromotionCandidate.objects.filter(cycle=cycle, person__is_active=True)
        .select_related("person")
        .order_by("person__username", "pk")
    )
    documents = 0
    if candidates:
        first = candidates[0]
        services.document_save(
            actor=first.person,
            candidate=first,
            title=text["accepted_title"],
            text=text["accepted_text"],
            submit=True,
        )
        hr = _hr_user(context)
        if hr is not None:
            services.document_accept(actor=hr, candidate=first)
        documents += 1
    if len(candidates) > 1:
        second = candidates[1]
        services.document_save(
            actor=second.person,
            candidate=second,
            title=text["submitted_title"],
            text=text["submitted_text"],
            submit=True,
        )
        documents += 1
    return [
        f"Promotions {year}: {counts['created']} candidates, {documents} methodology documents "
        "(one accepted as training material)."
    ]
