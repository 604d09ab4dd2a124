"""Demo campaigns: three special actions in the year — a closed one (渣土车 construction-waste
trucks) with its summary on the portal, one under way (夜市占道经营) and one planned (户外广告) —
with their phases and tasks, partner departments and their contacts (the demo's 协作部门联络员 works
at the police), joint operations, the problems they filed as cases, a penalty case and a police
support request. Everything goes through the campaigns services (which file cases through the cases
services and penalty cases through the enforcement services) as the people concerned, with the
clock pinned to when it happened."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chengguan.campaigns import services
from chengguan.campaigns.models import Campaign
from chengguan.core import clock
from chengguan.core.pdf import OfficialDocument
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind, PartnerType, StaffProfile
from chengguan.org.roles import RoleCode as R
from chengguan.taxonomy.models import Category

PROBLEMS = ("占道经营", "店外经营", "车辆撒漏")
KINDS = ("占道经营", "渣土车", "户外广告", "违法建设", "油烟", "夜市")
PARTIES = (
    {"kind": "person", "name": "孙建国", "id_number": "410102198506123413"},
    {"kind": "person", "name": "周海峰", "id_number": "410102197911052434"},
)


@dataclass
class CampaignDemoSummary:
    campaigns: int = 0
    operations: int = 0
    cases: int = 0
    seconds: float = 0.0


def _user(bureau, role: str, kind: str | None = None, username: str | None = None):
    qs = StaffProfile.objects.filter(organisation__bureau=bureau, roles__code=role).select_related("user")
    if username:
        hit = qs.filter(user__username=username).first()
        if hit:
            return hit.user
    if kind:
        qs = qs.filter(organisation__kind=kind)
    p = qs.order_by("pk").first()
    return p.user if p else None


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), clock.SHANGHAI)


def _weekday(day: dt.date) -> dt.date:
    """The first working day from `day` (operations run on working days in the demo)."""
    from chengguan.core import calendar

    return calendar.working_day_on_or_after(day)


def _request_letter(bureau, police) -> bytes:
    doc = OfficialDocument(authority=bureau.name, title="协助执法函")
    doc.paragraph(f"{police.name}：")
    doc.paragraph(
        "我局在渣土车专项整治联合行动中，当事人多次阻碍执法人员依法执行职务。请贵局派员到场协助，维护执法秩序。"
    )
    doc.seal(bureau.name, clock.today())
    doc.canvas.showPage()
    doc.canvas.save()
    return doc._buffer.getvalue()


def seed_campaigns(
    bureau: Organisation, seed: int = 1, *, today: dt.date | None = None
) -> CampaignDemoSummary:
    began = time.monotonic()
    rng = random.Random(f"chengguan-demo:{seed}:campaigns")
    today = today or clock.today()
    summary = CampaignDemoSummary()
    admin = _user(bureau, R.ADMIN, username="admin")
    leader = _user(bureau, R.LEADER, username="leader")
    lead_leader = _user(bureau, R.SQUAD_LEADER, username="squad_leader")
    handler = _user(bureau, R.HANDLER, username="handler")
    inspector = _user(bureau, R.INSPECTOR, username="inspector")
    if not all((admin, leader, lead_leader, handler, inspector)):
        return summary
    squad = lead_leader.profile.organisation
    officers = [
        p.user
        for p in StaffProfile.objects.filter(organisation=squad, roles__code=R.HANDLER).order_by("pk")[:3]
    ]
    if handler not in officers:
        officers = [handler, *officers][:3]
    partners = {
        o.partner_type: o
        for o in Organisation.objects.filter(bureau=bureau, kind=OrgKind.PARTNER).order_by("pk")
    }
    police, market = partners.get(PartnerType.POLICE), partners.get(PartnerType.MARKET)
    land, ecology = partners.get(PartnerType.NATURAL_RESOURCES), partners.get(PartnerType.ECOLOGY)
    traffic = partners.get(PartnerType.TRAFFIC_POLICE)
    if police is None or market is None:
        return summary
    grids = list(Grid.objects.filter(squad=squad).order_by("code")[:12]) or list(
        Grid.objects.filter(subdistrict__bureau=bureau).order_by("code")[:12]
    )
    departments = list(
        Organisation.objects.filter(bureau=bureau, kind=OrgKind.SQUAD).exclude(pk=squad.pk)[:2]
    )

    def cats(*codes):
        return list(Category.objects.filter(code__in=codes, classification__is_active=True))

    with transaction.atomic():
        with clock.pinned(_at(today - dt.timedelta(days=200), 9)):
            kinds = {
                name: services.campaign_kind_add(actor=admin, bureau=bureau, name=name) for name in KINDS
            }

        # 1. Closed: construction-waste trucks, five to three months ago.
        start = today - dt.timedelta(days=150)
        end = today - dt.timedelta(days=90)
        with clock.pinned(_at(start - dt.timedelta(days=7), 10)):
            closed = services.campaign_create(
                actor=lead_leader,
                bureau=bureau,
                name=f"{start.year}年渣土车专项整治行动",
                kind=kinds["渣土车"],
                starts_on=start,
                ends_on=end,
                lead_unit=squad,
                units=departments,
                whole_district=True,
                categories=cats("200507", "200102"),
                goals=[
                    {"name": "查处渣土车违法问题", "metric": "found", "target": 40},
                    {"name": "整改到位", "metric": "put_right", "target": 30},
                    {"name": "立案处罚", "metric": "penalties", "target": 2},
                ],
                partners=[
                    {
                        "organisation": traffic or police,
                        "contact_name": "刘志强",
                        "contact_phone": "13903710001",
                    },
                    {"organisation": ecology or market, "contact_name": "陈静"},
                ],
                description="联合交警、生态环境部门，重点整治渣土车未密闭、沿途撒漏和随意倾倒。",
            )
        _plan_tasks(closed, lead_leader, squad, traffic or police, start, rng)
        with clock.pinned(_at(start, 8, 30)):
            services.campaign_transition(actor=lead_leader, campaign=closed, action="start")
        _operations(
            summary,
            closed,
            lead_leader,
            inspector,
            handler,
            officers,
            traffic or police,
            grids,
            start,
            end,
            rng,
        )
        _report_tasks(closed, lead_leader, start, end)
        with clock.pinned(_at(end, 17)):
            summary.cases += services.campaign_attach_cases(actor=lead_leader, campaign=closed)
            services.campaign_transition(actor=lead_leader, campaign=closed, action="begin_closing")
        with clock.pinned(_at(end + dt.timedelta(days=5), 10)):
            services.campaign_transition(
                actor=lead_leader,
                campaign=closed,
                action="close",
                summary=(
                    "本次专项整治坚持“源头管控、路面查处、联合惩戒”，与交警部门开展夜查和联合执法，"
                    "对渣土车未密闭运输、沿途撒漏等问题依法查处。\n"
                    "下一步将建立渣土运输企业信用档案，推动常态长效管理。"
                    "举报电话 13903710001 已转交警联络员刘志强。"
                ),
            )
            services.summary_publish(actor=lead_leader, campaign=closed)

        # 2. Under way: the night market, from a month ago for two months.
        start = today - dt.timedelta(days=30)
        with clock.pinned(_at(start - dt.timedelta(days=5), 10)):
            running = services.campaign_create(
                actor=lead_leader,
                bureau=bureau,
                name="夜市占道经营专项整治",
                kind=kinds["夜市"],
                starts_on=start,
                ends_on=today + dt.timedelta(days=30),
                lead_unit=squad,
                units=departments[:1],
                grids=grids,
                categories=cats("200501", "200504", "200506"),
                goals=[
                    {"name": "发现问题", "metric": "found", "target": 60},
                    {"name": "整改到位", "metric": "put_right", "target": 50},
                    {"name": "清理占道摊点", "metric": "reported", "target": 80, "unit_label": "处"},
                ],
                partners=[
                    {"organisation": police, "contact_name": "李建军", "contact_phone": "13903710002"},
                    {"organisation": market, "contact_name": "王丽"},
                ],
                description="规范夜市经营秩序，清理占道摊点，联合市场监管部门核查无证经营。",
            )
        _plan_tasks(running, lead_leader, squad, police, start, rng, market=market, goal="清理占道摊点")
        with clock.pinned(_at(start, 8, 30)):
            services.campaign_transition(actor=lead_leader, campaign=running, action="start")
        _operations(
            summary,
            running,
            lead_leader,
            inspector,
            handler,
            officers,
            police,
            grids,
            start,
            today - dt.timedelta(days=1),
            rng,
        )
        _report_tasks(running, lead_leader, start, today - dt.timedelta(days=2))
        with clock.pinned(_at(today - dt.timedelta(days=1), 18)):
            summary.cases += services.campaign_attach_cases(actor=lead_leader, campaign=running)

        # 3. Planned: outdoor advertising, from in two weeks.
        with clock.pinned(_at(today - dt.timedelta(days=3), 10)):
            planned = services.campaign_create(
                actor=lead_leader,
                bureau=bureau,
                name="户外广告专项整治",
                kind=kinds["户外广告"],
                starts_on=today + dt.timedelta(days=14),
                ends_on=today + dt.timedelta(days=75),
                lead_unit=squad,
                whole_district=True,
                categories=cats("200201", "200203"),
                goals=[{"name": "拆除违规户外广告", "metric": "found", "target": 100}],
                partners=[{"organisation": land or market, "contact_name": "赵明"}],
                description="整治未经批准设置的大型户外广告和破损广告牌。",
            )
            phase = services.task_add(actor=lead_leader, campaign=planned, kind="phase", title="摸底排查")
            services.task_add(
                actor=lead_leader,
                campaign=planned,
                kind="task",
                title="排查辖区户外广告设施",
                parent=phase,
                assignee=squad,
                due_on=today + dt.timedelta(days=28),
            )
        summary.campaigns = Campaign.objects.filter(bureau=bureau).count()
    summary.seconds = time.monotonic() - began
    return summary


def _plan_tasks(campaign, actor, squad, partner, start, rng, *, market=None, goal=None) -> None:
    goal_row = campaign.goals.filter(name=goal).first() if goal else None
    with clock.pinned(_at(start - dt.timedelta(days=2), 15)):
        first = services.task_add(actor=actor, campaign=campaign, kind="phase", title="宣传发动")
        second = services.task_add(actor=actor, campaign=campaign, kind="phase", title="集中整治")
        services.task_add(
            actor=actor,
            campaign=campaign,
            kind="task",
            title="张贴告知书、约谈经营者",
            parent=first,
            assignee=squad,
            due_on=start + dt.timedelta(days=5),
        )
        services.task_add(
            actor=actor,
            campaign=campaign,
            kind="task",
            title="清理占道摊点" if goal else "路面查处违规渣土车",
            parent=second,
            assignee=squad,
            goal=goal_row,
            target=60 if goal else None,
            due_on=start + dt.timedelta(days=25),
        )
        services.task_add(
            actor=actor,
            campaign=campaign,
            kind="task",
            title="派警力维护现场秩序",
            parent=second,
            assignee=partner,
            goal=goal_row,
            target=20 if goal else None,
            due_on=start + dt.timedelta(days=20),
        )
        if market is not None:
            services.task_add(
                actor=actor,
                campaign=campaign,
                kind="task",
                title="核查无证经营",
                parent=second,
                assignee=market,
                due_on=start + dt.timedelta(days=12),
            )


def _report_tasks(campaign, lead, start, last) -> None:
    from chengguan.org import selectors as org_selectors

    for n, task in enumerate(campaign.tasks.filter(kind="task").select_related("assignee").order_by("pk")):
        day = min(last, start + dt.timedelta(days=6 + 4 * n))
        if task.assignee.kind == OrgKind.PARTNER:
            contacts = org_selectors.staff_holding(R.PARTNER_CONTACT, unit=task.assignee)
            actor = contacts[0] if contacts else lead
        else:
            actor = lead
        with clock.pinned(_at(day, 17)):
            services.task_report(
                actor=actor,
                task=task,
                figure=8 + n * 3,
                text=f"{task.assignee.name}：{task.title}，本阶段完成 {8 + n * 3} 处，现场秩序良好。",
                completes=n % 2 == 0 and campaign.state == "under_way" and day < last,
            )


def _operations(
    summary, campaign, lead, inspector, handler, officers, partner, grids, start, end, rng
) -> None:
    days = sorted(
        {_weekday(start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))) for _ in range(4)}
    )
    for k, day in enumerate(d for d in days if d <= end):
        grid = grids[k % len(grids)]
        lon, lat = grid.centroid_lon, grid.centroid_lat
        with clock.pinned(_at(day, 20 if campaign.kind.name == "夜市" else 9)):
            op = services.operation_record(
                actor=lead,
                campaign=campaign,
                kind="inspection",
                starts_at=_at(day, 19 if campaign.kind.name == "夜市" else 9),
                ends_at=_at(day, 21, 30) if campaign.kind.name == "夜市" else _at(day, 11, 30),
                place=f"{grid.name or grid.code}周边",
                lon=lon,
                lat=lat,
                units=[lead.profile.organisation, partner],
                officers=officers,
                participants=[
                    {
                        "name": rng.choice(("张伟", "王磊", "李娜", "刘洋")),
                        "department": partner,
                        "cert_no": f"J{410102000 + k}",
                    }
                ],
                findings=f"检查路段 {3 + k} 条，发现问题 {2 + k % 2} 处，现场整改 1 处。",
            )
            summary.operations += 1
            for j in range(2 + k % 2):
                summary.cases += 1
                services.operation_file_problem(
                    actor=inspector,
                    operation=op,
                    source="patrol",
                    category=campaign.categories.order_by("code")[j % campaign.categories.count()],
                    description=f"{campaign.kind.name}专项行动中发现：{PROBLEMS[j % 3]}",
                    lon=lon + 0.0001 * j,
                    lat=lat,
                    unit=lead.profile.organisation,
                )
            if k == 0:
                penalty = services.operation_open_penalty(
                    actor=handler,
                    operation=op,
                    facts=f"{campaign.kind.name}专项行动中查实：经责令改正拒不改正",
                    parties=[dict(PARTIES[0])],
                    officers=officers[:2],
                )
                if campaign.kind.name == "渣土车":
                    services.support_request_record(
                        actor=lead,
                        operation=op,
                        kind="police",
                        addressed_to=partner,
                        document=SimpleUploadedFile("request.pdf", _request_letter(campaign.bureau, partner)),
                        who_came="交警中队民警 2 名",
                        outcome="当事人停止阻碍，车辆暂扣待处理",
                        penalties=[penalty.penalty],
                    )
