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
}


def register() -> None:
    for name, message in DUTY_MESSAGES.items():
        MESSAGES.setdefault(name, message)
