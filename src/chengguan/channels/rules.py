"""Each outside channel's reply due time and the case source its items become.

Defaults (five working days) come from `core/data/legal_periods.yaml`: 12345 items follow
济南市12345市民服务热线条例(2018) 第二十四条 (承办单位五个工作日内办理并回复), the mayor's mailbox, deputies
and CPPCC members follow 上海市城市管理行政执法条例(2018) 第二十六条. A bureau bound by other local rules
sets `CHENGGUAN_CHANNEL_REPLY_DUE = {"deputy": {"days": 15, "working_days": True, "article": "…"}}`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from chengguan.cases.feedback_due import FeedbackRule, due_after, rule_from
from chengguan.cases.models import CaseSource
from chengguan.channels.models import Channel

DEFAULT_REPLY_RULES: dict[str, str] = {
    Channel.HOTLINE_12345: "jinan_reply",
    Channel.MAYOR_MAILBOX: "shanghai_cg_report_feedback",
    Channel.DEPUTY: "shanghai_cg_report_feedback",
    Channel.CPPCC: "shanghai_cg_report_feedback",
}
# The mayor's mailbox is one of the lines merged into 12345 (国办发〔2020〕53号), so its items are
# hotline cases; CPPCC members share the deputies' source (人大代表/政协委员).
CASE_SOURCE = {
    Channel.HOTLINE_12345: CaseSource.HOTLINE,
    Channel.MAYOR_MAILBOX: CaseSource.HOTLINE,
    Channel.DEPUTY: CaseSource.DEPUTY,
    Channel.CPPCC: CaseSource.DEPUTY,
}


def reply_rule(channel: str) -> FeedbackRule:
    overrides = getattr(settings, "CHENGGUAN_CHANNEL_REPLY_DUE", {})
    return rule_from(overrides.get(channel) or DEFAULT_REPLY_RULES[channel])


def reply_due(channel: str, received_at: dt.datetime) -> dt.datetime:
    """When the channel must have our reply: counted from when the item reached the bureau."""
    return due_after(reply_rule(channel), received_at)
