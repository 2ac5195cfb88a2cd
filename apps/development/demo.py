"""Demo data of this app: two years of learning logs (about 1–2 courses a month, course exams,
quarterly sandbox exercises and competitor-analysis meetings, certifications), a capability goal
per rep and year with progress, collaboration ratings from managers and peers for the last four
quarters and the running one, and the weekly sales meeting's case library.

Needs ``context["reps"]``, ``context["managers"]`` and ``context["teams"]`` from
``apps.accounts.demo.build`` (run after it)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.core.demo import HISTORY_DAYS, at_office_hours, day_between, historic_timestamps, words
from apps.development import periods
from apps.development.choices import CaseKind, LearningKind, RaterRole, Skill
from apps.development.models import CapabilityGoal, CollaborationRating, LearningEntry, SalesCase

SKILLS = [Skill.NEEDS_DISCOVERY, Skill.NEGOTIATION, Skill.DIGITAL_TOOLS, Skill.INDUSTRY]

TEXT = {
    "zh-hans": {
        "courses": [
            "SPIN顾问式销售",
            "大客户谈判技巧",
            "CRM与数据看板实操",
            "制造业数字化转型趋势",
            "需求挖掘与提问技巧",
            "商务礼仪与沟通",
            "解决方案演示技巧",
            "应收账款与回款管理",
        ],
        "exams": ["SPIN课程结业考试", "谈判技巧测评", "产品知识考试", "行业知识测验"],
        "sandbox": "销售沙盘演练：{skill}",
        "certifications": ["高级销售顾问认证", "产品解决方案认证", "项目管理基础认证"],
        "meeting": "季度竞品分析会",
        "evidence": ["课程学习记录", "考试成绩单", "证书编号 CERT-{n}", "会议纪要"],
        "skills": {
            Skill.NEEDS_DISCOVERY: "需求挖掘",
            Skill.NEGOTIATION: "商务谈判",
            Skill.DIGITAL_TOOLS: "数字化工具",
            Skill.INDUSTRY: "行业知识",
        },
        "goals": [
            "掌握2个新行业的销售方法",
            "取得高级销售顾问认证",
            "熟练运用数据看板做客户经营分析",
            "提升大客户谈判成功率",
        ],
        "comments": [
            "",
            "",
            "经常分享行业案例",
            "跨部门协作积极",
            "乐于帮助新同事",
            "方案评审很投入",
        ],
        "cases": [
            (
                CaseKind.SUCCESS,
                "用SPIN提问拿下全厂推广项目",
                "通过三轮需求访谈挖出停线损失，量化痛点后客户决定全厂推广。",
                "先量化客户损失，再谈方案。",
                "spin,需求挖掘,制造业",
            ),
            (
                CaseKind.SUCCESS,
                "以分期付款化解预算顾虑",
                "客户年度预算不足，我们提出分期与服务包组合，按期签约。",
                "价格异议时先确认预算周期。",
                "谈判,付款方式",
            ),
            (
                CaseKind.FAILURE,
                "方案缺少实施计划导致丢单",
                "竞争对手提供了详细的实施排期，我们的方案只讲功能。",
                "方案必须附实施计划与里程碑。",
                "方案,丢单复盘",
            ),
            (
                CaseKind.SUCCESS,
                "老客户引荐带来新订单",
                "满意度高的老客户主动推荐了同行业客户。",
                "满意度≥90的客户及时邀请参与转介绍计划。",
                "转介绍,客户经营",
            ),
            (
                CaseKind.FAILURE,
                "长期未回访导致客户流失",
                "客户连续两个季度无人拜访，续约时转向竞品。",
                "重点客户每月至少一次触达。",
                "客户流失,回访",
            ),
            (
                CaseKind.SUCCESS,
                "产品演示聚焦客户场景",
                "演示直接用客户自己的数据，决策人当场认可。",
                "演示前拿到客户真实场景数据。",
                "演示,数字化工具",
            ),
            (
                CaseKind.FAILURE,
                "忽视采购流程延误签约",
                "没有提前了解客户招标流程，签约推迟一个季度。",
                "在方案阶段就确认决策链和采购流程。",
                "决策链,采购",
            ),
            (
                CaseKind.SUCCESS,
                "交叉销售维保服务包",
                "在季度回顾中发现设备老化问题，成功追加维保合同。",
                "季度业务回顾要带着升级建议去。",
                "交叉销售,维保",
            ),
            (
                CaseKind.FAILURE,
                "报价过早被压价",
                "在需求未明确时就报价，客户以此为底价反复压价。",
                "先确认需求与价值，再报价。",
                "谈判,报价",
            ),
            (
                CaseKind.SUCCESS,
                "联合产品团队解决定制需求",
                "把客户痛点反馈给产品团队，两周内给出定制方案。",
                "复杂需求尽早拉产品专家参与。",
                "产品反馈,跨部门协作",
            ),
            (
                CaseKind.SUCCESS,
                "竞品分析帮助赢得对比测试",
                "会前整理了竞品弱点，在对比测试中突出我们的优势。",
                "对比测试前做一次竞品分析。",
                "竞品分析,演示",
            ),
            (
                CaseKind.FAILURE,
                "交付问题影响满意度",
                "项目上线延期，客户满意度降到80以下。",
                "签约后与交付团队共同跟进上线节点。",
                "满意度,交付",
            ),
            (
                CaseKind.SUCCESS,
                "行业白皮书激活沉睡线索",
                "向半年未联系的线索发送行业白皮书，三家约了拜访。",
                "培育线索要给有价值的内容。",
                "线索培育,行业知识",
            ),
            (
                CaseKind.FAILURE,
                "单线联系决策人风险",
                "唯一的联系人离职，项目停滞。",
                "每个项目至少建立三个层级的联系人。",
                "决策链,客户关系",
            ),
            (
                CaseKind.SUCCESS,
                "用ROI测算打动财务负责人",
                "提供了投资回报测算表，财务负责人支持立项。",
                "面向财务讲回报周期，不讲功能。",
                "roi,谈判",
            ),
            (
                CaseKind.SUCCESS,
                "快速响应挽回不满客户",
                "客户投诉后24小时内上门，问题三天内解决。",
                "投诉处理要快，并复盘原因。",
                "客户服务,满意度",
            ),
            (
                CaseKind.FAILURE,
                "忽视竞品降价信号",
                "竞品在客户处大幅降价，我们反应迟缓失去续约。",
                "定期收集竞品动态并在周会分享。",
                "竞品分析,续约",
            ),
            (
                CaseKind.SUCCESS,
                "沙盘演练后的谈判实战",
                "把沙盘演练的让步策略用于实际谈判，守住了毛利。",
                "让步要有条件、有节奏。",
                "谈判,沙盘演练",
            ),
        ],
    },
    "en": {
        "courses": [
            "SPIN consultative selling",
            "Key-account negotiation",
            "CRM and dashboards in practice",
            "Digital transformation in manufacturing",
            "Needs discovery and questioning",
            "Business etiquette and communication",
            "Presenting a solution",
            "Receivables and collections",
        ],
        "exams": [
            "SPIN course final exam",
            "Negotiation skills test",
            "Product knowledge exam",
            "Industry knowledge quiz",
        ],
        "sandbox": "Sales sandbox: {skill}",
        "certifications": [
            "Senior sales consultant certificate",
            "Solution specialist certificate",
            "Project management basics certificate",
        ],
        "meeting": "Quarterly competitor-analysis meeting",
        "evidence": ["Course record", "Exam transcript", "Certificate no. CERT-{n}", "Minutes"],
        "skills": {
            Skill.NEEDS_DISCOVERY: "needs discovery",
            Skill.NEGOTIATION: "negotiation",
            Skill.DIGITAL_TOOLS: "digital tools",
            Skill.INDUSTRY: "industry knowledge",
        },
        "goals": [
            "Master the sales method of 2 new industries",
            "Earn the senior sales consultant certificate",
            "Use the dashboards to analyse my accounts",
            "Win more key-account negotiations",
        ],
        "comments": [
            "",
            "",
            "Often shares industry cases",
            "Works well with other departments",
            "Helps new colleagues",
            "Very engaged in proposal reviews",
        ],
        "cases": [
            (
                CaseKind.SUCCESS,
                "SPIN questions won a plant-wide rollout",
                "Three discovery interviews uncovered the cost of line stoppages; once "
                "quantified, the customer rolled out plant-wide.",
                "Quantify the customer's loss before presenting the solution.",
                "spin,needs discovery,manufacturing",
            ),
            (
                CaseKind.SUCCESS,
                "Instalments removed a budget objection",
                "The customer's annual budget fell short; instalments plus a service package got "
                "the contract signed on time.",
                "On a price objection, first ask about the budget cycle.",
                "negotiation,payment terms",
            ),
            (
                CaseKind.FAILURE,
                "Lost: the proposal had no rollout plan",
                "The competitor showed a detailed rollout schedule; our proposal only listed "
                "features.",
                "Every proposal needs a rollout plan with milestones.",
                "proposal,lost deal review",
            ),
            (
                CaseKind.SUCCESS,
                "A loyal customer's referral brought a new order",
                "A very satisfied customer recommended us to a peer in the same industry.",
                "Invite customers scoring 90+ to the referral programme promptly.",
                "referral,account management",
            ),
            (
                CaseKind.FAILURE,
                "No visits for two quarters: customer lost",
                "Nobody visited the customer for two quarters; at renewal they moved to a "
                "competitor.",
                "Touch key accounts at least once a month.",
                "churn,follow-up",
            ),
            (
                CaseKind.SUCCESS,
                "A demo built on the customer's own data",
                "We demoed with the customer's own data and the decision maker agreed on the spot.",
                "Get real data from the customer before the demo.",
                "demo,digital tools",
            ),
            (
                CaseKind.FAILURE,
                "Purchasing process delayed the signature",
                "We did not learn the tender process early; signing slipped by a quarter.",
                "Confirm the decision chain and purchasing steps during solution design.",
                "decision chain,purchasing",
            ),
            (
                CaseKind.SUCCESS,
                "Cross-sold a maintenance package",
                "The quarterly review showed ageing equipment; we added a maintenance contract.",
                "Bring an upgrade proposal to every quarterly review.",
                "cross-selling,maintenance",
            ),
            (
                CaseKind.FAILURE,
                "Quoted too early and got squeezed",
                "We quoted before the needs were clear; the customer used it as a floor and kept "
                "pushing.",
                "Confirm needs and value first, then quote.",
                "negotiation,quotation",
            ),
            (
                CaseKind.SUCCESS,
                "Product team solved a custom need",
                "We passed the customer's pain point to the product team and had a custom plan in "
                "two weeks.",
                "Bring a product expert in early on complex needs.",
                "product feedback,cross-department",
            ),
            (
                CaseKind.SUCCESS,
                "Competitor analysis won a head-to-head test",
                "We listed the competitor's weak points beforehand and stressed our strengths in "
                "the test.",
                "Run a competitor analysis before a head-to-head test.",
                "competitor analysis,demo",
            ),
            (
                CaseKind.FAILURE,
                "Delivery problems hurt satisfaction",
                "Go-live slipped and the customer's satisfaction fell below 80.",
                "After signing, follow the go-live milestones with the delivery team.",
                "satisfaction,delivery",
            ),
            (
                CaseKind.SUCCESS,
                "An industry white paper revived dormant leads",
                "We sent an industry white paper to leads silent for six months; three booked "
                "visits.",
                "Nurture leads with content that is worth reading.",
                "lead nurturing,industry knowledge",
            ),
            (
                CaseKind.FAILURE,
                "A single contact is a risk",
                "Our only contact left the company and the project stalled.",
                "Build contacts on at least three levels in every project.",
                "decision chain,relationships",
            ),
            (
                CaseKind.SUCCESS,
                "An ROI model won over the CFO",
                "We gave the CFO a return-on-investment model and the project was approved.",
                "Talk payback to finance, not features.",
                "roi,negotiation",
            ),
            (
                CaseKind.SUCCESS,
                "A fast response saved an unhappy customer",
                "We visited within 24 hours of the complaint and fixed the issue in three days.",
                "Handle complaints fast and review the cause.",
                "customer service,satisfaction",
            ),
            (
                CaseKind.FAILURE,
                "Ignored a competitor's price cut",
                "A competitor cut prices sharply; we reacted late and lost the renewal.",
                "Collect competitor news regularly and share it at the weekly meeting.",
                "competitor analysis,renewal",
            ),
            (
                CaseKind.SUCCESS,
                "Sandbox practice paid off in a real negotiation",
                "The concession strategy from the sandbox held our margin in a real negotiation.",
                "Concede with conditions and at a steady pace.",
                "negotiation,sandbox",
            ),
        ],
    },
}


def _learning(rng, text, rep, start, today) -> list[LearningEntry]:
    entries = []
    keen = rng.random()  # how eager this rep is to learn
    month = periods.add_months(start, 0)
    n = 0
    while month <= today:
        month_end = min(periods.add_months(month, 1) - datetime.timedelta(days=1), today)
        courses = rng.choice([0, 1, 1, 2] if keen > 0.3 else [0, 0, 1, 1])
        for _ in range(courses):
            title = rng.choice(text["courses"])
            entries.append(
                LearningEntry(
                    rep=rep,
                    kind=LearningKind.COURSE,
                    title=title,
                    on=day_between(rng, month, month_end),
                    hours=Decimal(rng.choice([2, 4, 6, 8])),
                    evidence=text["evidence"][0],
                )
            )
            if rng.random() < 0.35:
                entries.append(
                    LearningEntry(
                        rep=rep,
                        kind=LearningKind.EXAM,
                        skill=rng.choice(SKILLS),
                        title=rng.choice(text["exams"]),
                        on=day_between(rng, month, month_end),
                        score=Decimal(rng.randint(60, 98)),
                        evidence=text["evidence"][1],
                    )
                )
        if month.month % 3 == 0:
            skill = rng.choice(SKILLS)
            entries.append(
                LearningEntry(
                    rep=rep,
                    kind=LearningKind.SANDBOX,
                    skill=skill,
                    title=text["sandbox"].format(skill=text["skills"][skill]),
                    on=day_between(rng, month, month_end),
                    score=Decimal(rng.randint(55 + int(keen * 20), 95)),
                    evidence=text["evidence"][1],
                )
            )
            entries.append(
                LearningEntry(
                    rep=rep,
                    kind=LearningKind.COMPETITOR_MEETING,
                    skill=Skill.INDUSTRY,
                    title=text["meeting"],
                    on=day_between(rng, month, month_end),
                    evidence=text["evidence"][3],
                )
            )
        if rng.random() < 0.06:
            n += 1
            entries.append(
                LearningEntry(
                    rep=rep,
                    kind=LearningKind.CERTIFICATION,
                    title=rng.choice(text["certifications"]),
                    on=day_between(rng, month, month_end),
                    evidence=text["evidence"][2].format(n=f"{rep.pk:03d}{n:02d}"),
                )
            )
        month = periods.add_months(month, 1)
    for entry in entries:
        moment = at_office_hours(rng, entry.on)
        entry.created_at = entry.updated_at = moment
    return entries


def _ratings(rng, text, reps, managers_of, keys, current_key) -> list[CollaborationRating]:
    by_team: dict = {}
    for rep in reps:
        by_team.setdefault(rep.team_id, []).append(rep)
    ratings = []
    for key in keys:
        share = 0.5 if key == current_key else 1.0  # the running quarter is half done
        start, end = periods.quarter_bounds(key)
        moment = at_office_hours(rng, min(end - datetime.timedelta(days=3), timezone.localdate()))
        for rated in reps:
            level = rng.choice([3, 3, 4, 4, 4, 5])
            peers = [p for p in by_team[rated.team_id] if p.pk != rated.pk]
            rng.shuffle(peers)
            # Most reps get 3-5 peers; a few only 2 (their peer mean stays hidden).
            count = rng.choice([2, 3, 4, 4, 5]) if len(peers) >= 5 else min(len(peers), 3)
            raters = [(p, RaterRole.PEER) for p in peers[:count]]
            raters += [(m, RaterRole.MANAGER) for m in managers_of.get(rated.team_id, [])]
            for rater, role in raters:
                if rng.random() > share:
                    continue
                ratings.append(
                    CollaborationRating(
                        rated=rated,
                        rater=rater,
                        rater_role=role,
                        period_key=key,
                        cross_department=max(1, min(5, level + rng.choice([-1, 0, 0, 1]))),
                        knowledge_sharing=max(1, min(5, level + rng.choice([-1, 0, 0, 1]))),
                        comment=rng.choice(text["comments"]),
                        created_at=moment,
                        updated_at=moment,
                    )
                )
    return ratings


def build(rng, context: dict) -> list[str]:
    text = words(context, TEXT)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=HISTORY_DAYS)
    reps = list(context.get("reps", []))
    managers = list(context.get("managers", []))
    people = reps + managers

    entries = []
    for rep in reps:
        entries.extend(_learning(rng, text, rep, start.replace(day=1), today))
    with historic_timestamps(LearningEntry):
        LearningEntry.objects.bulk_create(entries, batch_size=500)

    this_year = periods.fiscal_year_of(today)
    year_start, year_end = periods.fiscal_year_bounds(this_year)
    elapsed = Decimal((today - year_start).days) / Decimal((year_end - year_start).days)
    goals = []
    for rep in reps:
        for year in (this_year - 1, this_year):
            if year == this_year:
                progress = min(Decimal(100), (elapsed * Decimal(rng.randint(60, 130))).quantize(0))
            else:
                progress = Decimal(rng.choice([55, 70, 80, 90, 100, 100]))
            goals.append(
                CapabilityGoal(
                    rep=rep,
                    year=year,
                    title=rng.choice(text["goals"]),
                    progress=progress,
                    set_by=rep,
                )
            )
    CapabilityGoal.objects.bulk_create(goals)

    managers_of: dict = {}
    for team in context.get("teams", []):
        managers_of[team.pk] = list(team.managers.all())
    current_key = periods.quarter_key(today)
    keys = periods.recent_quarter_keys(today, 5)
    ratings = _ratings(rng, text, reps, managers_of, keys, current_key)
    with historic_timestamps(CollaborationRating):
        CollaborationRating.objects.bulk_create(ratings, batch_size=500)

    cases = []
    for kind, title, summary, lessons, tags in text["cases"]:
        author = rng.choice(people) if people else None
        meeting = day_between(rng, start, today)
        meeting -= datetime.timedelta(days=meeting.weekday())  # the Monday sales meeting
        moment = at_office_hours(rng, meeting)
        cases.append(
            SalesCase(
                author=author,
                team_id=getattr(author, "team_id", None),
                kind=kind,
                title=title,
                summary=summary,
                lessons=lessons,
                tags=tags,
                meeting_on=meeting,
                created_at=moment,
                updated_at=moment,
            )
        )
    with historic_timestamps(SalesCase):
        SalesCase.objects.bulk_create(cases)
    return []
