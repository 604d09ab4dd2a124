"""The time limits of a major-matter notice (重大事项通报制度): how soon it must be read, by level, and
when an unread or unanswered receipt goes up a level. The bureau sets them with
`CHENGGUAN_DUTY_NOTICE_READ_HOURS` ({level: hours}); the defaults follow the usual rule of the
bureau's notice system — the graver the matter, the sooner it is read."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

READ_HOURS = {"grave": 1, "major": 2, "serious": 4, "general": 24}
# The levels a late receipt climbs: the reader's unit leaders, then the bureau's leaders.
STEPS = 2


def read_within(level: str) -> dt.timedelta:
    hours = {**READ_HOURS, **getattr(settings, "CHENGGUAN_DUTY_NOTICE_READ_HOURS", {})}
    return dt.timedelta(hours=float(hours.get(level, READ_HOURS["general"])))


def due_step(notice, receipt, now: dt.datetime) -> int:
    """How many levels the receipt should have climbed by `now`: one at its deadline (reading, then
    responding when a response is asked for), another one window later."""
    if receipt.read_at is None:
        deadline = notice.read_by
    elif notice.response_required and receipt.responded_at is None and notice.respond_by is not None:
        deadline = notice.respond_by
    else:
        return 0
    if now <= deadline:
        return 0
    window = read_within(notice.level)
    return min(STEPS, 1 + int((now - deadline) // window))
