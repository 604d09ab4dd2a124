"""Time limits of the closed loop's stages other than handling.

Handling time comes from the case's category (taxonomy). The other stages have bureau-wide limits:
national standards leave them to each city, so these are the bureau's defaults, overridable with
`settings.CASE_STAGE_LIMITS` (same shape). Verification on site gets one working day; the desk steps
(filing, dispatch, closing) one working hour each, as common in municipal 数字城管 handbooks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from chengguan.cases.states import CaseState
from chengguan.core import deadlines

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
