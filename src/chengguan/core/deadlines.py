"""Deadline arithmetic: working days, calendar-day and month periods, and office working hours.

The one module that turns a start and a period into a due date (STYLE.md habit 7). Legal periods are
counted as the law says (see `legal_periods.yaml`): the start day is never counted, and a calendar-day
or month period whose last day is a rest day ends on the next working day (民事诉讼法 第八十五条,
applied by 行政处罚法 第八十五条, 行政复议法 第八十八条 and 行政诉讼法 第一百零一条; 民法典 第二百零三条).
"""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt
import itertools
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chengguan.core import calendar as cn_calendar
from chengguan.core.clock import SHANGHAI

WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
DEFAULT_OFFICE_HOURS = "08:30-12:00,14:00-18:00"
_ONE_DAY = dt.timedelta(days=1)
_MAX_DAYS = 20 * 366


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (the start day itself is not counted).

    A negative n counts back, for periods that end before an event (a hearing notice 7 working days
    before the hearing, 行政处罚法 第六十四条). n = 0 returns `start`.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day = start
    for _ in range(abs(n)):
        day += step
        while not cn_calendar.is_working_day(day):
            day += step
    return day


def add_calendar_days(start: dt.date, n: int, *, roll: bool = True) -> dt.date:
    """`start` + n days; with `roll`, a last day that is a weekend or holiday moves to the next working
    day (a weekend day worked in exchange for a holiday is a working day and does not move)."""
    end = start + dt.timedelta(days=n)
    return cn_calendar.working_day_on_or_after(end) if roll else end


def add_months(start: dt.date, n: int, *, roll: bool = True) -> dt.date:
    """The same day of the month n months later, or that month's last day if it has no such day
    (民法典 第二百零二条), rolled to a working day like `add_calendar_days`."""
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, std_calendar.monthrange(year, month)[1])
    end = dt.date(year, month, day)
    return cn_calendar.working_day_on_or_after(end) if roll else end


@lru_cache(maxsize=8)
def _parse_office_hours(spec: str) -> tuple[tuple[dt.time, dt.time], ...]:
    periods: list[tuple[dt.time, dt.time]] = []
    for part in spec.split(","):
        if not part.strip():
            continue
        try:
            first, last = (dt.time.fromisoformat(x.strip()) for x in part.split("-"))
        except ValueError as exc:
            raise ImproperlyConfigured(f"OFFICE_HOURS: {part!r} is not HH:MM-HH:MM") from exc
        if last <= first:
            raise ImproperlyConfigured(f"OFFICE_HOURS: {part!r} ends before it starts")
        periods.append((first, last))
    periods.sort()
    if not periods:
        raise ImproperlyConfigured("OFFICE_HOURS is empty")
    for (_, end_a), (start_b, _) in itertools.pairwise(periods):
        if start_b < end_a:
            raise ImproperlyConfigured(f"OFFICE_HOURS: periods overlap in {spec!r}")
    return tuple(periods)


def office_hours() -> list[tuple[dt.time, dt.time]]:
    """Office periods of a working day from `settings.OFFICE_HOURS` ("08:30-12:00,14:00-18:00")."""
    return list(_parse_office_hours(getattr(settings, "OFFICE_HOURS", DEFAULT_OFFICE_HOURS)))


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("deadlines need timezone-aware datetimes")
    return moment.astimezone(SHANGHAI)


def _office_spans(day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    if not cn_calendar.is_working_day(day):
        return []
    return [
        (dt.datetime.combine(day, first, SHANGHAI), dt.datetime.combine(day, last, SHANGHAI))
        for first, last in office_hours()
    ]


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` of office time after `start`, in Asia/Shanghai.

    Only office periods of working days count: a start outside them begins at the next office period,
    and a limit used up exactly at the end of a period is due at that end (18:00, not 08:30 next day).
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    moment = _local(start)
    remaining = dt.timedelta(hours=hours)
    day = moment.date()
    for _ in range(_MAX_DAYS):
        for first, last in _office_spans(day):
            begin = max(first, moment)
            if begin >= last:
                continue
            if remaining <= last - begin:
                return begin + remaining
            remaining -= last - begin
        day += _ONE_DAY
    raise ValueError(f"{hours} working hours do not fit in {_MAX_DAYS} days of the holiday table")


def working_seconds_between(a: dt.datetime, b: dt.datetime) -> float:
    """Office seconds on working days between a and b (negative if b is before a); compared with a
    case's limit to show how much of it is used."""
    a, b = _local(a), _local(b)
    if b < a:
        return -working_seconds_between(b, a)
    total = 0.0
    day = a.date()
    while day <= b.date():
        for first, last in _office_spans(day):
            begin, end = max(first, a), min(last, b)
            if end > begin:
                total += (end - begin).total_seconds()
        day += _ONE_DAY
    return total


def due_for_limit(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """When a time limit of `amount` working hours or working days that starts at `start` runs out.

    Working days: the end of the office day `amount` working days after the start day (the start day
    is not counted, whatever the hour), e.g. 18:00.
    """
    if amount < 0:
        raise ValueError("a time limit must not be negative")
    if unit == WORKING_HOURS:
        return add_working_hours(start, amount)
    if unit == WORKING_DAYS:
        day = _local(start).date()
        day = add_working_days(day, amount) if amount else cn_calendar.working_day_on_or_after(day)
        return dt.datetime.combine(day, office_hours()[-1][1], SHANGHAI)
    raise ValueError(f"unknown time-limit unit {unit!r} (expected {WORKING_HOURS!r} or {WORKING_DAYS!r})")
