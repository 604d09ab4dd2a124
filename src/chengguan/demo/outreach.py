"""The demo's public side: eight activities of the year (held with their registrations, check-ins,
volunteers' hours and summary for those past, open for registration for those to come), two dozen
volunteers, six live-streamed enforcement sessions with about 50,000 cumulative viewers, and the
media's reports of them — through the outreach services, as the bureau's system account."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.apps import apps

from chengguan.core import clock
from chengguan.core.clock import SHANGHAI
from chengguan.org.models import Organisation, StaffProfile
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from chengguan.outreach import services

# (kind, title, place, month offset from today, quota)
ACTIVITIES = (
    ("big_hand", "大手拉小手 · 寒假城管小卫士", "数字化城管指挥中心", -10, 30),
    ("open_day", "城管开放日 · 走进指挥中心", "局机关", -8, 40),
    ("volunteer_day", "城管志愿者活动日 · 清洁家园", "棉纺社区", -7, 50),
    ("netizen_day", "网友城管体验日 · 夜市巡查", "建设路夜市", -5, 20),
    ("big_hand", "大手拉小手 · 垃圾分类进校园", "建设路小学", -4, 45),
    ("volunteer_day", "城管志愿者活动日 · 文明交通劝导", "中原路与桐柏路口", -2, 50),
    ("netizen_day", "网友城管体验日 · 跟着队员上一天班", "建设路中队", -1, 20),
    ("open_day", "城管开放日 · 执法装备展示", "局机关", 1, 60),
)
# (platform, title, place, cumulative viewers, peak): the five past sessions add up to 50,000.
BROADCASTS = (
    ("douyin", "直播执法 · 夜市占道经营整治", "建设路夜市", 12400, 3100),
    ("kuaishou", "直播执法 · 渣土车夜查", "西三环出入口", 8900, 2200),
    ("channels", "直播执法 · 户外广告清理", "中原路", 6200, 1500),
    ("douyin", "直播执法 · 违法建设拆除", "棉纺路 12 号院", 14900, 4200),
    ("weibo", "直播执法 · 餐饮油烟检查", "桐柏路美食街", 7600, 1900),
    ("douyin", "直播执法 · 早市秩序整治", "西站路早市", 0, 0),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋"
GIVEN = ("志强", "秀英", "建华", "丽娟", "海涛", "晓燕", "国庆", "文静", "子涵", "浩然", "雨桐", "俊杰")
SKILLS = ("摄影", "急救", "交通劝导", "宣传讲解", "手语", "无人机", "外语", "心理疏导")
COMMENTS = (
    ("郑州老李", "执法很文明，点赞！", "谢谢支持，我们会继续规范执法。"),
    ("棉纺路居民", "早上这里也经常占道，能来看看吗？", "已记下，明早安排巡查。"),
    ("路过的小王", "队员辛苦了", ""),
)
OUTLETS = ("河南日报", "郑州晚报", "大河报", "河南广播电视台", "郑州发布")


@dataclass
class OutreachDemoSummary:
    activities: int = 0
    registrations: int = 0
    volunteers: int = 0
    broadcasts: int = 0
    cumulative_viewers: int = 0
    media_reports: int = 0
    seconds: float = 0.0


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _month_from(today: dt.date, months: int, day: int) -> dt.date:
    index = today.year * 12 + today.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, day)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def seed_outreach(
    bureau: Organisation, seed: int = 1, *, today: dt.date | None = None
) -> OutreachDemoSummary:
    began = time.monotonic()
    rng = random.Random(f"chengguan-demo:{seed}:outreach")
    today = today or clock.today()
    summary = OutreachDemoSummary()
    from chengguan.outreach.models import Activity

    if Activity.objects.filter(bureau=bureau).exists():  # seeded by an earlier run
        return summary
    actor = system_actor(bureau)
    volunteers = [
        services.volunteer_register(
            actor=actor,
            bureau=bureau,
            name=_person(rng),
            phone=f"137{seed % 10}{n:07d}",
            skills="、".join(rng.sample(SKILLS, 2)),
        )
        for n in range(24)
    ]
    summary.volunteers = len(volunteers)
    activities = []
    for kind, title, place, months, quota in ACTIVITIES:
        starts = _at(_month_from(today, months, 10 + len(activities)), 9)
        closes = starts - dt.timedelta(days=3)
        with clock.pinned(min(closes - dt.timedelta(days=20), clock.now())):
            a = services.activity_create(
                actor=actor,
                bureau=bureau,
                kind=kind,
                title=title,
                plan=f"{title}：活动介绍、现场体验、互动交流和合影留念。",
                place=place,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                quota=quota,
                registration_closes_at=closes,
            )
            a = services.activity_transition(actor=actor, activity=a, action="publish")
        activities.append(a)
        past = starts < clock.now()
        count = rng.randint(quota // 2, quota) if past else rng.randint(3, quota // 3)
        with clock.pinned(closes - dt.timedelta(days=1) if past else clock.now()):
            rows = []
            for n in range(count):
                child = kind == "big_hand" and n % 2 == 0
                birth = dt.date(
                    today.year - (rng.randint(7, 12) if child else rng.randint(20, 60)),
                    rng.randint(1, 12),
                    15,
                )
                row, _created = services.registration_submit(
                    activity=a,
                    name=_person(rng),
                    phone=f"139{len(activities):02d}{n:06d}",
                    birth_date=birth,
                    guardian_name=_person(rng) if child else "",
                    guardian_phone=f"138{len(activities):02d}{n:06d}" if child else "",
                    guardian_consent=child,
                )
                rows.append(row)
        summary.registrations += len(rows)
        if not past:
            continue
        with clock.pinned(starts + dt.timedelta(minutes=20)):
            for row in rows:
                if rng.random() < 0.9:
                    services.registration_check_in(actor=actor, registration=row)
            for v in rng.sample(volunteers, 6 if kind == "volunteer_day" else 3):
                services.service_hours_record(
                    actor=actor, volunteer=v, activity=a, hours=rng.choice(("2", "3", "3.5"))
                )
        with clock.pinned(starts + dt.timedelta(hours=4)):
            services.activity_transition(
                actor=actor, activity=a, action="hold", summary=f"共 {len(rows)} 人参加，活动圆满完成。"
            )
    summary.activities = len(activities)
    for v in volunteers[:3]:
        if v.hours.exists():
            services.certificate_issue(actor=actor, volunteer=v)

    officers = [
        p.user
        for p in StaffProfile.objects.filter(organisation__bureau=bureau, roles__code=R.HANDLER).order_by(
            "pk"
        )[:6]
    ]
    operations = list(
        apps.get_model("campaigns", "Operation").objects.filter(campaign__bureau=bureau).order_by("pk")[:5]
    )
    cases = list(apps.get_model("cases", "Case").objects.filter(bureau=bureau).order_by("pk")[:5])
    sessions = []
    for n, (platform, title, place, cumulative, peak) in enumerate(BROADCASTS):
        upcoming = n == len(BROADCASTS) - 1
        day = today + dt.timedelta(days=5) if upcoming else _month_from(today, -9 + 2 * n, 20)
        starts = _at(day, 19)
        with clock.pinned(starts - dt.timedelta(days=7)):
            b = services.broadcast_schedule(
                actor=actor,
                bureau=bureau,
                title=title,
                platform=platform,
                stream_url=f"https://live.example.cn/{platform}/{seed}{n:02d}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                place=place,
                officers=officers[n % 3 : n % 3 + 2],
                operations=operations[n : n + 1],
                cases=cases[n : n + 1],
            )
        sessions.append(b)
        if upcoming:
            continue
        with clock.pinned(starts):
            b = services.broadcast_transition(actor=actor, broadcast=b, action="go_live")
            for minutes, (nickname, text, reply) in zip((15, 40, 75), COMMENTS, strict=True):
                services.highlight_add(
                    actor=actor,
                    broadcast=b,
                    nickname=nickname,
                    text=text,
                    reply=reply,
                    said_at=starts + dt.timedelta(minutes=minutes),
                )
        with clock.pinned(starts + dt.timedelta(hours=2)):
            b = services.broadcast_viewers_record(actor=actor, broadcast=b, peak=peak, cumulative=cumulative)
            services.broadcast_transition(
                actor=actor, broadcast=b, action="end", summary=f"{title}，现场查处问题并接受网友监督。"
            )
        summary.cumulative_viewers += cumulative
    summary.broadcasts = len(sessions)

    deeds = list(apps.get_model("people", "Deed").objects.filter(bureau=bureau).order_by("pk")[:3])
    held = [a for a in activities if a.starts_at < clock.now()]
    reports = [(b.title, {"broadcasts": [b]}, b.starts_at) for b in sessions[:5]]
    reports += [(a.title, {"activities": [a]}, a.starts_at) for a in held[:4]]
    reports += [(d.title, {"deeds": [d]}, _at(d.happened_on, 12)) for d in deeds]
    for n, (headline, links, when) in enumerate(reports):
        published = (when + dt.timedelta(days=1)).astimezone(SHANGHAI).date()
        if published > today:
            continue
        services.media_report_record(
            actor=actor,
            bureau=bureau,
            outlet=OUTLETS[n % len(OUTLETS)],
            headline=f"{headline.split(' · ')[-1]}：城管在行动",
            published_on=published,
            link=f"https://news.example.cn/{seed}/{n:03d}.html",
            tone="negative" if n == 7 else "positive" if n % 3 else "neutral",
            **links,
        )
        summary.media_reports += 1
    summary.seconds = time.monotonic() - began
    return summary
