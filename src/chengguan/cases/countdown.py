"""How much office time a case has left in its stage (or how long it is overdue), worded for the
workbench's lists and the case page. Pure functions of their arguments, no queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from chengguan.cases import selectors
from chengguan.cases.models import OPEN_STATES, Case, CaseState
from chengguan.core import calendar as cn_calendar
from chengguan.core import clock, deadlines


@dataclass(frozen=True)
class Countdown:
    level: str  # "normal" | "warning" | "overdue"
    text: str
    due_at: dt.datetime

    @property
    def css(self) -> str:
        return f"due-{self.level}"


def _office_day_seconds() -> float:
    total = 0.0
    for start, end in deadlines.office_hours():
        total += (
            dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
        ).total_seconds()
    return total or 8 * 3600


def office_duration(seconds: float) -> str:
    """Office time as "1天3小时", "2小时15分" or "40分"; a day is one day of office hours."""
    seconds = max(0, int(seconds))
    day = int(_office_day_seconds())
    days, rest = divmod(seconds, day)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        if hours:
            return _("%(days)d天%(hours)d小时") % {"days": days, "hours": hours}
        return _("%(days)d天") % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)d小时%(minutes)d分") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d小时") % {"hours": hours}
    return _("%(minutes)d分") % {"minutes": max(minutes, 1)}


@lru_cache(maxsize=4096)
def _whole_day_seconds(day: dt.date, working: bool) -> float:
    """Office seconds of a whole day; keyed by whether it is worked, which a bureau's own days
    (`calendar.for_bureau`) may change."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)
    return deadlines.working_seconds_between(start, start + dt.timedelta(days=1))


def office_seconds_between(a: dt.datetime, b: dt.datetime) -> float:
    """`deadlines.working_seconds_between`, with the whole days in between taken from a per-day cache,
    so a page of cases overdue by months costs a few dictionary lookups rather than a calendar walk
    per row."""
    if b < a:
        return -office_seconds_between(b, a)
    a, b = a.astimezone(clock.SHANGHAI), b.astimezone(clock.SHANGHAI)
    if a.date() == b.date():
        return deadlines.working_seconds_between(a, b)
    first_midnight = dt.datetime.combine(a.date() + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    last_midnight = dt.datetime.combine(b.date(), dt.time.min, tzinfo=clock.SHANGHAI)
    total = deadlines.working_seconds_between(a, first_midnight) + deadlines.working_seconds_between(
        last_midnight, b
    )
    day = first_midnight.date()
    while day < b.date():
        total += _whole_day_seconds(day, cn_calendar.is_working_day(day))
        day += dt.timedelta(days=1)
    return total


def countdown(case: Case, now: dt.datetime | None = None) -> Countdown | None:
    """Office time left until the stage's due time (or past it), coloured by urgency."""
    now = now or clock.now()
    if case.state not in OPEN_STATES or case.state == CaseState.SUSPENDED or case.stage_due_at is None:
        return None
    level = selectors.urgency(case, now)
    left = office_seconds_between(now, case.stage_due_at)
    if level == "overdue":
        text = _("超时 %(time)s") % {"time": office_duration(-left)} if left < -59 else _("已超时")
    else:
        text = _("剩余 %(time)s") % {"time": office_duration(left)}
    return Countdown(level, text, case.stage_due_at)
