"""Demo data of this app, built after the people (see apps/accounts/demo.py): industries,
customers (most of them customers for more than two years) with contacts and a health report
every quarter, customers lost (and two won back), market insights and product feedback.

Company names follow the Chinese pattern city + brand + trade (成都开元塑料有限公司; in English
"Chengdu Kaiyuan Plastics Co., Ltd."), the city from the rep's region; :func:`company_name` also
serves the leads demo.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.accounts.demo import rep_trend
from apps.core.choices import CompanySize
from apps.core.demo import HISTORY_DAYS, at_office_hours, day_between, historic_timestamps, words
from apps.core.quarters import quarters_before
from apps.core.text import normalise_company, normalise_email, normalise_phone
from apps.customers import services
from apps.customers.choices import (
    CustomerStatus,
    DemandIntent,
    FeedbackStatus,
    InsightKind,
    InsightSource,
    UsageFrequency,
)
from apps.customers.models import (
    Contact,
    Customer,
    HealthReport,
    Industry,
    MarketInsight,
    ProductFeedback,
)

TEXT = {
    "zh-hans": {
        # industry name, trade in a company name
        "industries": [
            ("制造业", "机械制造"),
            ("零售", "商贸"),
            ("物流", "物流"),
            ("医疗健康", "医疗器械"),
            ("金融", "融资租赁"),
            ("教育", "教育科技"),
            ("能源", "新能源"),
            ("汽车", "汽车零部件"),
            ("食品饮料", "食品"),
            ("建筑工程", "建设工程"),
            ("通信", "通信技术"),
            ("电子商务", "电子商务"),
        ],
        # cities per region (team 1, 2, 3)
        "regions": [
            ["上海", "苏州", "杭州", "南京", "宁波", "无锡"],
            ["北京", "天津", "青岛", "济南", "大连", "石家庄"],
            ["深圳", "广州", "佛山", "东莞", "厦门", "珠海"],
        ],
        "brands": [
            "开元",
            "恒泰",
            "新达",
            "华美",
            "瑞丰",
            "嘉禾",
            "隆盛",
            "天宇",
            "宝力",
            "金鼎",
            "鸿运",
            "远航",
            "明辉",
            "永信",
            "博源",
            "立达",
        ],
        "company": "{city}{brand}{trade}有限公司",
        "short": "{brand}{trade}",
        "contacts": [
            "张伟",
            "李娜",
            "王芳",
            "刘洋",
            "陈杰",
            "赵敏",
            "孙慧",
            "郭磊",
            "马丽",
            "何军",
        ],
        "titles": ["采购经理", "IT总监", "运营总监", "财务总监", "总经理", "生产经理"],
        "lost_reasons": [
            "改用价格更低的竞争对手产品，暂无复购计划。",
            "本地工厂关停，合作终止。",
            "集团统一采购，改由总部指定供应商。",
        ],
        "reactivate_reasons": [
            "新任采购总监重新评估后决定恢复合作。",
            "竞品实施失败，客户主动回来续签。",
        ],
        "health_notes": [
            "客户对上季度的响应速度表示满意。",
            "系统使用频率下降，需安排回访培训。",
            "客户提出新增分厂的需求，可跟进增购。",
            "有两个工单处理超时，客户有抱怨。",
            "客户IT团队更换负责人，需重新建立联系。",
            "客户计划明年扩大使用范围。",
        ],
        "insights": [
            (
                "制造企业优先考虑降本",
                InsightKind.PAIN_POINT,
                InsightSource.INTERVIEW,
                0,
                "工厂负责人在考虑新功能之前，首先要求降低库存成本、加快供应链响应。",
            ),
            (
                "连锁零售转向统一库存",
                InsightKind.TREND,
                InsightSource.REPORT,
                1,
                "行业报告预计，大多数中型连锁企业将在明年前打通门店与线上库存。",
            ),
            (
                "竞争对手免费赠送一年维保",
                InsightKind.COMPETITOR,
                InsightSource.EXHIBITION,
                2,
                "在物流峰会上，竞争对手对新签合同赠送12个月免费维保。",
            ),
            (
                "医院需要完整的审计记录",
                InsightKind.PAIN_POINT,
                InsightSource.INTERVIEW,
                3,
                "合规负责人要求每一次修改都有记录，并能导出以备检查。",
            ),
            (
                "新能源企业加快数字化投入",
                InsightKind.TREND,
                InsightSource.REPORT,
                6,
                "受政策推动，新能源企业今年的信息化预算普遍增长两成以上。",
            ),
            (
                "竞争对手以低价切入汽车零部件行业",
                InsightKind.COMPETITOR,
                InsightSource.OTHER,
                7,
                "某竞争对手以八折报价争取二级供应商，但实施团队人手不足。",
            ),
        ],
        "feedback": [
            ("库存报表批量导出", "客户希望按月一次导出所有仓库的库存报表。"),
            ("移动端审批采购单", "采购经理出差时需要在手机上审批。"),
            ("交付延迟时推送微信通知", "客户希望第一时间知道交付延迟。"),
            ("中文发票模板", "财务部门要求使用符合本地规范的发票格式。"),
            ("工厂级KPI看板", "生产经理希望按工厂查看关键指标。"),
            ("与钉钉打通单点登录", "客户全员使用钉钉，希望免密登录。"),
        ],
    },
    "en": {
        "industries": [
            ("Manufacturing", "Machinery"),
            ("Retail", "Trading"),
            ("Logistics", "Logistics"),
            ("Healthcare", "Medical Devices"),
            ("Finance", "Financial Leasing"),
            ("Education", "Education Technology"),
            ("Energy", "New Energy"),
            ("Automotive", "Auto Parts"),
            ("Food & Beverage", "Foods"),
            ("Construction", "Construction Engineering"),
            ("Telecommunications", "Communication Technology"),
            ("E-commerce", "E-commerce"),
        ],
        "regions": [
            ["Shanghai", "Suzhou", "Hangzhou", "Nanjing", "Ningbo", "Wuxi"],
            ["Beijing", "Tianjin", "Qingdao", "Jinan", "Dalian", "Shijiazhuang"],
            ["Shenzhen", "Guangzhou", "Foshan", "Dongguan", "Xiamen", "Zhuhai"],
        ],
        "brands": [
            "Kaiyuan",
            "Hengtai",
            "Xinda",
            "Huamei",
            "Ruifeng",
            "Jiahe",
            "Longsheng",
            "Tianyu",
            "Baoli",
            "Jinding",
            "Hongyun",
            "Yuanhang",
            "Minghui",
            "Yongxin",
            "Boyuan",
            "Lida",
        ],
        "company": "{city} {brand} {trade} Co., Ltd.",
        "short": "{brand} {trade}",
        "contacts": [
            "Zhang Wei",
            "Li Na",
            "Wang Fang",
            "Liu Yang",
            "Chen Jie",
            "Zhao Min",
            "Sun Hui",
            "Guo Lei",
            "Ma Li",
            "He Jun",
        ],
        "titles": [
            "Purchasing manager",
            "IT director",
            "Operations director",
            "CFO",
            "General manager",
            "Production manager",
        ],
        "lost_reasons": [
            "Switched to a cheaper competitor; no repurchase planned.",
            "Closed its local plant; cooperation ended.",
            "Group purchasing moved to a supplier chosen by headquarters.",
        ],
        "reactivate_reasons": [
            "The new purchasing director reviewed suppliers and came back to us.",
            "The competitor's rollout failed; the customer renewed with us.",
        ],
        "health_notes": [
            "Customer is happy with our response times last quarter.",
            "Usage is dropping; schedule a refresher training visit.",
            "Customer mentioned a new branch plant: follow up for an upsell.",
            "Two support tickets ran late; the customer complained.",
            "Customer's IT lead changed; we need to rebuild the relationship.",
            "Customer plans to roll out to more departments next year.",
        ],
        "insights": [
            (
                "Manufacturers want cost-cutting first",
                InsightKind.PAIN_POINT,
                InsightSource.INTERVIEW,
                0,
                "Plant managers ask for lower inventory cost and faster supply-chain response "
                "before any new feature.",
            ),
            (
                "Retail chains move to unified inventory",
                InsightKind.TREND,
                InsightSource.REPORT,
                1,
                "Industry reports expect most mid-size chains to unify store and online stock "
                "by next year.",
            ),
            (
                "Competitor bundles a year of free maintenance",
                InsightKind.COMPETITOR,
                InsightSource.EXHIBITION,
                2,
                "At the logistics summit a competitor offered 12 months of free maintenance "
                "with new deals.",
            ),
            (
                "Hospitals need audit trails",
                InsightKind.PAIN_POINT,
                InsightSource.INTERVIEW,
                3,
                "Compliance officers want every change logged and exportable for inspections.",
            ),
            (
                "New-energy companies speed up digital spending",
                InsightKind.TREND,
                InsightSource.REPORT,
                6,
                "Driven by policy, IT budgets of new-energy companies grew by a fifth or more "
                "this year.",
            ),
            (
                "Competitor undercuts prices in auto parts",
                InsightKind.COMPETITOR,
                InsightSource.OTHER,
                7,
                "A competitor quotes 20% below list to tier-2 suppliers, but its rollout team "
                "is short of people.",
            ),
        ],
        "feedback": [
            (
                "Bulk export of inventory reports",
                "Wants all warehouses' stock in one monthly export.",
            ),
            ("Mobile approval of purchase orders", "Purchasing managers approve while travelling."),
            ("WeChat notifications for delivery delays", "Wants to hear about delays at once."),
            ("Chinese invoice templates", "Finance needs invoices in the local format."),
            ("Plant-level KPI dashboard", "Production managers want key figures per plant."),
            ("Single sign-on with DingTalk", "Everyone at the customer uses DingTalk."),
        ],
    },
}


def region_of(context: dict, rep) -> int:
    """The position of the rep's team (its region) in the demo teams."""
    team_ids = [team.pk for team in context.get("teams", [])]
    return team_ids.index(rep.team_id) if rep.team_id in team_ids else 0


def company_name(rng, context: dict, region: int, industry: int | None = None):
    """A company name nobody in the demo has yet: ``(name, short name, industry position)``.
    Positions are drawn, not words, so both languages draw the same."""
    text = words(context, TEXT)
    taken = context.setdefault("company_keys", set())
    cities = text["regions"][region % len(text["regions"])]
    while True:
        key = (
            region,
            rng.randrange(len(cities)),
            rng.randrange(len(text["brands"])),
            rng.randrange(len(text["industries"])) if industry is None else industry,
        )
        if key not in taken:
            taken.add(key)
            break
    _region, city, brand, trade = key
    parts = {
        "city": cities[city],
        "brand": text["brands"][brand],
        "trade": text["industries"][trade][1],
    }
    name = text["company"].format(**parts)
    context.setdefault("short_names", {})[name] = text["short"].format(**parts)
    return name, context["short_names"][name], trade


def short_name(context: dict, name: str) -> str:
    return context.get("short_names", {}).get(name, name)


def _satisfactions(rng, trend: str, count: int) -> list[Decimal]:
    """``count`` quarterly satisfaction scores, oldest first, drifting with the rep's trend."""
    drift = {"improving": 1.2, "declining": -1.5, "struggling": -1.8}.get(trend, 0.0)
    score, scores = rng.uniform(66, 94), []
    for _ in range(count):
        score = min(98.0, max(60.0, score + drift + rng.uniform(-3.5, 3.5)))
        scores.append(Decimal(f"{score:.2f}"))
    return scores


def build(rng, context: dict) -> list[str]:
    text = words(context, TEXT)
    today = timezone.localdate()
    industries = Industry.objects.bulk_create(
        [Industry(name=name) for name, _trade in text["industries"]]
    )
    context["industries"] = industries
    context.setdefault("customer_since", {})

    customers: list[Customer] = []
    since: list[datetime.date] = []
    for rep in context.get("reps", []):
        for _ in range(rng.randint(3, 6)):
            name, _short, trade = company_name(rng, context, region_of(context, rep))
            number = len(customers) + 1
            phone = f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} {number:04d}"
            email = f"buyer{number}@customer{number}.example.cn"
            created = at_office_hours(
                rng, today - datetime.timedelta(days=rng.randint(90, HISTORY_DAYS + 400))
            )
            since.append(timezone.localtime(created).date())
            customers.append(
                Customer(
                    name=name,
                    company_key=normalise_company(name),
                    phone=phone,
                    phone_key=normalise_phone(phone),
                    email=email,
                    email_key=normalise_email(email),
                    owner=rep,
                    industry=industries[trade],
                    company_size=rng.choice(CompanySize.values),
                    created_at=created,
                    updated_at=created,
                    # No lead, so no lead grade: the converted leads' customers have one.
                )
            )
    # Some customers were lost in the last two years; two of them came back since.
    picked = rng.sample(range(len(customers)), k=min(5, len(customers)))
    lost, won_back = picked[:3], picked[3:]
    for index in picked:
        customer = customers[index]
        customer.status = CustomerStatus.LOST
        earliest = since[index] + datetime.timedelta(days=120)
        customer.lost_on = day_between(rng, min(earliest, today), today - datetime.timedelta(20))
        customer.lost_reason = rng.choice(text["lost_reasons"])

    # Health reports: every completed quarter since the customer was won (at most eight).
    reports: list[tuple[int, HealthReport]] = []
    for index, customer in enumerate(customers):
        quarters = [
            (year, quarter)
            for year, quarter in quarters_before(today, 8)
            if datetime.date(year, quarter * 3, 28) >= since[index]
            and (
                index not in lost
                or customer.lost_on is None
                or datetime.date(year, quarter * 3 - 2, 1) <= customer.lost_on
            )
        ]
        scores = _satisfactions(rng, rep_trend(context, customer.owner_id), len(quarters))
        for (year, quarter), score in zip(reversed(quarters), scores, strict=True):
            written = at_office_hours(
                rng,
                min(today, datetime.date(year + quarter // 4, quarter % 4 * 3 + 1, 1))
                + datetime.timedelta(days=rng.randint(0, 10)),
            )
            reports.append(
                (
                    index,
                    HealthReport(
                        year=year,
                        quarter=quarter,
                        usage_frequency=rng.choice(UsageFrequency.values[:4]),
                        new_demand_intent=rng.choice(DemandIntent.values),
                        issue_resolution_hours=Decimal(f"{rng.uniform(2, 72):.1f}"),
                        satisfaction=score,
                        notes=rng.choice(text["health_notes"]) if rng.random() < 0.4 else "",
                        author=customer.owner,
                        created_at=written,
                        updated_at=written,
                    ),
                )
            )
        if scores:
            customer.latest_satisfaction = scores[-1]

    with historic_timestamps(Customer, HealthReport):
        customers = Customer.objects.bulk_create(customers, batch_size=500)
        for index, report in reports:
            report.customer = customers[index]
        HealthReport.objects.bulk_create([report for _i, report in reports], batch_size=500)
    for customer, day in zip(customers, since, strict=True):
        context["customer_since"][customer.pk] = day

    # Two lost customers were won back: through the service, so the loss stays in the audit.
    managers = {m.team_id: m for m in context.get("managers", []) if m.team_id}
    context["reactivated"] = {}  # customer pk: the day it was lost before coming back
    for index in won_back:
        customer = customers[index]
        context["reactivated"][customer.pk] = customer.lost_on
        actor = managers.get(customer.owner.team_id) or customer.owner
        services.customer_reactivate(
            actor=actor, customer=customer, reason=rng.choice(text["reactivate_reasons"])
        )
    context["customers"] = customers

    contacts = []
    for customer in customers:
        for index in range(rng.randint(1, 3)):
            contacts.append(
                Contact(
                    customer=customer,
                    name=rng.choice(text["contacts"]),
                    title=rng.choice(text["titles"]),
                    phone=f"139{rng.randint(10000000, 99999999)}",
                    is_primary=index == 0,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=500)

    reps = context.get("reps", [])
    authors = reps[:: max(1, len(reps) // 5 or 1)]
    with historic_timestamps(MarketInsight, ProductFeedback):
        for index, (title, kind, source, industry, body) in enumerate(text["insights"]):
            if not authors:
                break
            author = authors[index % len(authors)]
            written = at_office_hours(
                rng, today - datetime.timedelta(days=rng.randint(5, HISTORY_DAYS - 30))
            )
            insight = MarketInsight.objects.create(
                title=title,
                kind=kind,
                source=source,
                industry=industries[industry],
                body=body,
                author=author,
                created_at=written,
                updated_at=written,
            )
            insight.customers.set([c for c in customers if c.owner_id == author.pk][:2])

        feedback = []
        for customer in rng.sample(customers, k=min(14, len(customers))):
            summary, detail = rng.choice(text["feedback"])
            days_ago = rng.randint(3, HISTORY_DAYS - 30)
            written = at_office_hours(rng, today - datetime.timedelta(days=days_ago))
            status = (
                rng.choice([FeedbackStatus.SENT, FeedbackStatus.CLOSED, FeedbackStatus.CLOSED])
                if days_ago > 90
                else rng.choice(FeedbackStatus.values)
            )
            feedback.append(
                ProductFeedback(
                    customer=customer,
                    summary=summary,
                    detail=detail,
                    status=status,
                    author=customer.owner,
                    created_at=written,
                    updated_at=written,
                )
            )
        ProductFeedback.objects.bulk_create(feedback)
    return []
