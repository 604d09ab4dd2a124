"""Demo welfare: 300 registered street vendors (about a third with a hardship category and its
separate consent), 12 designated vending spots with this term's pitch draw made and three of next
term's open for applications, a year of help records, and vendors named on the year's street-vending
cases. Everything goes through the welfare services as the bureau's system account, with the clock
pinned to when it happened."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from stdnum.cn import ric

from chengguan.core import clock
from chengguan.demo.names import People
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation, OrgKind
from chengguan.org.system import system_actor
from chengguan.welfare import selectors, services
from chengguan.welfare.models import Hardship, HelpRecord, ReferralTo, SpotKind

GOODS = ("水果", "蔬菜", "煎饼果子", "烤红薯", "小百货", "鲜花", "手机配件", "袜子鞋垫", "糖葫芦", "凉皮")
PLACES = ("路口", "地铁站口", "学校门口", "医院门口", "菜市场外", "公交站旁")
EVIDENCE = {
    Hardship.DIBAO: "低保证（民政局核发）",
    Hardship.DISABILITY: "残疾人证（二级）",
    Hardship.UNEMPLOYED: "失业登记证",
    Hardship.ELDERLY: "身份证（年满70周岁）",
    Hardship.OTHER: "社区出具的困难证明",
}
AID = (("大米", "10公斤"), ("面粉", "10公斤"), ("食用油", "5升"), ("棉衣", "1件"), ("生活用品", "1套"))
SPOTS = (
    ("BM-01", "建设路夜市便民疏导点", SpotKind.CONVENIENCE, 30),
    ("BM-02", "棉纺路早市疏导点", SpotKind.CONVENIENCE, 24),
    ("BM-03", "中原路摊点群", SpotKind.CLUSTER, 40),
    ("BM-04", "桐柏路临时摊点", SpotKind.TEMPORARY, 12),
    ("BM-05", "华山路便民疏导点", SpotKind.CONVENIENCE, 20),
    ("BM-06", "淮河路摊点群", SpotKind.CLUSTER, 36),
    ("BM-07", "秦岭路临时摊点", SpotKind.TEMPORARY, 10),
    ("BM-08", "伏牛路便民疏导点", SpotKind.CONVENIENCE, 18),
    ("BM-09", "汝河路夜市摊点群", SpotKind.CLUSTER, 32),
    ("BM-10", "颍河路临时摊点", SpotKind.TEMPORARY, 8),
    ("BM-11", "工人路便民疏导点", SpotKind.CONVENIENCE, 16),
    ("BM-12", "嵩山路早市疏导点", SpotKind.CONVENIENCE, 22),
)


@dataclass
class WelfareDemoSummary:
    vendors: int = 0
    spots: int = 0
    applications: int = 0
    help_records: int = 0
    case_links: int = 0
    seconds: float = 0.0


def _id_number(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    # The ID check knows when each region code was in use: 郑州市中原区 (410102) from 1984, 郑州市
    # (410100) before.
    county = "410102" if born.year >= 1984 else "410100"
    body = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads all but the last character


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), clock.SHANGHAI)


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def seed_welfare(
    bureau: Organisation, seed: int = 1, *, today: dt.date | None = None, vendors: int = 300
) -> WelfareDemoSummary:
    began = time.monotonic()
    rng = random.Random(f"chengguan-demo:{seed}:welfare")
    people = People(random.Random(f"chengguan-demo:{seed}:welfare-people"))
    today = today or clock.today()
    summary = WelfareDemoSummary()
    actor = system_actor(bureau)
    grids = list(Grid.objects.filter(community__bureau=bureau).order_by("code"))
    squads = list(Organisation.objects.filter(bureau=bureau, kind=OrgKind.SQUAD).order_by("pk"))
    if not grids or not squads:
        return summary
    year_ago = today - dt.timedelta(days=365)

    # The register, built up over the year.
    registered = []
    for i in range(vendors):
        grid = rng.choice(grids)
        hardship = rng.choice(Hardship.values) if rng.random() < 0.3 else ""
        day = year_ago + dt.timedelta(days=int(i * 300 / vendors))
        with clock.pinned(_at(day)):
            extra = (
                dict(hardship=hardship, hardship_evidence=EVIDENCE[hardship], sensitive_consent=True)
                if hardship
                else {}
            )
            registered.append(
                services.vendor_register(
                    actor=actor,
                    bureau=bureau,
                    consent=True,
                    name=people.full_name(),
                    id_number=_id_number(rng) if rng.random() < 0.8 else "",
                    phone=people.mobile(),
                    goods=rng.choice(GOODS),
                    usual_place=f"{grid.name if hasattr(grid, 'name') else grid.code}{rng.choice(PLACES)}",
                    lon=grid.centroid_lon,
                    lat=grid.centroid_lat,
                    **extra,
                )
            )
    summary.vendors = len(registered)

    # The spots, and this term's draw of each (announced a month before the term, drawn at its start).
    term = _quarter_start(today)
    step = max(1, len(grids) // len(SPOTS))
    spots = []
    with clock.pinned(_at(year_ago)):
        for k, (code, name, kind, pitches) in enumerate(SPOTS):
            grid = grids[(k * step) % len(grids)]
            spots.append(
                services.spot_create(
                    actor=actor,
                    bureau=bureau,
                    code=code,
                    name=name,
                    kind=kind,
                    address=name.replace("便民疏导点", "").replace("摊点群", "").replace("临时摊点", ""),
                    lon=grid.centroid_lon,
                    lat=grid.centroid_lat,
                    pitches=pitches,
                    capacity=pitches + 4,
                    opening_hours="06:00-09:00" if "早市" in name else "17:30-23:00",
                    rules="按编号摊位经营，不得超出划线范围；收摊后清理垃圾；不得占用盲道和消防通道。",
                    managing_unit=squads[k % len(squads)],
                )
            )
    summary.spots = len(spots)
    pool = list(registered)
    rng.shuffle(pool)
    announced = term - dt.timedelta(days=30)
    for k, spot in enumerate(spots):
        applicants = [pool.pop() for _ in range(min(len(pool), spot.pitches + 4 - (k % 3) * 6))]
        with clock.pinned(_at(announced)):
            draw = services.draw_announce(
                actor=actor,
                spot=spot,
                term=f"{term.year}年第{(term.month - 1) // 3 + 1}季度",
                term_start=term,
                term_end=_quarter_start(term + dt.timedelta(days=95)) - dt.timedelta(days=1),
                applications_close_at=_at(term - dt.timedelta(days=3), 17),
            )
            for v in applicants:
                services.draw_apply(actor=actor, draw=draw, vendor=v)
        summary.applications += len(applicants)
        with clock.pinned(_at(term - dt.timedelta(days=2), 9)):
            services.draw_transition(actor=actor, draw=draw, action="close")
            services.draw_transition(actor=actor, draw=draw, action="draw")
    # Next term's draws are open on three spots.
    following = _quarter_start(term + dt.timedelta(days=95))
    with clock.pinned(_at(today, 9)):
        for k, spot in enumerate(spots[:3]):
            draw = services.draw_announce(
                actor=actor,
                spot=spot,
                term=f"{following.year}年第{(following.month - 1) // 3 + 1}季度",
                term_start=following,
                term_end=_quarter_start(following + dt.timedelta(days=95)) - dt.timedelta(days=1),
                applications_close_at=_at(following - dt.timedelta(days=3), 17),
            )
            for v in registered[k * 5 : (k + 1) * 5]:
                if v.is_hardship or rng.random() < 0.5:
                    services.draw_apply(actor=actor, draw=draw, vendor=v)
                    summary.applications += 1

    # A year of help: goods every quarter for the hardship vendors, referrals and follow-ups.
    hardship = [v for v in registered if v.is_hardship]
    for v in hardship:
        for quarter in range(4):
            day = max(v.created_at.date(), year_ago + dt.timedelta(days=quarter * 91 + rng.randrange(60)))
            if day > today:
                continue
            what, quantity = rng.choice(AID)
            with clock.pinned(_at(day)):
                services.help_record(
                    actor=actor,
                    vendor=v,
                    kind="goods",
                    on=day,
                    what=what,
                    quantity=quantity,
                    given_by=squads[0].name,
                )
        if rng.random() < 0.35:
            day = min(today, v.created_at.date() + dt.timedelta(days=20))
            with clock.pinned(_at(day)):
                referral = services.help_record(
                    actor=actor,
                    vendor=v,
                    kind="referral",
                    on=day,
                    referral_to=rng.choice(ReferralTo.values),
                    given_by=squads[0].name,
                )
            back = min(today, day + dt.timedelta(days=30))
            with clock.pinned(_at(back, 15)):
                services.help_record(
                    actor=actor,
                    vendor=v,
                    kind="follow_up",
                    on=back,
                    follow_up_of=referral,
                    outcome=rng.choice(
                        (
                            "已到岗工作",
                            "已在市场租到摊位",
                            "已办理临时救助",
                            "已参加培训",
                            "暂未落实，继续跟进",
                        )
                    ),
                )

    # Vendors named on the year's street-vending cases (the 721 offer shows on the first of each).
    from chengguan.cases.models import Case

    codes = selectors.vending_categories(bureau.pk)
    cases = list(
        Case.objects.filter(bureau=bureau, category__code__in=codes).order_by("reported_at", "pk")[:60]
    )
    for case in cases:
        with clock.pinned(case.reported_at):
            services.vendor_link_case(actor=actor, vendor=rng.choice(registered), case=case)
        summary.case_links += 1
    summary.help_records = HelpRecord.objects.filter(bureau=bureau).count()
    summary.seconds = time.monotonic() - began
    return summary
