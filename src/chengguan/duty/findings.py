"""The rectification deadline of a 督察 finding, in working days on the China calendar.

No law sets these periods: they are the bureau's own 督察 rule (a post left unmanned is put right by
the next working day, a discipline or street problem within a few), so they are a setting,
`CHENGGUAN_DUTY_RECTIFY_WORKING_DAYS`, with these defaults. The day the finding is made is not counted
(`core.deadlines.add_working_days`), so a finding on the eve of a holiday is due after it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from chengguan.core import deadlines
from chengguan.duty.models import FindingKind

DEFAULT_WORKING_DAYS = {FindingKind.NOT_ON_POST: 1, FindingKind.DISCIPLINE: 3, FindingKind.STREET: 2}


def working_days(kind: str) -> int:
    configured = getattr(settings, "CHENGGUAN_DUTY_RECTIFY_WORKING_DAYS", {}) or {}
    return int(configured.get(str(kind), DEFAULT_WORKING_DAYS[FindingKind(kind)]))


def due_on(kind: str, start: dt.date) -> dt.date:
    """The last day to report the rectification of a finding of `kind` made (or sent back) on `start`."""
    return deadlines.add_working_days(start, working_days(kind))
