"""Rosters on the China calendar, posts that never overlap, unfilled posts flagged, attendance and
who is on duty now, swaps and leave approved by the unit's leader."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core import clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.duty import selectors, services
from chengguan.duty.models import Assignment, DayKind, Post, Shift
from tests.duty.conftest import at, pattern

pytestmark = pytest.mark.django_db


def _shift(roster, day: dt.date) -> Shift:
    return roster.shifts.get(date=day)


def test_national_day_2026_roster_uses_each_days_pattern(force):
    """October 2026: 1–7 October are the National Day holiday, Saturday 10 October is worked in
    exchange (调休上班), 11 October an ordinary Sunday."""
    pattern(force)
    roster = services.roster_generate(
        actor=force.users["squad_leader"], unit=force.squad, month=dt.date(2026, 10, 1)
    )
    kinds = {s.date: (s.day_kind, s.name, s.officers) for s in roster.shifts.all()}
    assert len(kinds) == 31
    for day in range(1, 8):
        assert kinds[dt.date(2026, 10, day)] == (DayKind.HOLIDAY, "节假日班", 2)
    assert kinds[dt.date(2026, 10, 8)][0] == DayKind.WORKDAY
    assert kinds[dt.date(2026, 10, 10)][0] == DayKind.MAKEUP
    assert kinds[dt.date(2026, 10, 11)][0] == DayKind.REST
    first = _shift(roster, dt.date(2026, 10, 1))
    assert first.starts_at == at(2026, 10, 1, 8) and first.ends_at == at(2026, 10, 2, 8)


def test_the_bureaus_own_day_off_gets_the_holiday_pattern(force):
    """A local holiday the bureau declared (org.BureauCalendarDay) is staffed as a holiday; the same
    day elsewhere is an ordinary working day."""
    from chengguan.org import calendar_days

    pattern(force)
    local = dt.date(2026, 10, 14)  # a Wednesday
    calendar_days.calendar_day_set(
        actor=force.users["admin"],
        bureau=force.squad.bureau,
        date=local,
        works=False,
        name="建区日",
        source="区政府通知",
    )
    roster = services.roster_generate(
        actor=force.users["squad_leader"], unit=force.squad, month=dt.date(2026, 10, 1)
    )
    assert _shift(roster, local).day_kind == DayKind.HOLIDAY
    assert _shift(roster, local + dt.timedelta(days=1)).day_kind == DayKind.WORKDAY


def test_a_holiday_without_its_own_pattern_is_staffed_like_a_rest_day(force):
    services.template_add(
        actor=force.system,
        unit=force.squad,
        day_kind=DayKind.WORKDAY,
        name="白班",
        starts=dt.time(8),
        hours=12,
        officers=2,
    )
    services.template_add(
        actor=force.system,
        unit=force.squad,
        day_kind=DayKind.REST,
        name="休息日班",
        starts=dt.time(9),
        hours=8,
        officers=1,
    )
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    assert _shift(roster, dt.date(2026, 10, 1)).name == "休息日班"  # holiday → rest pattern
    assert _shift(roster, dt.date(2026, 10, 10)).name == "白班"  # make-up day → working-day pattern


def test_a_month_is_generated_once_and_needs_a_pattern(force):
    with pytest.raises(Conflict) as exc:
        services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    assert exc.value.code == "duty.no_pattern"
    pattern(force)
    services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    with pytest.raises(Conflict) as exc:
        services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 15))
    assert exc.value.code == "duty.roster_exists"


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("admin", True),
        ("leader", True),
        ("squad_leader", True),
        ("shift_leader", True),
        ("other_squad_leader", False),
        ("handler", False),
        ("citizen", False),
        ("other_bureau_admin", False),
    ],
)
def test_who_may_generate_a_squads_roster(force, who, allowed):
    pattern(force)
    events = AuditEvent.objects.count()
    if allowed:
        services.roster_generate(actor=force.users[who], unit=force.squad, month=dt.date(2026, 11, 1))
        assert AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(PermissionDenied):
            services.roster_generate(actor=force.users[who], unit=force.squad, month=dt.date(2026, 11, 1))
        assert AuditEvent.objects.count() == events and not Shift.objects.exists()


def test_nobody_is_on_two_overlapping_shifts(force):
    pattern(force)
    services.template_add(
        actor=force.system,
        unit=force.other_squad,
        day_kind=DayKind.HOLIDAY,
        name="夜班",
        starts=dt.time(20),
        hours=12,
        officers=1,
    )
    mine = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    theirs = services.roster_generate(actor=force.system, unit=force.other_squad, month=dt.date(2026, 10, 1))
    officer = force.officers[0]
    services.shift_assign(
        actor=force.system, shift=_shift(mine, dt.date(2026, 10, 1)), staff=officer, post=Post.OFFICER
    )
    # The next day's 24-hour shift starts when this one ends: no overlap.
    services.shift_assign(
        actor=force.system, shift=_shift(mine, dt.date(2026, 10, 2)), staff=officer, post=Post.OFFICER
    )
    night = theirs.shifts.get(date=dt.date(2026, 10, 1))  # 1 Oct 20:00 – 2 Oct 08:00
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        services.shift_assign(actor=force.system, shift=night, staff=officer, post=Post.OFFICER)
    assert exc.value.code == "duty.overlap" and "staff" in exc.value.fields
    assert not night.assignments.exists() and AuditEvent.objects.count() == events


def test_only_the_bureaus_staff_are_rostered(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.shift_assign(
            actor=force.system,
            shift=_shift(roster, dt.date(2026, 10, 1)),
            staff=force.users["other_bureau_admin"],
            post=Post.OFFICER,
        )
    assert exc.value.code == "duty.not_staff_of_bureau"


def test_an_unfilled_required_post_is_flagged(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    day = _shift(roster, dt.date(2026, 10, 8))
    services.shift_assign(actor=force.system, shift=day, staff=force.users["leader"], post=Post.LEADER)
    services.shift_assign(actor=force.system, shift=day, staff=force.users["shift_leader"], post=Post.CHIEF)
    services.shift_assign(actor=force.system, shift=day, staff=force.officers[0], post=Post.OFFICER)
    flagged = {row.shift.date: row.gaps for row in selectors.unfilled_shifts(force.system, roster)}
    assert dt.date(2026, 10, 8) not in flagged
    assert flagged[dt.date(2026, 10, 1)] == {Post.LEADER: 1, Post.CHIEF: 1, Post.OFFICER: 2}
    week = selectors.week(force.users["handler"], force.squad, dt.date(2026, 10, 5))
    assert [d.day.day for d in week] == [5, 6, 7, 8, 9, 10, 11]
    assert week[3].shifts[0].gaps == {} and week[0].shifts[0].gaps


def test_on_duty_means_clocked_in_during_a_rostered_shift(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    shift = _shift(roster, dt.date(2026, 10, 8))
    a = services.shift_assign(actor=force.system, shift=shift, staff=force.officers[0], post=Post.OFFICER)
    b = services.shift_assign(actor=force.system, shift=shift, staff=force.officers[1], post=Post.OFFICER)
    viewer = force.users["handler"]
    with clock.pinned(at(2026, 10, 8, 7)):
        with pytest.raises(Conflict) as exc:
            services.clock_in(actor=force.officers[0], assignment=a)
        assert exc.value.code == "duty.too_early"
    with clock.pinned(at(2026, 10, 8, 7, 45)):
        services.clock_in(actor=force.officers[0], assignment=a)
        with pytest.raises(PermissionDenied):
            services.clock_in(actor=force.officers[0], assignment=b)  # not one's own
    with clock.pinned(at(2026, 10, 8, 7, 50)):
        assert list(selectors.on_duty_now(viewer)) == []  # signed in, but the shift has not begun
    with clock.pinned(at(2026, 10, 8, 12)):
        assert [x.pk for x in selectors.on_duty_now(viewer)] == [a.pk]  # b is rostered but not in
        services.clock_out(actor=force.officers[0], assignment=a)
    with clock.pinned(at(2026, 10, 8, 13)):
        assert list(selectors.on_duty_now(viewer)) == []
        assert selectors.on_duty_now(force.users["other_bureau_admin"]).count() == 0


def test_a_swap_is_approved_by_the_units_leader_and_moves_the_post(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    a = services.shift_assign(
        actor=force.system,
        shift=_shift(roster, dt.date(2026, 10, 8)),
        staff=force.officers[0],
        post=Post.OFFICER,
    )
    change = services.change_request(
        actor=force.officers[0], assignment=a, kind="swap", reason="家中有事", replacement=force.officers[1]
    )
    with pytest.raises(PermissionDenied):
        services.change_transition(actor=force.users["other_squad_leader"], change=change, action="approve")
    with pytest.raises(PermissionDenied):
        services.change_transition(actor=force.officers[0], change=change, action="approve")
    services.change_transition(
        actor=force.users["squad_leader"], change=change, action="approve", note="同意"
    )
    a.refresh_from_db()
    assert a.staff == force.officers[1]
    change.refresh_from_db()
    assert change.state == "approved" and change.decided_by == force.users["squad_leader"]


def test_leave_without_replacement_leaves_the_post_unfilled(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    shift = _shift(roster, dt.date(2026, 10, 8))
    a = services.shift_assign(actor=force.system, shift=shift, staff=force.officers[0], post=Post.OFFICER)
    change = services.change_request(actor=force.officers[0], assignment=a, kind="leave", reason="病假")
    with pytest.raises(Conflict):
        services.change_request(actor=force.officers[0], assignment=a, kind="leave", reason="again")
    services.change_transition(actor=force.users["leader"], change=change, action="approve")
    assert Assignment.objects.get(pk=a.pk).on_leave
    rows = {r.shift.pk: r.gaps for r in selectors.unfilled_shifts(force.system, roster)}
    assert rows[shift.pk][Post.OFFICER] == 1


def test_a_swap_to_someone_already_on_an_overlapping_shift_is_refused(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    shift = _shift(roster, dt.date(2026, 10, 8))
    a = services.shift_assign(actor=force.system, shift=shift, staff=force.officers[0], post=Post.OFFICER)
    services.shift_assign(actor=force.system, shift=shift, staff=force.officers[1], post=Post.OFFICER)
    with pytest.raises(Conflict) as exc:
        services.change_request(
            actor=force.officers[0], assignment=a, kind="swap", reason="x", replacement=force.officers[1]
        )
    assert exc.value.code == "duty.overlap"
