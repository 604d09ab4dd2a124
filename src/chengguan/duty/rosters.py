"""The roster rules shared by the services and the swap machine: which pattern a day takes on the
China calendar, and that nobody holds two overlapping shifts."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from chengguan.core import calendar as cn_calendar
from chengguan.core.errors import Conflict
from chengguan.duty.errors import DutyError
from chengguan.duty.models import Assignment, DayKind, Shift

# A day kind without a pattern of its own falls back to the nearest one: a holiday is staffed like a
# rest day, a make-up working day like a working day.
FALLBACK = {DayKind.HOLIDAY: DayKind.REST, DayKind.MAKEUP: DayKind.WORKDAY}


def day_kind(day: dt.date) -> str:
    """A statutory holiday (放假, the weekend days inside it included), a weekend worked in exchange
    (调休上班), an ordinary working day or an ordinary rest day."""
    if cn_calendar.is_statutory_holiday(day):
        return DayKind.HOLIDAY
    if cn_calendar.is_working_day(day):
        return DayKind.MAKEUP if day.weekday() >= 5 else DayKind.WORKDAY
    return DayKind.REST


def month_days(month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((following - first).days)]


def overlapping(staff_id: int, starts_at: dt.datetime, ends_at: dt.datetime, *, ignore: int | None = None):
    """The staff member's assignments whose shift overlaps [starts_at, ends_at)."""
    qs = Assignment.objects.filter(
        staff_id=staff_id, shift__starts_at__lt=ends_at, shift__ends_at__gt=starts_at
    )
    return qs.exclude(pk=ignore) if ignore else qs


def check_free(staff, shift: Shift, *, ignore: int | None = None) -> None:
    """Refuse a second shift that overlaps one the person already holds (a staff member is never on
    two overlapping shifts)."""
    clash = (
        overlapping(staff.pk, shift.starts_at, shift.ends_at, ignore=ignore).select_related("shift").first()
    )
    if clash is not None:
        other = clash.shift
        message = _("%(name)s 在 %(date)s %(shift)s 已有排班，与该班次时间重叠。") % {
            "name": getattr(getattr(staff, "profile", None), "full_name", staff.username),
            "date": other.date.isoformat(),
            "shift": other.name,
        }
        raise Conflict(message, code=DutyError.OVERLAP, fields={"staff": [message]})


def gaps(shift: Shift, assignments: list[Assignment]) -> dict[str, int]:
    """How many of each required post are not filled (people on leave do not fill a post)."""
    have: dict[str, int] = {}
    for a in assignments:
        if not a.on_leave:
            have[a.post] = have.get(a.post, 0) + 1
    return {
        post: need - have.get(post, 0) for post, need in shift.needs().items() if need > have.get(post, 0)
    }
