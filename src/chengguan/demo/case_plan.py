"""The demo's year of cases as plain data: what is reported when and where, and what becomes of it.

No database here. `plan_year()` is deterministic for (seed, size, count, end): every case gets a
report time, source, category, position and a script of steps (who does what, how soon). The
executor (`cases_year.py`) plays the scripts through the case services and turns each step's lag
into a time from the due times the services computed.

Shares follow what district bureaus report about their 数字城管 work: street-order events dominate
(店外经营, 游商, 乱堆物堆料, 暴露垃圾, 小广告), components (井盖, 路灯) are a tenth; inspectors' patrols
find about 55 % of cases and the 12345 hotline a fifth; dispositions follow the 721 method.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field, replace

from chengguan.cases import limits
from chengguan.cases.states import CaseState
from chengguan.core import calendar, deadlines
from chengguan.core.clock import SHANGHAI
from chengguan.demo.names import People
from chengguan.demo.units import ROADS

# --- what is reported ----------------------------------------------------------------------------

SOURCES = (
    ("patrol", 55.0),
    ("hotline", 20.0),
    ("citizen", 12.0),
    ("video", 6.0),
    ("live", 2.5),
    ("deputy", 1.5),
    ("leader", 1.5),
    ("media", 1.5),
)

# (category code = kind prefix 10/20 + minor code, weight, what the reporter writes)
CATEGORIES: tuple[tuple[str, float, str], ...] = (
    ("200504", 14.0, "门店跨门槛经营，商品摆放占用人行道"),
    ("200501", 12.0, "流动摊贩占道经营，影响行人通行"),
    ("200507", 10.0, "人行道上乱堆物料、杂物"),
    ("200102", 9.0, "路边有暴露垃圾未及时清运"),
    ("200201", 8.0, "墙面、电杆上张贴非法小广告"),
    ("200505", 5.0, "机动车占用人行道停放"),
    ("200506", 5.0, "共享单车、电动车乱停乱放堵塞盲道"),
    ("200103", 4.0, "积存垃圾渣土未清理"),
    ("200104", 4.0, "路面不洁，有油污和散落垃圾"),
    ("200510", 3.0, "夜间露天烧烤，油烟扰民"),
    ("200503", 2.0, "占道收购废品，堆放杂乱"),
    ("200204", 2.0, "路口有人散发小广告"),
    ("200202", 2.0, "违规悬挂横幅广告"),
    ("200203", 1.5, "门店在人行道摆放广告牌"),
    ("200108", 1.5, "路边堆放废弃家具"),
    ("200107", 1.0, "长期停放的废弃车辆"),
    ("200116", 1.0, "餐馆油烟直排"),
    ("200302", 1.5, "工地裸土未覆盖，扬尘明显"),
    ("200303", 1.0, "施工废弃料堆放在路边"),
    ("200304", 1.0, "施工围挡占用道路"),
    ("200112", 1.0, "渣土车遗撒"),
    ("200511", 1.0, "沿街晾晒衣物"),
    ("200508", 1.0, "商户使用高音喇叭招揽顾客"),
    ("200101", 1.0, "楼顶私搭乱建"),
    ("200404", 0.6, "下水道堵塞，污水外溢"),
    ("200406", 0.6, "路段积水，影响通行"),
    ("200407", 0.3, "路面积雪结冰"),
    ("200199", 0.5, "其他市容环境问题"),
    ("100102", 0.9, "污水井盖破损"),
    ("100103", 0.9, "雨水井盖缺失，存在安全隐患"),
    ("100104", 0.8, "雨水箅子堵塞"),
    ("100118", 1.5, "路灯夜间不亮"),
    ("100305", 1.5, "垃圾箱破损、满溢"),
    ("100211", 0.5, "交通护栏倾倒"),
    ("100209", 0.3, "交通标志牌被遮挡"),
    ("100403", 0.5, "树池盖板缺失"),
    ("100402", 0.5, "行道树倾斜、断枝"),
    ("100203", 0.3, "公交站亭玻璃破损"),
    ("100126", 0.3, "健身器材损坏"),
    ("100301", 0.3, "公共厕所设施损坏"),
    ("100405", 0.5, "绿地被踩踏、堆放杂物"),
)
# Seasonal factors by month (1–12) for categories that follow the weather.
SEASONS = {
    "200510": (0.2, 0.2, 0.4, 0.8, 1.5, 2.5, 3.0, 3.0, 2.0, 1.0, 0.4, 0.2),  # 露天烧烤
    "200406": (0.1, 0.1, 0.3, 0.6, 1.0, 2.5, 4.0, 3.5, 1.5, 0.5, 0.1, 0.1),  # 道路积水
    "200407": (4.0, 3.0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0.5, 2.5),  # 积雪结冰
    "200302": (1.2, 1.0, 1.5, 1.5, 1.2, 0.8, 0.6, 0.6, 1.0, 1.2, 1.3, 1.2),  # 扬尘
}
# Hour-of-day weights (0–23) by channel: inspectors patrol in office hours, the hotline answers into
# the evening, video patrol runs around the clock.
_OFFICE = (0, 0, 0, 0, 0, 0, 0, 1, 6, 9, 9, 7, 2, 1, 6, 9, 9, 7, 2, 0, 0, 0, 0, 0)
_HOTLINE = (0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 2, 5, 7, 7, 6, 4, 4, 6, 7, 6, 5, 4, 4, 3, 2, 1, 0.6)
_VIDEO = (1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 3, 3, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1)
HOURS = {
    "patrol": _OFFICE,
    "live": _OFFICE,
    "leader": _OFFICE,
    "media": _OFFICE,
    "deputy": _OFFICE,
    "hotline": _HOTLINE,
    "citizen": _HOTLINE,
    "video": _VIDEO,
}
# Day weights: weekends and statutory holidays see fewer reports (fewer inspectors on patrol).
SATURDAY, SUNDAY, HOLIDAY = 0.7, 0.6, 0.45

# --- what becomes of it --------------------------------------------------------------------------

NOT_FILED_SHARE = 0.03
DUPLICATE_SHARE = 0.012
CANCEL_SHARE = 0.004
RETURN_SHARE = 0.03
EXTENSION_SHARE = 0.025
EXTENSION_APPROVED = 0.7
SUSPEND_SHARE = 0.008
SUSPEND_NEVER_RESUMED = 0.3
SUPERVISE_SHARE = 0.02
SUPERVISION_LATE_REPLY = 0.1
LATE_SHARE = 0.065
REWORK_SHARE = 0.04
EVALUATE_SHARE = 0.3
FAR_PHOTO_SHARE = 0.02
DISPOSITIONS = (("service", 70), ("management", 20), ("enforcement", 10))
# Categories whose party is usually a street-front shop, and the share of their cases the operator
# links to a merchant of the ledger in the case's grid when filing (when the grid has one).
MERCHANT_CATEGORIES = {
    "200504": 0.9,  # 店外经营
    "200508": 0.9,  # 高音喇叭招揽顾客
    "200203": 0.9,  # 门店广告牌
    "200116": 0.8,  # 餐馆油烟直排
    "200510": 0.5,  # 露天烧烤
    "200507": 0.3,  # 乱堆物料
}
# Cases reported in the last days: this share stops somewhere on the way, so the workbench shows
# open cases in every state (some past their due time).
STALL_WINDOW = dt.timedelta(days=3)
STALL_SHARE = 0.35
# Besides, every other one of the last cases stops in a chosen open state, in turn, so even a small
# demo has cases waiting in each of them.
STALL_TARGETS = (
    "reported",
    "filed",
    "dispatched",
    "in_handling",
    "returned",
    "handled",
    "extension",
    "rework",
    "verified",
    "suspended",
    "cancelled",
    "supervised",
)
STALL_LAST = 2 * (len(STALL_TARGETS) + 2)
WARNING_AT_END = 0.9

NOT_FILED_REASONS = (
    "经现场核实，问题不属于城市管理职责范围",
    "不符合立案标准：问题已自行消失",
    "上报信息不完整，无法确认位置",
    "属物业管理区域内部事务，已告知市民向物业反映",
)
CANCEL_REASONS = ("重复录入", "上报人撤回，经核实系误报")
RETURN_REASONS = ("非本单位职责，该点位属其他单位管理", "派遣单位有误，请改派属地中队")
EXTENSION_REASONS = ("需协调产权单位共同处置", "需采购更换材料", "当事人外出，需预约现场处理")
REFUSE_REASONS = ("延期理由不充分，请按时限处置",)
SUSPEND_REASONS = ("涉及拆迁片区，待片区改造统一处置", "需等待产权单位答复", "涉法涉诉，待司法结论")
REWORK_REASONS = ("现场复核问题仍存在", "处置不彻底，仍有残留", "反馈照片与现场不符")
DELAY_REASONS = (
    "同时段案件集中，处置力量不足",
    "当事人不在现场，需多次上门",
    "需协调相关单位配合",
    "恶劣天气影响作业",
)
SUPERVISE_TEXT = (
    "群众多次反映，请尽快处置并回复",
    "请于期限内处置到位，逐级回复",
    "领导关注事项，请重点督办",
)
REPLY_TEXT = ("已安排专人处置，现场已整改", "已约谈当事人，限期整改完毕", "已协调相关单位处置，持续跟踪")
RESULTS = {
    "service": (
        "已现场劝导当事人，问题已整改",
        "已协助商户规范经营，现场恢复整洁",
        "已清理完毕，现场恢复整洁",
    ),
    "management": ("已责令当事人限期整改并纳入门前三包管理", "已约谈责任单位，落实日常管理"),
    "enforcement": ("已依法调查取证并立案查处，现场已整改",),
}
EVALUATION_COMMENTS = ("处置及时，效果良好", "处置基本到位", "响应较慢", "")


@dataclass(frozen=True)
class Step:
    """One action of a case's script. `lag` says when it happens after the step before:
    "desk" minutes later (desk work at the command centre), "work" a share `u` of the office time
    left before the current stage's due time, "late" after the due time, "days" ½–10 working days later,
    "reply" before (or after) the supervision's reply due time."""

    action: str
    who: str
    lag: str
    u: float
    payload: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class CasePlan:
    index: int
    key: str
    reported_at: dt.datetime
    source: str
    category: str
    grid: int  # index into the sorted grid list
    fx: float  # position inside the grid's bounding box (0–1)
    fy: float
    description: str
    address: str
    reporter_name: str
    reporter_phone: str
    pick: int  # deterministic choice among eligible staff
    steps: tuple[Step, ...] = field(default=())
    duplicate_of: int | None = None


@dataclass(frozen=True)
class YearPlan:
    seed: int
    size: str
    count: int
    end: dt.datetime
    cases: tuple[CasePlan, ...]

    @property
    def start(self) -> dt.datetime:
        return self.end - dt.timedelta(days=365)


def run_key(seed: int, count: int, end: dt.datetime) -> str:
    """The prefix of the idempotency keys of one run: the run's parameters, readable back on resume."""
    return f"yr:{seed}:{count}:{end.astimezone(SHANGHAI):%Y%m%d%H%M}"


def _choice(rng: random.Random, table) -> str:
    return rng.choices([k for k, *_ in table], weights=[row[1] for row in table])[0]


def _day_weights(days: list[dt.date], rng: random.Random) -> list[float]:
    out = []
    for day in days:
        w = 1.0
        if calendar.is_statutory_holiday(day):
            w = HOLIDAY
        elif day.weekday() == 5:
            w = SATURDAY
        elif day.weekday() == 6:
            w = SUNDAY
        out.append(w * (0.85 + 0.3 * rng.random()))
    return out


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, largest remainder, summing exactly to `total`."""
    whole = sum(weights) or 1.0
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - shares[k]), k))
    for k in order[: total - sum(shares)]:
        shares[k] += 1
    return shares


def grid_weights(grid_count: int, rng: random.Random) -> list[float]:
    """Hot spots: most grids see a few cases, the grids by markets and main roads many."""
    weights = [rng.lognormvariate(0, 0.9) for _ in range(grid_count)]
    for k in rng.sample(range(grid_count), max(1, grid_count // 40)):
        weights[k] *= 8
    return weights


def plan_year(*, seed: int, size: str, count: int, end: dt.datetime, grid_count: int) -> YearPlan:
    """Every case of the year before `end`, in report order."""
    end = end.astimezone(SHANGHAI).replace(second=0, microsecond=0)
    start = end - dt.timedelta(days=365)
    rng = random.Random(f"chengguan-demo:{seed}:{size}:cases")
    # Cumulative once: `choices` would otherwise add up the 2,402 weights for every case (same draws).
    gcum = list(itertools.accumulate(grid_weights(grid_count, rng)))
    days = [start.date() + dt.timedelta(days=k) for k in range(366)]
    per_day = _split(count, _day_weights(days, rng))
    key = run_key(seed, count, end)
    cases: list[CasePlan] = []
    for day, n in zip(days, per_day, strict=True):
        day_rng = random.Random(f"{key}:{day.isoformat()}")
        people = People(day_rng)
        for _ in range(n):
            plan = _plan_case(day_rng, people, day, len(cases), key, gcum, start, end, cases)
            cases.append(plan)
    cases.sort(key=lambda c: (c.reported_at, c.index))
    _stall_last(cases, key, end)
    return YearPlan(seed=seed, size=size, count=count, end=end, cases=tuple(cases))


def _stall_last(cases: list[CasePlan], key: str, end: dt.datetime) -> None:
    """Give every other one of the newest cases a script that stops in one of `STALL_TARGETS`."""
    newest = [k for k in range(len(cases) - 1, -1, -1) if cases[k].duplicate_of is None][:STALL_LAST:2]
    for n, k in enumerate(sorted(newest[2:])):
        rng = random.Random(f"{key}:stall:{cases[k].index}")
        cases[k] = replace(cases[k], steps=_script_to(rng, STALL_TARGETS[n % len(STALL_TARGETS)]))
    # The two newest wait for filing and for dispatch with 90 % of their desk time used: "warning"
    # at the end, whatever the hour the year ends at.
    if len(newest) >= 2:
        first, second = newest[0], newest[1]
        reported_at = _at_share(end, limits.stage_limit(CaseState.REPORTED), WARNING_AT_END)
        cases[first] = replace(cases[first], reported_at=reported_at, steps=())
        file_step = _s(random.Random(f"{key}:stall:warning"), "file", "operator", "desk")
        filed_at = _at_share(end, limits.stage_limit(CaseState.FILED), WARNING_AT_END)
        reported_at = filed_at - dt.timedelta(minutes=desk_minutes(file_step.u))
        cases[second] = replace(cases[second], reported_at=reported_at, steps=(file_step,))
        cases.sort(key=lambda c: (c.reported_at, c.index))


def _at_share(end: dt.datetime, limit: limits.StageLimit, share: float) -> dt.datetime:
    """The moment from which `share` of a stage's office time is used up at `end` (to the second)."""

    def used(start: dt.datetime) -> float:
        due = deadlines.due_for_limit(start, limit.amount, limit.unit)
        total = deadlines.working_seconds_between(start, due) or 1.0
        return deadlines.working_seconds_between(start, end) / total

    low, high = end - dt.timedelta(days=30), end
    while (high - low).total_seconds() > 1:
        middle = low + (high - low) / 2
        if used(middle) > share:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def desk_minutes(u: float) -> float:
    """Minutes of desk work before the next step: mostly minutes, sometimes over an hour (late)."""
    return 3 + u * 40 if u < 0.93 else 45 + (u - 0.93) * 1000


def _script_to(rng: random.Random, target: str) -> tuple[Step, ...]:
    """A script that leaves the case in `target` ("extension": in handling with a pending request;
    "supervised": in handling under supervision, not yet replied)."""
    if target == "cancelled":
        return (_s(rng, "cancel", "shift_leader", "desk", reason=CANCEL_REASONS[0]),)
    head = [_s(rng, "file", "operator", "desk"), _s(rng, "dispatch", "dispatcher", "desk")]
    accept = _s(rng, "accept", "handler", "desk")
    handle = _s(rng, "handle", "handler", "work", result=RESULTS["service"][0])
    tails = {
        "reported": [],
        "filed": head[:1],
        "dispatched": head,
        "returned": [*head, _s(rng, "return", "handler", "desk", reason=RETURN_REASONS[0])],
        "in_handling": [*head, accept],
        "extension": [
            *head,
            accept,
            _s(rng, "request_extension", "handler", "work", reason=EXTENSION_REASONS[0]),
        ],
        "supervised": [*head, accept, _s(rng, "supervise", "leader", "work", level="key")],
        "suspended": [*head, accept, _s(rng, "suspend", "shift_leader", "work", reason=SUSPEND_REASONS[0])],
        "handled": [*head, accept, handle],
        "rework": [*head, accept, handle, _s(rng, "rework", "inspector", "work", reason=REWORK_REASONS[0])],
        "verified": [*head, accept, handle, _s(rng, "verify", "inspector", "work")],
    }
    return tuple(tails[target])


def _report_time(rng: random.Random, day: dt.date, source: str, start, end) -> dt.datetime:
    hour = rng.choices(range(24), weights=HOURS[source])[0]
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI) + dt.timedelta(
        seconds=rng.randrange(3600)
    )
    # The first and last day are partial: keep reports inside the year.
    if moment <= start:
        moment = start + dt.timedelta(minutes=rng.randrange(1, 600))
    if moment >= end:
        moment = end - dt.timedelta(minutes=rng.randrange(1, 600))
    return moment


def _category(rng: random.Random, month: int) -> tuple[str, str]:
    weights = [w * SEASONS.get(code, (1,) * 12)[month - 1] for code, w, _ in CATEGORIES]
    k = rng.choices(range(len(CATEGORIES)), weights=weights)[0]
    return CATEGORIES[k][0], CATEGORIES[k][2]


def _plan_case(rng, people, day, index, key, gcum, start, end, earlier) -> CasePlan:
    source = _choice(rng, SOURCES)
    reported_at = _report_time(rng, day, source, start, end)
    category, text = _category(rng, reported_at.month)
    grid = rng.choices(range(len(gcum)), cum_weights=gcum)[0]
    fx, fy = 0.1 + 0.8 * rng.random(), 0.1 + 0.8 * rng.random()
    duplicate_of = None
    if earlier and rng.random() < DUPLICATE_SHARE:
        # A second report of the same problem a little later: same category and place.
        original = earlier[-1 - rng.randrange(min(len(earlier), 5))]
        category, grid = original.category, original.grid
        fx, fy, text = original.fx, original.fy, original.description
        duplicate_of = original.index
    if duplicate_of is not None:
        later = earlier[duplicate_of].reported_at + dt.timedelta(minutes=10 + rng.randrange(300))
        reported_at = min(later, end - dt.timedelta(minutes=1))
    road, number = rng.choice(ROADS), rng.randrange(1, 400)
    public = source in ("hotline", "citizen")
    steps = _script(rng, duplicate_of is not None, stall=reported_at > end - STALL_WINDOW)
    return CasePlan(
        index=index,
        key=f"{key}:{index}",
        reported_at=reported_at,
        source=source,
        category=category,
        grid=grid,
        fx=fx,
        fy=fy,
        description=text if duplicate_of is not None else f"{road}{number}号附近{text}",
        address=f"{road}{number}号",
        reporter_name=people.full_name() if public else "",
        reporter_phone=people.mobile() if public else "",
        pick=rng.randrange(1_000_000),
        steps=steps,
        duplicate_of=duplicate_of,
    )


def _s(rng: random.Random, action: str, who: str, lag: str, **payload) -> Step:
    return Step(action, who, lag, rng.random(), tuple(payload.items()))


def _script(rng: random.Random, duplicate: bool, *, stall: bool) -> tuple[Step, ...]:
    """What happens to one case after its report, as a list of steps."""
    r = rng.random
    if duplicate:
        return (_s(rng, "merge", "operator", "desk"),)
    if r() < NOT_FILED_SHARE:
        return (_s(rng, "not_file", "operator", "desk", reason=rng.choice(NOT_FILED_REASONS)),)
    if r() < CANCEL_SHARE:
        return (_s(rng, "cancel", "shift_leader", "desk", reason=rng.choice(CANCEL_REASONS)),)
    steps = [_s(rng, "file", "operator", "desk"), _s(rng, "dispatch", "dispatcher", "desk")]
    if r() < RETURN_SHARE:
        steps += [
            _s(rng, "return", "handler", "desk", reason=rng.choice(RETURN_REASONS)),
            _s(rng, "dispatch", "dispatcher", "desk", redirect=True),
        ]
    steps.append(_s(rng, "accept", "handler", "desk"))
    if r() < SUPERVISE_SHARE:
        steps += [
            _s(rng, "supervise", "leader", "work", level=rng.choice(("normal", "normal", "key", "listed"))),
            _s(rng, "supervision_reply", "handler", "reply"),
        ]
    if r() < EXTENSION_SHARE:
        steps.append(_s(rng, "request_extension", "handler", "work", reason=rng.choice(EXTENSION_REASONS)))
        if r() < EXTENSION_APPROVED:
            steps.append(_s(rng, "approve_extension", "dispatcher", "desk", note="同意延期"))
        else:
            steps.append(_s(rng, "refuse_extension", "dispatcher", "desk", reason=REFUSE_REASONS[0]))
    if r() < SUSPEND_SHARE:
        steps.append(_s(rng, "suspend", "shift_leader", "work", reason=rng.choice(SUSPEND_REASONS)))
        if r() < SUSPEND_NEVER_RESUMED:
            return tuple(steps)
        steps.append(_s(rng, "resume", "shift_leader", "days"))
    disposition = _choice(rng, DISPOSITIONS)
    result = rng.choice(RESULTS[disposition])
    steps.append(_s(rng, "handle", "handler", "late" if r() < LATE_SHARE else "work", result=result))
    if r() < REWORK_SHARE:
        steps += [
            _s(rng, "rework", "inspector", "work", reason=rng.choice(REWORK_REASONS)),
            _s(rng, "handle", "handler", "work", result=result),
        ]
    steps.append(_s(rng, "verify", "inspector", "work", far=r() < FAR_PHOTO_SHARE))
    steps.append(_s(rng, "close", "operator", "desk", disposition=disposition))
    if r() < EVALUATE_SHARE:
        score = rng.choices((5, 4, 3, 2), weights=(60, 28, 9, 3))[0]
        steps.append(
            _s(rng, "evaluate", "leader", "days", score=score, comment=rng.choice(EVALUATION_COMMENTS))
        )
    if stall and r() < STALL_SHARE:
        steps = steps[: rng.randrange(len(steps))]
    return tuple(steps)


def delay_reason(u: float) -> str:
    return DELAY_REASONS[int(u * len(DELAY_REASONS)) % len(DELAY_REASONS)]


def reply_text(u: float) -> str:
    return REPLY_TEXT[int(u * len(REPLY_TEXT)) % len(REPLY_TEXT)]


def supervise_text(u: float) -> str:
    return SUPERVISE_TEXT[int(u * len(SUPERVISE_TEXT)) % len(SUPERVISE_TEXT)]
