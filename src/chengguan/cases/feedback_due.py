"""When the person who reported a case must have been told the result (反馈时限), per source.

No national rule sets a day count for citizen complaints to city management; the bureau adopts a
local regulation. The default is five working days, the period of 上海市城市管理行政执法条例(2018)
第二十六条 (核查后告知举报人) for citizens and deputies and of 济南市12345市民服务热线条例(2018)
第二十四条 for 12345 hotline items — both read from `core/data/legal_periods.yaml`, so the article
shown to staff is the one the period came from. A bureau bound by another rule sets
`CHENGGUAN_FEEDBACK_DUE = {"hotline": "weifang_handle", "citizen": {"days": 3, "working_days": True,
"article": "…"}}` in its settings: a value is a legal-period id or an explicit rule.

Intake stamps the due time on the case in the same transaction that records it (`case_report`), so
a case that was acknowledged always has one.

The due time is the end of the office day on which the period runs out (`core.deadlines`), so a
report on the eve of the National Day holiday is due five *working* days later, after the holiday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from chengguan.cases.models import CaseSource
from chengguan.core import clock, deadlines, legal_periods

DEFAULT_RULES: dict[str, str] = {
    CaseSource.CITIZEN: "shanghai_cg_report_feedback",
    CaseSource.OPEN311: "shanghai_cg_report_feedback",
    CaseSource.DEPUTY: "shanghai_cg_report_feedback",
    CaseSource.HOTLINE: "jinan_reply",
}


@dataclass(frozen=True)
class FeedbackRule:
    days: int
    working_days: bool
    article: str


def rule_from(spec: str | dict) -> FeedbackRule:
    """A rule from a legal-period id of the yaml, or from an explicit {days, working_days, article}."""
    if isinstance(spec, str):
        period = legal_periods.get(spec)
        return FeedbackRule(
            days=int(period.days or 0), working_days=bool(period.working_days), article=period.article
        )
    return FeedbackRule(
        days=int(spec["days"]),
        working_days=bool(spec.get("working_days", True)),
        article=spec.get("article", ""),
    )


def rules() -> dict[str, FeedbackRule]:
    """The rule for each source that owes the reporter an answer (settings override the defaults)."""
    merged: dict[str, str | dict] = {**DEFAULT_RULES, **getattr(settings, "CHENGGUAN_FEEDBACK_DUE", {})}
    return {source: rule_from(spec) for source, spec in merged.items() if spec}


def due_after(rule: FeedbackRule, start: dt.datetime) -> dt.datetime:
    """End of the office day on which `rule` runs out, counted from `start` (start day not counted)."""
    if rule.working_days:
        return deadlines.due_for_limit(start, rule.days, deadlines.WORKING_DAYS)
    day = deadlines.add_calendar_days(start.astimezone(clock.SHANGHAI).date(), rule.days)
    return dt.datetime.combine(day, deadlines.office_hours()[-1][1], clock.SHANGHAI)


def feedback_due_for(source: str, reported_at: dt.datetime) -> dt.datetime | None:
    """The feedback due time of a case from `source` reported at `reported_at`, or None when nobody
    outside the bureau waits for an answer (a patrol inspector's own report)."""
    rule = rules().get(source)
    return due_after(rule, reported_at) if rule else None
