"""The kinds of staff notification (what a user can mute or have sent by SMS) and the catalogue of
their messages, so every text a notification can show sits in one translatable place.

A notification stores a message id and its parameters, not the text: the text is rendered in the
reader's language when the page is shown (and in Chinese for an SMS). Parameters are data (case
numbers, unit names, due times already formatted as `YYYY-MM-DD HH:MM`), or codes that a message's
`labels` turn into words in the reader's language (the stage of a case, the level of a supervision).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    HANDOFF = "handoff", _("派遣与交办")
    REVIEW = "review", _("待我审核")
    DEADLINE_SOON = "deadline_soon", _("时限临近")
    OVERDUE = "overdue", _("已超期")
    ESCALATED = "escalated", _("超期升级")
    DISCLOSURE = "disclosure", _("公示撤回")
    LETTERS = "letters", _("责任书续签")
    JOB_FAILED = "job_failed", _("定时任务失败")


# Kinds worth an SMS when the user asks for one (the others wait for the next look at the bell).
URGENT_KINDS = frozenset({Kind.DEADLINE_SOON, Kind.OVERDUE, Kind.ESCALATED})
# Kinds nobody can mute in the notification centre: an escalation is the last word before a miss.
REQUIRED_KINDS = frozenset({Kind.ESCALATED})


# The step of the closed loop a case waits for, by the code the case jobs store.
STAGES = {
    "file": pgettext_lazy("notification stage", "立案"),
    "dispatch": pgettext_lazy("notification stage", "派遣"),
    "handle": pgettext_lazy("notification stage", "处置"),
    "verify": pgettext_lazy("notification stage", "核查"),
    "close": pgettext_lazy("notification stage", "结案"),
}
SUPERVISION_LEVELS = {
    "normal": pgettext_lazy("notification supervision", "一般督办"),
    "key": pgettext_lazy("notification supervision", "重点督办"),
    "listed": pgettext_lazy("notification supervision", "挂牌督办"),
}


def _job_label(name: str):
    """The label a scheduled job registered with (`core.schedule`), in the reader's language."""
    from chengguan.core import schedule

    try:
        return schedule.get(name).label
    except KeyError:
        return name


@dataclass(frozen=True)
class Message:
    kind: str
    text: str  # a lazy translation with %(name)s parameters
    # Parameters stored as codes, and the table (or function) that gives their words.
    labels: dict[str, dict | Callable] = field(default_factory=dict)


MESSAGES: dict[str, Message] = {
    "case.dispatched": Message(
        Kind.HANDOFF, _("案件 %(number)s（%(category)s）已派遣至%(unit)s，请签收处置。")
    ),
    "case.reopened": Message(Kind.HANDOFF, _("案件 %(number)s 经回访复核重新交办至%(unit)s，请再次处置。")),
    "case.returned": Message(Kind.HANDOFF, _("案件 %(number)s 被%(unit)s退回，请重新派遣。")),
    "case.handled": Message(Kind.REVIEW, _("案件 %(number)s 已处置反馈，等待您现场核查。")),
    "case.extension_requested": Message(Kind.REVIEW, _("案件 %(number)s 申请延期 %(amount)s，等待审批。")),
    "case.deadline_soon": Message(
        Kind.DEADLINE_SOON,
        _("案件 %(number)s 的%(stage)s时限不足 %(hours)s 个工作小时，%(due)s 到期。"),
        {"stage": STAGES},
    ),
    "case.overdue": Message(
        Kind.OVERDUE, _("案件 %(number)s 的%(stage)s已超期（%(due)s 到期）。"), {"stage": STAGES}
    ),
    "case.escalated_unit": Message(
        Kind.ESCALATED,
        _("%(unit)s办理的案件 %(number)s 已超期（%(due)s 到期），请督促办理。"),
    ),
    "case.escalated_bureau": Message(
        Kind.ESCALATED,
        _("案件 %(number)s 超期已逾 %(hours)s 个工作小时（%(unit)s，%(due)s 到期），请值班长督办。"),
    ),
    "supervision.raised": Message(
        Kind.HANDOFF,
        _("案件 %(number)s 被%(level)s：%(instruction)s 请于 %(due)s 前回复。"),
        {"level": SUPERVISION_LEVELS},
    ),
    "supervision.deadline_soon": Message(
        Kind.DEADLINE_SOON, _("案件 %(number)s 的督办回复时限不足 %(hours)s 个工作小时，%(due)s 到期。")
    ),
    "supervision.overdue": Message(Kind.OVERDUE, _("案件 %(number)s 的督办逾期未回复（%(due)s 到期）。")),
    "supervision.escalated": Message(
        Kind.ESCALATED, _("您督办的案件 %(number)s 逾期未回复（%(due)s 到期，%(unit)s）。")
    ),
    "penalty.review_waiting": Message(Kind.REVIEW, _("处罚案件 %(number)s 已调查终结，等待法制审核。")),
    "penalty.deadline_soon": Message(
        Kind.DEADLINE_SOON, _("处罚案件 %(number)s：%(period)s于 %(due)s 到期。")
    ),
    "penalty.overdue": Message(
        Kind.OVERDUE, _("处罚案件 %(number)s：%(period)s已于 %(due)s 到期，尚未完成。")
    ),
    "penalty.disclosure_withdrawn": Message(
        Kind.DISCLOSURE, _("处罚决定 %(decision)s 的公示已按期撤回（理由：%(reason)s）。")
    ),
    "letters.renewal": Message(
        Kind.LETTERS,
        _("%(year)s 年度门前三包责任书尚未备齐：%(missing)s 户营业商户还没有新年度责任书，请年底前续签。"),
    ),
    "job.failed": Message(Kind.JOB_FAILED, _("定时任务「%(job)s」运行失败：%(error)s"), {"job": _job_label}),
}


def render(message: str, params: dict) -> str:
    """The text of a stored notification in the active language."""
    spec = MESSAGES.get(message)
    if spec is None:
        return str(params.get("text", message))
    values = defaultdict(str, {key: ("" if value is None else value) for key, value in params.items()})
    for name, table in spec.labels.items():
        code = values.get(name)
        if callable(table) and code:
            values[name] = table(code)
        elif not callable(table) and code in table:
            values[name] = table[code]
    try:
        return str(spec.text) % values
    except (TypeError, ValueError):
        return str(spec.text)
