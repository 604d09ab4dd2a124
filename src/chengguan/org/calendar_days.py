"""A bureau's own days over the installation's holiday table (`BureauCalendarDay`): kept here, counted
by `core.calendar` inside `for_bureau`. Deadlines already running keep their due times; a day added
counts for the deadlines computed from then on, as a changed time limit does."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from chengguan.core import audit
from chengguan.core import calendar as cn_calendar
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.core.per_bureau import PerBureau
from chengguan.org.errors import CalendarDayError
from chengguan.org.models import BureauCalendarDay, Organisation, OrgKind
from chengguan.org.permissions import can_administer
from chengguan.org.selectors import bureau_of


def _read_days(bureau_id: int) -> cn_calendar.LocalDays:
    rest: dict[dt.date, str] = {}
    work: dict[dt.date, str] = {}
    for day, works, name in BureauCalendarDay.objects.filter(bureau_id=bureau_id).values_list(
        "date", "works", "name"
    ):
        (work if works else rest)[day] = name
    return cn_calendar.LocalDays(bureau_id=bureau_id, rest_days=rest, work_days=work)


_days = PerBureau(BureauCalendarDay, _read_days)


def bureau_days(bureau_id: int) -> cn_calendar.LocalDays:
    """The bureau's days off and days worked, as the calendar counts them."""
    return _days.get(bureau_id)


def _refuse(field: str, code: CalendarDayError) -> None:
    raise ValidationFailed(str(code.label), code=code, fields={field: [str(code.label)]})


def calendar_day_set(
    *, actor, bureau: Organisation, date: dt.date, works: bool, name: str, source: str
) -> BureauCalendarDay:
    """Make `date` a day off (`works=False`) or a working day (`works=True`) for `bureau`, with the
    notice it follows. Setting the same day again replaces it."""
    can_administer.refuse(actor, bureau)
    if bureau.kind != OrgKind.BUREAU:
        _refuse("bureau", CalendarDayError.NOT_A_BUREAU)
    name, source = (name or "").strip(), (source or "").strip()
    if not name:
        _refuse("name", CalendarDayError.NAME_REQUIRED)
    if not source:
        _refuse("source", CalendarDayError.SOURCE_REQUIRED)
    with transaction.atomic():
        row = BureauCalendarDay.objects.select_for_update().filter(bureau=bureau, date=date).first()
        before = {"works": row.works, "name": row.name, "source": row.source} if row else {}
        if row is None:
            row = BureauCalendarDay(bureau=bureau, date=date)
        row.works, row.name, row.source = works, name[:50], source[:200]
        row.save()
        audit.record(
            actor=actor,
            action="org.calendar_day_set",
            obj=row,
            before=before,
            after={
                "bureau": bureau.pk,
                "date": date.isoformat(),
                "works": works,
                "name": row.name,
                "source": row.source,
            },
        )
    return row


def calendar_day_remove(*, actor, bureau: Organisation, date: dt.date) -> None:
    """Give `date` back to the installation's table for `bureau`."""
    can_administer.refuse(actor, bureau)
    with transaction.atomic():
        row = BureauCalendarDay.objects.select_for_update().filter(bureau=bureau, date=date).first()
        if row is None:
            raise NotFound(str(CalendarDayError.NOT_FOUND.label), code=CalendarDayError.NOT_FOUND)
        audit.record(
            actor=actor,
            action="org.calendar_day_remove",
            obj=row,
            before={"bureau": bureau.pk, "date": date.isoformat(), "works": row.works, "name": row.name},
            after={},
        )
        row.delete()


class BureauCalendarMiddleware:
    """A signed-in staff member's pages count their own bureau's days (countdowns, due dates); the
    API's token users get the same from the services, which enter their object's bureau."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        bureau = bureau_of(user) if user is not None and user.is_authenticated else None
        with cn_calendar.for_bureau(getattr(bureau, "pk", None)):
            return self.get_response(request)
