"""Due times across the 2026 National Day holiday, and when warning and overdue show in the inbox.

2026 calendar (State Council notice): Thu 1 Oct – Wed 7 Oct are holidays; Sun 20 Sep and Sat 10 Oct
are make-up working days. Office hours are 08:30–12:00 and 14:00–18:00 (7.5 h a day).
"""

from __future__ import annotations

import datetime as dt

from chengguan.cases import selectors
from chengguan.cases.models import Case
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.core.clock import SHANGHAI
from chengguan.org.roles import RoleCode as R
from tests.cases.flow import report


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def dispatched_before_national_day(district, category) -> Case:
    """Reported Wed 30 Sep 15:00, filed 15:30, dispatched 16:00 (the last afternoon before the holiday)."""
    with clock.pinned(at(9, 30, 15)):
        case = report(district, category=category)
    with clock.pinned(at(9, 30, 15, 30)):
        case_transition(actor=district.users[R.OPERATOR], case=case, action="file")
    with clock.pinned(at(9, 30, 16)):
        return case_transition(actor=district.users[R.DISPATCHER], case=case, action="dispatch")


def urgency_in_inbox(actor, case: Case) -> str | None:
    row = selectors.inbox(actor).filter(pk=case.pk).first()
    return row.urgency if row is not None else None


def test_four_working_hours_across_national_day(district):
    case = dispatched_before_national_day(district, district.hours_category)
    # Wed 30 Sep 16:00–18:00 uses 2 h; 1–7 Oct are holidays; Thu 8 Oct 08:30–10:30 uses the other 2 h.
    assert case.handling_due_at == at(10, 8, 10, 30)
    assert case.stage_due_at == at(10, 8, 10, 30)
    # 80 % of 4 h is 3 h 12 min: 2 h on 30 Sep, then 1 h 12 min from 08:30 on 8 Oct → 09:42.
    assert case.stage_warning_at == at(10, 8, 9, 42)


def test_three_working_days_across_national_day(district):
    case = dispatched_before_national_day(district, district.days_category)
    # The dispatch day does not count; 1–7 Oct are holidays; Thu 8, Fri 9 and Sat 10 Oct (a make-up
    # working day) are the three working days → due at the end of office hours on Sat 10 Oct.
    assert case.handling_due_at == at(10, 10, 18)
    # Office time from 30 Sep 16:00 to 10 Oct 18:00 is 2 + 3 × 7.5 = 24.5 h; 80 % is 19.6 h = 19 h 36 min:
    # 2 h on 30 Sep, 7.5 h on 8 Oct, 7.5 h on 9 Oct, leaving 2 h 36 min from 08:30 on 10 Oct → 11:06.
    assert case.stage_warning_at == at(10, 10, 11, 6)


def test_warning_and_overdue_show_in_the_handlers_inbox_at_the_right_moments(district):
    case = dispatched_before_national_day(district, district.hours_category)
    handler, squad_leader = district.users[R.HANDLER], district.users[R.SQUAD_LEADER]
    expectations = [
        (at(9, 30, 17, 59), "normal"),
        (at(10, 3, 12), "normal"),  # the holiday uses none of the time
        (at(10, 8, 9, 41), "normal"),
        (at(10, 8, 9, 42), "warning"),
        (at(10, 8, 10, 30), "warning"),  # due at 10:30, not yet past it
        (at(10, 8, 10, 31), "overdue"),
    ]
    for moment, expected in expectations:
        with clock.pinned(moment):
            stored = Case.objects.get(pk=case.pk)
            assert selectors.urgency(stored) == expected, moment
            assert urgency_in_inbox(handler, stored) == expected, moment
            assert urgency_in_inbox(squad_leader, stored) == expected, moment
            assert selectors.with_urgency(Case.objects.all(), expected).filter(pk=case.pk).exists(), moment
            others = {"normal", "warning", "overdue"} - {expected}
            for other in others:
                assert not selectors.with_urgency(Case.objects.all(), other).filter(pk=case.pk).exists()


def test_the_working_days_case_turns_overdue_after_the_make_up_saturday(district):
    case = dispatched_before_national_day(district, district.days_category)
    handler = district.users[R.HANDLER]
    for moment, expected in [
        (at(10, 9, 17), "normal"),
        (at(10, 10, 11, 5), "normal"),
        (at(10, 10, 11, 6), "warning"),
        (at(10, 10, 18), "warning"),
        (at(10, 11, 9), "overdue"),  # Sunday 11 Oct is a rest day, but the time ran out on Saturday
    ]:
        with clock.pinned(moment):
            assert urgency_in_inbox(handler, Case.objects.get(pk=case.pk)) == expected, moment


def test_the_desk_stages_have_their_own_due_times(district):
    """Filing and dispatch each get one working hour; an unfiled case shows in the operator's inbox."""
    with clock.pinned(at(9, 30, 17, 30)):
        case = report(district)
    # 17:30–18:00 is half an hour; the other half runs 08:30–09:00 on Thu 8 Oct.
    assert case.stage_due_at == at(10, 8, 9)
    operator = district.users[R.OPERATOR]
    with clock.pinned(at(10, 8, 9, 1)):
        assert urgency_in_inbox(operator, case) == "overdue"
        case = case_transition(actor=operator, case=case, action="file", delay_reason="节前未及时受理")
    assert case.state == CaseState.FILED
    with clock.pinned(at(10, 8, 9, 1)):
        assert urgency_in_inbox(operator, case) is None
        assert urgency_in_inbox(district.users[R.DISPATCHER], case) == "normal"
