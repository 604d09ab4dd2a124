"""The staff notifications the campaigns app sends, added to the notification centre's catalogue."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.notifications.kinds import MESSAGES, Kind, Message

CAMPAIGN_MESSAGES = {
    "campaigns.task_assigned": Message(
        Kind.HANDOFF, _("专项行动「%(campaign)s」交给%(unit)s一项任务：%(task)s，请于 %(due)s 前完成。")
    ),
    "campaigns.task_overdue": Message(
        Kind.OVERDUE, _("专项行动「%(campaign)s」的任务「%(task)s」已超期（%(due)s 到期），请尽快填报。")
    ),
}


def register() -> None:
    for name, message in CAMPAIGN_MESSAGES.items():
        MESSAGES.setdefault(name, message)
