"""A case's history as the case page and the API's timeline show it: one row per audited step, with
who took it and a line saying what it changed (from the keys the services write into the audit
event's `after`), and the verification flags worded as warnings. No queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.cases.models import CheckFinding, Disposition, ExtensionStatus, SupervisionLevel
from chengguan.cases.states import Action
from chengguan.core.models import AuditEvent
from chengguan.org.system import is_system
from chengguan.taxonomy.models import TimeUnit

# Audited steps that are not lifecycle actions; the actions are named by their own labels.
EVENT_LABELS = {
    "case.report": gettext_lazy("上报"),
    "case.supervise": gettext_lazy("督办"),
    "case.supervision_reply": gettext_lazy("督办回复"),
    "case.evidence_added": gettext_lazy("补充材料"),
    "case.spam_marked": gettext_lazy("标记为恶意/无效举报"),
    "case.spam_unmarked": gettext_lazy("撤销恶意/无效举报标记"),
    **{f"case.{action.value}": action.label for action in Action},
    # Steps the apps above write on a case (the portal, Open311, 反馈 and 回访 records).
    "portal.report": gettext_lazy("公众网上举报"),
    "open311.request": gettext_lazy("Open311 接口上报"),
    "case.feedback": gettext_lazy("向举报人反馈"),
    "case.callback": gettext_lazy("回访"),
    "callback.review": gettext_lazy("回访复核"),
}
# Reading a phone number is audited on the case but is not a step of its handling.
TIMELINE_HIDDEN = frozenset({"case.phone_viewed", "case.reporter_phone_viewed"})


def _label(choices: type[models.TextChoices], value) -> str:
    """The choice's label in the reader's language; a value the choices do not know, as it is."""
    return str(choices(value).label) if value in choices.values else str(value or "")


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
    if actor is None:  # an event whose account was never recorded (older events, anonymous callers)
        return _("系统") if event.actor_label in ("", "system") else event.actor_label
    if is_system(actor):
        return _("系统")
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
        parts.append(_("处置方式：%(name)s") % {"name": _label(Disposition, after["disposition"])})
    if after.get("finding") and event.action == "case.check":
        parts.append(_("核实结果：%(name)s") % {"name": _label(CheckFinding, after["finding"])})
        if after.get("check_note"):
            parts.append(_("核实情况：%(text)s") % {"text": after["check_note"]})
    if after.get("merged_into"):
        parts.append(_("并入案件 %(number)s") % {"number": after["merged_into"]})
    if after.get("amount") and after.get("unit"):
        parts.append(
            _("延期 %(amount)s %(unit)s")
            % {"amount": after["amount"], "unit": _label(TimeUnit, after["unit"])}
        )
    if after.get("decision"):
        parts.append(_label(ExtensionStatus, after["decision"]))
    if after.get("level"):
        parts.append(_label(SupervisionLevel, after["level"]))
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
            action=str(EVENT_LABELS.get(e.action, e.action)),
            who=actor_name(e),
            summary=event_summary(e),
            late=bool((e.after or {}).get("delay_reason") or (e.after or {}).get("late")),
        )
        for e in events
    ]
