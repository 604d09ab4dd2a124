"""How the workbench words what the selectors return: countdowns in office time, the timeline in
Chinese, verification flags as warnings. Pure functions of their arguments, no queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from chengguan.cases import selectors
from chengguan.cases.models import Case, SupervisionLevel
from chengguan.cases.states import OPEN_STATES, Action, CaseState, Disposition
from chengguan.core import clock, deadlines
from chengguan.core.models import AuditEvent
from chengguan.taxonomy.models import TimeUnit

URGENCY_LABELS = {"normal": "正常", "warning": "预警", "overdue": "超时"}
# What the person whose inbox holds a case is expected to do next.
NEXT_STEP = {
    CaseState.REPORTED: "立案审核",
    CaseState.FILED: "派遣",
    CaseState.RETURNED: "重新派遣",
    CaseState.DISPATCHED: "签收",
    CaseState.IN_HANDLING: "处置反馈",
    CaseState.REWORK: "返工处置",
    CaseState.HANDLED: "现场核查",
    CaseState.VERIFIED: "结案",
    CaseState.SUSPENDED: "恢复办理",
}
EVENT_LABELS = {
    "case.report": "上报",
    "case.supervise": "督办",
    "case.supervision_reply": "督办回复",
    "case.evidence_added": "补充材料",
    **{f"case.{value}": label for value, label in Action.choices},
}
EXTENSION_DECISIONS = {"approved": "已批准", "refused": "已驳回"}


@dataclass(frozen=True)
class Countdown:
    level: str  # "normal" | "warning" | "overdue"
    text: str
    due_at: dt.datetime

    @property
    def css(self) -> str:
        return f"due-{self.level}"


def _office_day_seconds() -> float:
    total = 0.0
    for start, end in deadlines.office_hours():
        total += (
            dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
        ).total_seconds()
    return total or 8 * 3600


def office_duration(seconds: float) -> str:
    """Office time as "1天3小时", "2小时15分" or "40分"; a day is one day of office hours."""
    seconds = max(0, int(seconds))
    day = int(_office_day_seconds())
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分" if minutes else f"{hours}小时"
    return f"{max(minutes, 1)}分"


@lru_cache(maxsize=4096)
def _whole_day_seconds(day: dt.date) -> float:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)
    return deadlines.working_seconds_between(start, start + dt.timedelta(days=1))


def office_seconds_between(a: dt.datetime, b: dt.datetime) -> float:
    """`deadlines.working_seconds_between`, with the whole days in between taken from a per-day cache,
    so a page of cases overdue by months costs a few dictionary lookups rather than a calendar walk
    per row."""
    if b < a:
        return -office_seconds_between(b, a)
    a, b = a.astimezone(clock.SHANGHAI), b.astimezone(clock.SHANGHAI)
    if a.date() == b.date():
        return deadlines.working_seconds_between(a, b)
    first_midnight = dt.datetime.combine(a.date() + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    last_midnight = dt.datetime.combine(b.date(), dt.time.min, tzinfo=clock.SHANGHAI)
    total = deadlines.working_seconds_between(a, first_midnight) + deadlines.working_seconds_between(
        last_midnight, b
    )
    day = first_midnight.date()
    while day < b.date():
        total += _whole_day_seconds(day)
        day += dt.timedelta(days=1)
    return total


def countdown(case: Case, now: dt.datetime | None = None) -> Countdown | None:
    """Office time left until the stage's due time (or past it), coloured by urgency."""
    now = now or clock.now()
    if case.state not in OPEN_STATES or case.state == CaseState.SUSPENDED or case.stage_due_at is None:
        return None
    level = selectors.urgency(case, now)
    left = office_seconds_between(now, case.stage_due_at)
    if level == "overdue":
        text = f"超时 {office_duration(-left)}" if left < -59 else "已超时"
    else:
        text = f"剩余 {office_duration(left)}"
    return Countdown(level, text, case.stage_due_at)


FLAG_TEXT = {
    "no_position": "核查照片没有位置信息，无法核对拍摄地点。",
    "no_time": "核查照片没有拍摄时间，无法核对是否为处置后拍摄。",
    "taken_before_handling": "核查照片的拍摄时间早于处置反馈时间。",
    "taken_in_future": "核查照片的拍摄时间晚于当前时间，请核对设备时钟。",
}


def flag_text(flag: str) -> str:
    if flag.startswith("far:"):
        return f"核查照片拍摄位置距案件位置约 {flag[4:].removesuffix('m')} 米，超出允许范围。"
    return FLAG_TEXT.get(flag, flag)


def actor_name(event: AuditEvent) -> str:
    actor = event.actor
    if actor is None:
        return "系统" if event.actor_label in ("", "system") else event.actor_label
    profile = getattr(actor, "profile", None)
    return profile.full_name if profile is not None else actor.username


def _label(choices, value) -> str:
    return dict(choices).get(value, value or "")


def event_summary(event: AuditEvent) -> str:
    """A line of what an audit event changed, from the keys the services write into `after`."""
    after = event.after or {}
    parts: list[str] = []
    if after.get("grid") and event.action == "case.report":
        parts.append(f"网格 {after['grid']}")
    if after.get("unit_name"):
        parts.append(f"处置单位：{after['unit_name']}")
    if after.get("returned_by_unit"):
        parts.append(f"退回单位：{after['returned_by_unit']}")
    for key, title in (
        ("result", "处置结果"),
        ("reason", "原因"),
        ("instruction", "督办意见"),
        ("reply", "回复"),
    ):
        if after.get(key):
            parts.append(f"{title}：{after[key]}")
    if after.get("disposition") and event.action == "case.close":
        parts.append(f"处置方式：{_label(Disposition.choices, after['disposition'])}")
    if after.get("merged_into"):
        parts.append(f"并入案件 {after['merged_into']}")
    if after.get("amount") and after.get("unit"):
        parts.append(f"延期 {after['amount']} {_label(TimeUnit.choices, after['unit'])}")
    if after.get("decision"):
        parts.append(EXTENSION_DECISIONS.get(after["decision"], after["decision"]))
    if after.get("level"):
        parts.append(_label(SupervisionLevel.choices, after["level"]))
    if after.get("score"):
        parts.append(f"评分 {after['score']} 分")
    photos = after.get("evidence_sha256")
    if photos:
        parts.append(f"材料 {len(photos) if isinstance(photos, list) else 1} 份")
    if after.get("verify_flags"):
        parts.append("提示：" + "；".join(flag_text(f) for f in after["verify_flags"]))
    if after.get("delay_reason"):
        parts.append(f"超时原因：{after['delay_reason']}")
    if after.get("late"):
        parts.append("超时办结")
    return "；".join(parts)


@dataclass(frozen=True)
class TimelineRow:
    at: dt.datetime
    action: str
    who: str
    summary: str
    late: bool


def timeline_rows(events) -> list[TimelineRow]:
    return [
        TimelineRow(
            at=e.created_at,
            action=EVENT_LABELS.get(e.action, e.action),
            who=actor_name(e),
            summary=event_summary(e),
            late=bool((e.after or {}).get("delay_reason") or (e.after or {}).get("late")),
        )
        for e in events
    ]
