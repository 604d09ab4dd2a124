"""How the workbench words what the selectors return: countdowns in office time, the timeline,
verification flags as warnings, and the labels of the case's codes. Pure functions of their arguments,
no queries.

Words go through Django's translation (Chinese by default, English after the language switch). The
choices in `states.py` and `models.py` keep their plain Chinese labels, because the API, the service
messages and the docs diagram use them; the pages show the translated labels below instead, whose
msgids are the same Chinese words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from chengguan.cases import selectors
from chengguan.cases.models import Case
from chengguan.cases.states import OPEN_STATES, Action, CaseState
from chengguan.core import clock, deadlines
from chengguan.core.models import AuditEvent

STATE_LABELS = {
    CaseState.REPORTED: pgettext_lazy("case state", "已上报"),
    CaseState.FILED: pgettext_lazy("case state", "已立案"),
    CaseState.NOT_FILED: pgettext_lazy("case state", "不予立案"),
    CaseState.DISPATCHED: pgettext_lazy("case state", "已派遣"),
    CaseState.RETURNED: pgettext_lazy("case state", "已退回"),
    CaseState.IN_HANDLING: pgettext_lazy("case state", "处置中"),
    CaseState.HANDLED: pgettext_lazy("case state", "已反馈"),
    CaseState.REWORK: pgettext_lazy("case state", "返工"),
    CaseState.VERIFIED: pgettext_lazy("case state", "已核查"),
    CaseState.SUSPENDED: pgettext_lazy("case state", "缓办"),
    CaseState.CLOSED: pgettext_lazy("case state", "已结案"),
    CaseState.CANCELLED: pgettext_lazy("case state", "已作废"),
    CaseState.MERGED: pgettext_lazy("case state", "已合并"),
}
ACTION_LABELS = {
    Action.FILE: pgettext_lazy("case action", "立案"),
    Action.NOT_FILE: pgettext_lazy("case action", "不予立案"),
    Action.MERGE: pgettext_lazy("case action", "合并"),
    Action.DISPATCH: pgettext_lazy("case action", "派遣"),
    Action.REDISPATCH: pgettext_lazy("case action", "改派"),
    Action.RETURN: pgettext_lazy("case action", "退回"),
    Action.ACCEPT: pgettext_lazy("case action", "签收"),
    Action.HANDLE: pgettext_lazy("case action", "处置反馈"),
    Action.REQUEST_EXTENSION: pgettext_lazy("case action", "申请延期"),
    Action.APPROVE_EXTENSION: pgettext_lazy("case action", "批准延期"),
    Action.REFUSE_EXTENSION: pgettext_lazy("case action", "驳回延期"),
    Action.SUSPEND: pgettext_lazy("case action", "缓办"),
    Action.RESUME: pgettext_lazy("case action", "恢复办理"),
    Action.VERIFY: pgettext_lazy("case action", "核查通过"),
    Action.REWORK: pgettext_lazy("case action", "核查不通过（返工）"),
    Action.CLOSE: pgettext_lazy("case action", "结案"),
    Action.CANCEL: pgettext_lazy("case action", "作废"),
    Action.EVALUATE: pgettext_lazy("case action", "评价"),
    Action.REOPEN: pgettext_lazy("case action", "重新交办"),
}
SOURCE_LABELS = {
    "patrol": gettext_lazy("监督员上报"),
    "citizen": gettext_lazy("市民举报"),
    "hotline": gettext_lazy("12345热线"),
    "deputy": gettext_lazy("人大代表/政协委员"),
    "leader": gettext_lazy("领导交办"),
    "media": gettext_lazy("媒体曝光"),
    "video": gettext_lazy("视频巡查"),
    "live": gettext_lazy("直播执法"),
    "open311": gettext_lazy("Open311接口"),
}
DISPOSITION_LABELS = {
    "service": gettext_lazy("服务"),
    "management": gettext_lazy("管理"),
    "enforcement": gettext_lazy("执法"),
}
EVIDENCE_KIND_LABELS = {
    "photo": gettext_lazy("照片"),
    "video": gettext_lazy("视频"),
    "audio": gettext_lazy("音频"),
}
EVIDENCE_STAGE_LABELS = {
    "report": gettext_lazy("上报（处置前）"),
    "handle": gettext_lazy("处置后"),
    "verify": gettext_lazy("核查"),
    "other": gettext_lazy("其他"),
}
EXTENSION_STATUS_LABELS = {
    "pending": gettext_lazy("待审批"),
    "approved": gettext_lazy("已批准"),
    "refused": gettext_lazy("已驳回"),
}
SUPERVISION_LEVEL_LABELS = {
    "normal": gettext_lazy("一般督办"),
    "key": gettext_lazy("重点督办"),
    "listed": gettext_lazy("挂牌督办"),
}
CATEGORY_KIND_LABELS = {"component": gettext_lazy("部件"), "event": gettext_lazy("事件")}
TIME_UNIT_LABELS = {"working_hours": gettext_lazy("工作时"), "working_days": gettext_lazy("工作日")}
URGENCY_LABELS = {
    "normal": gettext_lazy("正常"),
    "warning": gettext_lazy("预警"),
    "overdue": gettext_lazy("超时"),
}
# What the person whose inbox holds a case is expected to do next.
NEXT_STEP = {
    CaseState.REPORTED: gettext_lazy("立案审核"),
    CaseState.FILED: pgettext_lazy("case action", "派遣"),
    CaseState.RETURNED: gettext_lazy("重新派遣"),
    CaseState.DISPATCHED: pgettext_lazy("case action", "签收"),
    CaseState.IN_HANDLING: pgettext_lazy("case action", "处置反馈"),
    CaseState.REWORK: gettext_lazy("返工处置"),
    CaseState.HANDLED: gettext_lazy("现场核查"),
    CaseState.VERIFIED: pgettext_lazy("case action", "结案"),
    CaseState.SUSPENDED: pgettext_lazy("case action", "恢复办理"),
}
EVENT_LABELS = {
    "case.report": gettext_lazy("上报"),
    "case.supervise": gettext_lazy("督办"),
    "case.supervision_reply": gettext_lazy("督办回复"),
    "case.evidence_added": gettext_lazy("补充材料"),
    "case.spam_marked": gettext_lazy("标记为恶意/无效举报"),
    "case.spam_unmarked": gettext_lazy("撤销恶意/无效举报标记"),
    **{f"case.{action}": label for action, label in ACTION_LABELS.items()},
}
# Reading a phone number is audited on the case but is not a step of its handling.
TIMELINE_HIDDEN = frozenset({"case.phone_viewed", "case.reporter_phone_viewed"})


def _lookup(labels: dict, value) -> str:
    return str(labels.get(value, value or ""))


def local_name(obj) -> str:
    """A category's (or major class's) English name for English readers when it has one."""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name_zh


def state_label(value: str) -> str:
    return _lookup(STATE_LABELS, value)


def action_label(value: str) -> str:
    return _lookup(ACTION_LABELS, value)


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
        if hours:
            return _("%(days)d天%(hours)d小时") % {"days": days, "hours": hours}
        return _("%(days)d天") % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)d小时%(minutes)d分") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d小时") % {"hours": hours}
    return _("%(minutes)d分") % {"minutes": max(minutes, 1)}


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
        text = _("超时 %(time)s") % {"time": office_duration(-left)} if left < -59 else _("已超时")
    else:
        text = _("剩余 %(time)s") % {"time": office_duration(left)}
    return Countdown(level, text, case.stage_due_at)


FLAG_TEXT = {
    "no_position": gettext_lazy("核查照片没有位置信息，无法核对拍摄地点。"),
    "no_time": gettext_lazy("核查照片没有拍摄时间，无法核对是否为处置后拍摄。"),
    "taken_before_handling": gettext_lazy("核查照片的拍摄时间早于处置反馈时间。"),
    "taken_in_future": gettext_lazy("核查照片的拍摄时间晚于当前时间，请核对设备时钟。"),
}


def flag_text(flag: str) -> str:
    if flag.startswith("far:"):
        return _("核查照片拍摄位置距案件位置约 %(metres)s 米，超出允许范围。") % {
            "metres": flag[4:].removesuffix("m")
        }
    return str(FLAG_TEXT.get(flag, flag))


def actor_name(event: AuditEvent) -> str:
    actor = event.actor
    if actor is None:
        return _("系统") if event.actor_label in ("", "system") else event.actor_label
    profile = getattr(actor, "profile", None)
    return profile.full_name if profile is not None else actor.username


def event_summary(event: AuditEvent) -> str:
    """A line of what an audit event changed, from the keys the services write into `after`."""
    after = event.after or {}
    parts: list[str] = []
    if after.get("grid") and event.action == "case.report":
        parts.append(_("网格 %(code)s") % {"code": after["grid"]})
    if after.get("unit_name"):
        parts.append(_("处置单位：%(name)s") % {"name": after["unit_name"]})
    if after.get("returned_by_unit"):
        parts.append(_("退回单位：%(name)s") % {"name": after["returned_by_unit"]})
    for key, title in (
        ("result", gettext_lazy("处置结果")),
        ("reason", gettext_lazy("原因")),
        ("instruction", gettext_lazy("督办意见")),
        ("reply", gettext_lazy("回复")),
    ):
        if after.get(key):
            parts.append(_("%(title)s：%(text)s") % {"title": title, "text": after[key]})
    if after.get("disposition") and event.action == "case.close":
        parts.append(_("处置方式：%(name)s") % {"name": _lookup(DISPOSITION_LABELS, after["disposition"])})
    if after.get("merged_into"):
        parts.append(_("并入案件 %(number)s") % {"number": after["merged_into"]})
    if after.get("amount") and after.get("unit"):
        parts.append(
            _("延期 %(amount)s %(unit)s")
            % {"amount": after["amount"], "unit": _lookup(TIME_UNIT_LABELS, after["unit"])}
        )
    if after.get("decision"):
        parts.append(_lookup(EXTENSION_STATUS_LABELS, after["decision"]))
    if after.get("level"):
        parts.append(_lookup(SUPERVISION_LEVEL_LABELS, after["level"]))
    if after.get("score"):
        parts.append(_("评分 %(score)s 分") % {"score": after["score"]})
    photos = after.get("evidence_sha256")
    if photos:
        parts.append(_("材料 %(count)d 份") % {"count": len(photos) if isinstance(photos, list) else 1})
    if after.get("verify_flags"):
        parts.append(_("提示：") + _("；").join(flag_text(f) for f in after["verify_flags"]))
    if after.get("delay_reason"):
        parts.append(_("超时原因：%(text)s") % {"text": after["delay_reason"]})
    if after.get("late"):
        parts.append(_("超时办结"))
    return _("；").join(parts)


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
            action=_lookup(EVENT_LABELS, e.action),
            who=actor_name(e),
            summary=event_summary(e),
            late=bool((e.after or {}).get("delay_reason") or (e.after or {}).get("late")),
        )
        for e in events
    ]
