"""The "deadlines this week" list."""

from __future__ import annotations

import datetime as dt

from chengguan.enforcement import selectors
from tests.enforcement.conftest import filed_case, notified_case

D = dt.date


def test_deadlines_this_week_lists_open_deadlines_due_by_sunday(office):
    # Notice served Fri Sep 18 with a hearing offered: the request period ends Thu Sep 24.
    notified_case(office, D(2026, 9, 1), D(2026, 9, 18), hearing_offered=True)
    # Filed Jul 3: the 90-day decision period ends Oct 8, not this week.
    filed_case(office, D(2026, 7, 3))
    week = list(selectors.deadlines_this_week(office.leader, today=D(2026, 9, 21)))
    # The statement period (three working days, not shorter than the hearing's five where a hearing
    # is offered) ends with it, so the hearing's row stands for both.
    assert [(d.period_id, d.due_on, d.article) for d in week] == [
        ("apl_hearing_request", D(2026, 9, 24), "APL Art.64(1) + Art.85")
    ]
    assert list(selectors.deadlines_this_week(office.leader, today=D(2026, 9, 28))) == []
