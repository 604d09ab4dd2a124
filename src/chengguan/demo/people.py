"""The demo's training, honours and deeds: a legal-training session every month of this year (held
and signed in for the months past, planned for those to come), two honours programmes with their
published winners, and six exemplary deeds of the kinds the bureau makes known — through the people
services, as the bureau's system account."""

from __future__ import annotations

import datetime as dt
import random

from chengguan.core import clock
from chengguan.core.clock import SHANGHAI
from chengguan.org.models import StaffProfile
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.people import services
from chengguan.people.models import Certificate, in_force_on

# (kind, topic, title, lecturer, organisation, hours)
SESSIONS = (
    ("lecture", "law", "《行政处罚法》修订要点解读", "李明", "郑州大学法学院", 3),
    ("lecture", "law", "《城市市容和环境卫生管理条例》适用", "王芳", "区司法局", 2),
    ("seminar", "skills", "执法文书制作与卷宗评查案例研讨", "赵强", "局法制科", 2),
    ("meeting", "skills", "以会代训：门前三包与占道经营执法规范", "刘洋", "局法制科", 1),
    ("lecture", "incidents", "街面突发事件处置与执法记录仪使用", "陈刚", "区公安分局", 2),
    ("exam", "law", "上半年法律知识考试", "", "局法制科", 2),
    ("lecture", "law", "《行政强制法》与强制执行申请", "孙丽", "区人民法院", 3),
    ("seminar", "skills", "文明执法与群众工作方法交流", "周敏", "市城管局", 2),
    ("lecture", "law", "行政复议与行政诉讼应诉实务", "吴涛", "河南某律师事务所", 3),
    ("meeting", "incidents", "以会代训：汛期与极端天气应急值守", "郑华", "区应急管理局", 1),
    ("lecture", "skills", "违法建设查处程序与证据固定", "冯雪", "区自然资源和规划局", 2),
    ("exam", "law", "年度法律知识考试", "", "局法制科", 2),
)
# The kinds of the issue, and a sixth; the last is kept from the public page (no consent recorded).
DEEDS = (
    (
        "仁义城管：雨夜守护摔倒老人",
        "雨夜巡查中发现一位摔倒的老人，队员为其撑伞、联系家属并送医。",
        "建设路与桐柏路口",
        True,
    ),
    (
        "桥上劝下轻生女子",
        "巡查途中发现一名女子站在桥栏外，队员耐心劝导四十分钟，将其安全劝下并交民警。",
        "金水河桥",
        True,
    ),
    ("两名队员与持刀男子搏斗", "一男子持刀威胁路人，两名队员上前将其制服，无群众受伤。", "中原路夜市", True),
    ("护送走失母女回家", "一对走失的外地母女在街头求助，队员查询地址后将二人护送回家。", "棉纺路", True),
    (
        "协助民警抓获偷车贼",
        "队员发现有人撬盗电动自行车，当场追赶并协助民警将其抓获。",
        "伏牛路小区门口",
        True,
    ),
    (
        "拾金不昧归还商户货款",
        "队员在巡查中拾到装有两万余元货款的提包，联系失主如数归还。",
        "西站路市场",
        False,
    ),
)
MEDIA = ("郑州日报", "大河报", "郑州晚报", "河南广播电视台")


def _officers(bureau, today: dt.date) -> list:
    holders = Certificate.objects.filter(in_force_on(today), bureau=bureau).values("holder_id")
    return [
        p.user
        for p in StaffProfile.objects.filter(
            organisation__bureau=bureau, user_id__in=holders, user__is_active=True
        )
        .exclude(roles__code=RoleCode.SYSTEM)
        .select_related("user")
        .order_by("pk")
    ]


def _second_thursday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 7)


def seed_people(bureau, seed: int, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    rng = random.Random(f"chengguan-demo:{seed}:people")
    actor = system_actor(bureau)
    officers = _officers(bureau, today)
    now = clock.now()
    held = 0
    for month, (kind, topic, title, lecturer, org, hours) in enumerate(SESSIONS, start=1):
        starts = dt.datetime.combine(_second_thursday(today.year, month), dt.time(14, 30), SHANGHAI)
        session = services.training_plan(
            actor=actor,
            bureau=bureau,
            kind=kind,
            topic=topic,
            title=title,
            lecturer=lecturer,
            lecturer_org=org,
            place="局三楼会议室",
            starts_at=starts,
            hours=hours,
        )
        if starts + dt.timedelta(hours=hours) > now:
            continue
        present = [u for u in officers if rng.random() < 0.8]
        services.training_attendance_record(actor=actor, session=session, staff=present)
        if kind == "exam":
            scores = {u.pk: rng.randrange(62, 100) for u in present}
            services.training_scores_record(actor=actor, session=session, scores=scores)
        services.training_transition(actor=actor, session=session, action="hold")
        held += 1

    deeds = []
    for k, (title, what, place, consent) in enumerate(DEEDS):
        people = rng.sample(officers, 2 if "两名" in title else 1)
        happened = today - dt.timedelta(days=20 + 40 * k)
        report = [
            {
                "outlet": MEDIA[k % len(MEDIA)],
                "date": (happened + dt.timedelta(days=2)).isoformat(),
                "link": "",
            }
        ]
        deed = services.deed_record(
            actor=actor,
            bureau=bureau,
            title=title,
            what=what,
            happened_on=happened,
            place=place,
            people=people,
            witnesses="现场群众",
            media_reports=report if k < 4 else [],
            consent=consent,
            consent_note="本人书面同意" if consent else "",
        )
        services.deed_transition(actor=actor, deed=deed, action="submit")
        if k < 5:
            services.deed_transition(actor=actor, deed=deed, action="approve", payload={"note": "事迹属实"})
        if consent:
            services.deed_transition(actor=actor, deed=deed, action="publish")
        deeds.append(deed)

    programmes = []
    for name, quota, criteria in (
        ("党员示范岗", 3, "中共党员；全年无有效投诉；培训学时达标。"),
        ("文明执法标兵", 5, "执法规范文明，群众满意；全年办结案件较多；有先进事迹者优先。"),
    ):
        programme = services.programme_create(
            actor=actor,
            bureau=bureau,
            name=name,
            period_start=dt.date(today.year, 1, 1),
            period_end=dt.date(today.year, 12, 31),
            quota=quota,
            criteria=criteria,
        )
        pool = [u for u in officers if name != "党员示范岗" or u.profile.party_member] or officers
        for k, user in enumerate(rng.sample(pool, min(len(pool), quota + 2))):
            n = services.nomination_submit(
                actor=actor, programme=programme, nominee=user, reason="工作扎实，表现突出。"
            )
            services.nomination_transition(actor=actor, nomination=n, action="review")
            if k < quota:
                services.nomination_transition(actor=actor, nomination=n, action="approve")
                services.nomination_transition(actor=actor, nomination=n, action="publish")
        programmes.append(programme)
    return {"sessions": len(SESSIONS), "held": held, "deeds": len(deeds), "programmes": len(programmes)}
