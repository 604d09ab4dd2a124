"""Time limits of the closed loop's stages other than handling.

Handling time comes from the case's category (taxonomy), or the bureau's own limit for it. The other
stages have bureau-wide limits: national standards leave them to each city, so these are the
bureau's defaults, overridable for the installation with `settings.CASE_STAGE_LIMITS` (same shape)
and for one bureau with its own rows (`BureauStageLimit`, `stage_limit_set`). Verification on site
gets one working day; the desk steps (filing, dispatch, closing) one working hour each, as common in
municipal 数字城管 handbooks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from chengguan.cases.models import HANDLING_STATES, BureauStageLimit, Case, CaseState
from chengguan.core import calendar as cn_calendar
from chengguan.core import deadlines
from chengguan.core.per_bureau import PerBureau
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


def _read_bureau_limits(bureau_id: int) -> dict[str, tuple[int, str]]:
    rows = BureauStageLimit.objects.filter(bureau_id=bureau_id).values_list("stage", "amount", "unit")
    return {stage: (amount, unit) for stage, amount, unit in rows}


_bureau_limits = PerBureau(BureauStageLimit, _read_bureau_limits)


def stage_limit(state: str, bureau_id: int | None = None) -> StageLimit | None:
    """The limit of the stage: the bureau's own, else the installation's setting, else the default."""
    if bureau_id is not None and state in DEFAULT_STAGE_LIMITS:
        own = _bureau_limits.get(bureau_id).get(state)
        if own is not None:
            return StageLimit(own[0], own[1], DEFAULT_STAGE_LIMITS[state].label)
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
    limit = stage_limit(state, case.bureau_id)
    if limit is None:
        if state not in HANDLING_STATES:
            case.stage_due_at = case.stage_warning_at = None
        return
    with cn_calendar.for_bureau(case.bureau_id):
        case.stage_due_at, case.stage_warning_at = due_and_warning(now, limit.amount, limit.unit)


def start_handling_clock(case: Case, now: dt.datetime) -> None:
    """Start the handling time of the case's category (in the case's bureau): at dispatch, at rework
    and when reopened."""
    amount, unit = time_limit_for(case.category, case.bureau_id)
    case.handling_limit_amount, case.handling_limit_unit = amount, unit
    with cn_calendar.for_bureau(case.bureau_id):
        case.handling_due_at, case.stage_warning_at = due_and_warning(now, amount, unit)
    case.stage_due_at = case.handling_due_at
    case.handling_started_at = now
