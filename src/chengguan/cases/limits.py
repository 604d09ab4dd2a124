"""Time limits of the closed loop's stages other than handling.

Handling time comes from the case's category (taxonomy), or the bureau's own limit for it. The other
stages have bureau-wide limits: national standards leave them to each city, so these are the
bureau's defaults, overridable with `settings.CASE_STAGE_LIMITS` (same shape). Verification on site
gets one working day; the desk steps (filing, dispatch, closing) one working hour each, as common in
municipal 数字城管 handbooks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from chengguan.cases.models import HANDLING_STATES, Case, CaseState
from chengguan.core import deadlines
from chengguan.taxonomy.selectors import time_limit_for

WARNING_SHARE = 0.8  # past 80 % of the time a case is "warning", past 100 % "overdue"


@dataclass(frozen=True)
class StageLimit:
    amount: int
    unit: str
    label: str


DEFAULT_STAGE_LIMITS: dict[str, StageLimit] = {
    CaseState.REPORTED: StageLimit(1, deadlines.WORKING_HOURS, "立案"),
    CaseState.FILED: StageLimit(1, deadlines.WORKING_HOURS, "派遣"),
    CaseState.RETURNED: StageLimit(1, deadlines.WORKING_HOURS, "重新派遣"),
    CaseState.HANDLED: StageLimit(1, deadlines.WORKING_DAYS, "核查"),
    CaseState.VERIFIED: StageLimit(1, deadlines.WORKING_HOURS, "结案"),
}


def stage_limit(state: str) -> StageLimit | None:
    custom = getattr(settings, "CASE_STAGE_LIMITS", None) or {}
    if state in custom:
        amount, unit, label = custom[state]
        return StageLimit(int(amount), unit, label)
    return DEFAULT_STAGE_LIMITS.get(state)


def due_and_warning(start: dt.datetime, amount: int, unit: str) -> tuple[dt.datetime, dt.datetime]:
    """The due time of a limit and the moment 80 % of its office time is used."""
    due = deadlines.due_for_limit(start, amount, unit)
    total = deadlines.working_seconds_between(start, due)
    warning = deadlines.add_working_hours(start, total * WARNING_SHARE / 3600)
    return due, warning


def start_stage(case: Case, state: str, now: dt.datetime) -> None:
    """Set the due and warning times of the stage `state` the case is entering. The handling states
    keep the handling clock (`start_handling_clock`)."""
    limit = stage_limit(state)
    if limit is None:
        if state not in HANDLING_STATES:
            case.stage_due_at = case.stage_warning_at = None
        return
    case.stage_due_at, case.stage_warning_at = due_and_warning(now, limit.amount, limit.unit)


def start_handling_clock(case: Case, now: dt.datetime) -> None:
    """Start the handling time of the case's category (in the case's bureau): at dispatch, at rework
    and when reopened."""
    amount, unit = time_limit_for(case.category, case.bureau_id)
    case.handling_limit_amount, case.handling_limit_unit = amount, unit
    case.handling_due_at, case.stage_warning_at = due_and_warning(now, amount, unit)
    case.stage_due_at = case.handling_due_at
    case.handling_started_at = now
