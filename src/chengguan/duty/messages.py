"""The staff notifications the duty app sends, added to the notification centre's catalogue (the
registry `notifications.kinds.MESSAGES`, filled from `DutyConfig.ready()`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.notifications.kinds import MESSAGES, Kind, Message

DUTY_MESSAGES = {
    "duty.finding_recorded": Message(
        Kind.HANDOFF, _("督察发现%(unit)s的问题（%(kind)s），请于 %(due)s 前整改并报告。")
    ),
    "duty.finding_reported": Message(Kind.REVIEW, _("%(unit)s已报告督察问题的整改情况，等待复查销号。")),
    "duty.finding_overdue": Message(
        Kind.ESCALATED, _("%(unit)s的督察问题（%(kind)s）整改已超期（%(due)s 到期），请督促整改。")
    ),
    "duty.action_item_assigned": Message(
        Kind.HANDOFF, _("%(meeting)s交办：%(title)s，请于 %(due)s 前办结。")
    ),
    "duty.action_item_overdue": Message(
        Kind.OVERDUE, _("%(meeting)s交办的事项已超期（%(due)s 到期）：%(title)s，将列入下次例会议程。")
    ),
    "duty.notice_issued": Message(
        Kind.HANDOFF, _("重大事项通报（%(level)s）：%(title)s，请于 %(due)s 前阅知。")
    ),
    "duty.notice_escalated": Message(
        Kind.ESCALATED, _("%(who)s 未按时阅知或回复重大事项通报（%(level)s）：%(title)s，请督促。")
    ),
    "duty.handover_waiting": Message(Kind.HANDOFF, _("%(unit)s %(date)s %(shift)s已交班，请接班确认。")),
}


def register() -> None:
    for name, message in DUTY_MESSAGES.items():
        MESSAGES.setdefault(name, message)
