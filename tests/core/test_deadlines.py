"""Due dates around the 2026 Spring Festival and National Day, counted by hand in each comment.

2026 facts used: Spring Festival off Sun 15 – Mon 23 Feb, Sat 14 and Sat 28 Feb worked; Mid-autumn off
Fri 25 – Sun 27 Sep; National Day off Thu 1 – Wed 7 Oct, Sun 20 Sep and Sat 10 Oct worked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from chengguan.core import calendar, deadlines
from chengguan.core.clock import SHANGHAI

D = dt.date


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


# --- working days ---------------------------------------------------------------------------------


def test_five_working_days_from_the_day_before_national_day():
    # Wed 30 Sep: 1–7 Oct off; Thu 8 (1), Fri 9 (2), Sat 10 make-up (3), Sun 11 off, Mon 12 (4), Tue 13 (5)
    assert deadlines.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_five_working_days_from_the_day_before_spring_festival():
    # Fri 13 Feb: Sat 14 make-up (1), 15–23 off, Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5)
    assert deadlines.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)


def test_a_make_up_saturday_counts_as_a_working_day():
    # Fri 9 Oct → Sat 10 Oct (1)
    assert deadlines.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_a_start_on_a_holiday_is_not_counted():
    # Sat 3 Oct (holiday): Thu 8 (1), Fri 9 (2)
    assert deadlines.add_working_days(D(2026, 10, 3), 2) == D(2026, 10, 9)


def test_working_days_counted_back_from_an_event():
    # Mon 12 Oct back: Sat 10 (1), Fri 9 (2), Thu 8 (3), [1–7 Oct off], Wed 30 Sep (4), Tue 29 (5),
    # Mon 28 (6), [25–27 Mid-autumn off], Thu 24 Sep (7)
    assert deadlines.add_working_days(D(2026, 10, 12), -7) == D(2026, 9, 24)


# --- calendar days and months ---------------------------------------------------------------------


def test_calendar_period_ending_on_national_day_rolls_to_the_next_working_day():
    # 20 Sep + 15 = 5 Oct (holiday) → Thu 8 Oct
    assert deadlines.add_calendar_days(D(2026, 9, 20), 15) == D(2026, 10, 8)
    assert deadlines.add_calendar_days(D(2026, 9, 20), 15, roll=False) == D(2026, 10, 5)


def test_calendar_period_ending_in_spring_festival_rolls_past_the_whole_break():
    # 1 Feb + 15 = Mon 16 Feb (holiday) → Tue 24 Feb
    assert deadlines.add_calendar_days(D(2026, 2, 1), 15) == D(2026, 2, 24)


def test_calendar_period_ending_on_a_make_up_saturday_does_not_roll():
    # 25 Sep + 15 = Sat 10 Oct, a worked Saturday
    assert deadlines.add_calendar_days(D(2026, 9, 25), 15) == D(2026, 10, 10)
    # 13 Feb + 15 = Sat 28 Feb, a worked Saturday
    assert deadlines.add_calendar_days(D(2026, 2, 13), 15) == D(2026, 2, 28)


def test_calendar_period_ending_on_an_ordinary_saturday_rolls_to_monday():
    # 2 Oct + 15 = Sat 17 Oct → Mon 19 Oct
    assert deadlines.add_calendar_days(D(2026, 10, 2), 15) == D(2026, 10, 19)


def test_months_use_the_same_day_or_the_months_last_day():
    # 5 Jul + 3 months = 5 Oct (holiday) → Thu 8 Oct
    assert deadlines.add_months(D(2026, 7, 5), 3) == D(2026, 10, 8)
    # 30 Nov 2025 + 3 months: no 30 Feb → Sat 28 Feb 2026, a worked Saturday, kept
    assert deadlines.add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    # 15 Nov 2025 + 3 months = Sun 15 Feb 2026 (Spring Festival) → Tue 24 Feb
    assert deadlines.add_months(D(2025, 11, 15), 3) == D(2026, 2, 24)
    assert deadlines.add_months(D(2025, 11, 15), 3, roll=False) == D(2026, 2, 15)
    # 31 Jan + 1 month → 28 Feb (2026 is not a leap year)
    assert deadlines.add_months(D(2026, 1, 31), 1, roll=False) == D(2026, 2, 28)


# --- office hours ---------------------------------------------------------------------------------


def test_default_office_hours():
    assert deadlines.office_hours() == [(dt.time(8, 30), dt.time(12, 0)), (dt.time(14, 0), dt.time(18, 0))]


def test_office_hours_come_from_settings(settings):
    settings.OFFICE_HOURS = "13:00-17:30, 09:00-12:00"
    assert deadlines.office_hours() == [(dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 0), dt.time(17, 30))]
    # Mon 14 Sep 11:00 + 2 h: 11–12 (1 h), 13:00–14:00 (1 h)
    assert deadlines.add_working_hours(at(2026, 9, 14, 11), 2) == at(2026, 9, 14, 14)


@pytest.mark.parametrize("spec", ["8:30-12:00;14:00-18:00", "18:00-08:30", "08:30-12:00,11:00-18:00", ""])
def test_bad_office_hours_are_a_configuration_error(settings, spec):
    settings.OFFICE_HOURS = spec
    with pytest.raises(ImproperlyConfigured):
        deadlines.office_hours()


# --- working hours --------------------------------------------------------------------------------


def test_working_hours_across_lunch():
    # Mon 14 Sep 11:00: 11–12 (1 h), lunch, 14–15 (1 h)
    assert deadlines.add_working_hours(at(2026, 9, 14, 11), 2) == at(2026, 9, 14, 15)


def test_working_hours_across_a_night():
    # Mon 17:00–18:00 (1 h), Tue 08:30–09:30 (1 h)
    assert deadlines.add_working_hours(at(2026, 9, 14, 17), 2) == at(2026, 9, 15, 9, 30)


def test_working_hours_across_a_weekend():
    # Fri 11 Sep 17:00–18:00 (1 h), Sat/Sun off, Mon 14 Sep 08:30–09:30 (1 h)
    assert deadlines.add_working_hours(at(2026, 9, 11, 17), 2) == at(2026, 9, 14, 9, 30)


def test_working_hours_across_a_weekend_with_a_make_up_sunday():
    # Fri 18 Sep 17:00–18:00 (1 h), Sat 19 off, Sun 20 Sep is worked: 08:30–09:30 (1 h)
    assert deadlines.add_working_hours(at(2026, 9, 18, 17), 2) == at(2026, 9, 20, 9, 30)


def test_working_hours_across_national_day():
    # Wed 30 Sep 16:00–18:00 (2 h), 1–7 Oct off, Thu 8 Oct 08:30–09:30 (1 h)
    assert deadlines.add_working_hours(at(2026, 9, 30, 16), 3) == at(2026, 10, 8, 9, 30)


def test_a_start_outside_office_hours_begins_at_the_next_office_period():
    assert deadlines.add_working_hours(at(2026, 9, 14, 7), 1) == at(2026, 9, 14, 9, 30)
    assert deadlines.add_working_hours(at(2026, 9, 14, 12, 30), 1) == at(2026, 9, 14, 15)
    assert deadlines.add_working_hours(at(2026, 9, 14, 18), 1) == at(2026, 9, 15, 9, 30)
    assert deadlines.add_working_hours(at(2026, 9, 12, 10), 1) == at(2026, 9, 14, 9, 30)  # Saturday


def test_a_start_one_minute_before_closing_uses_that_minute():
    # Mon 17:59–18:00 (1 min), Tue 08:30–09:29 (59 min)
    assert deadlines.add_working_hours(at(2026, 9, 14, 17, 59), 1) == at(2026, 9, 15, 9, 29)


def test_a_limit_used_up_at_closing_is_due_at_closing():
    assert deadlines.add_working_hours(at(2026, 9, 14, 16), 2) == at(2026, 9, 14, 18)


def test_working_hours_accept_any_timezone_and_answer_in_shanghai():
    utc_start = dt.datetime(2026, 9, 14, 3, 0, tzinfo=dt.UTC)  # 11:00 in Shanghai
    due = deadlines.add_working_hours(utc_start, 2)
    assert due == at(2026, 9, 14, 15)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        deadlines.add_working_hours(dt.datetime(2026, 9, 14, 11), 1)


def test_working_seconds_between():
    assert deadlines.working_seconds_between(at(2026, 9, 14, 8, 30), at(2026, 9, 14, 18)) == 7.5 * 3600
    # Wed 30 Sep 17:00–18:00 (1 h), Thu 8 Oct 08:30–09:30 (1 h)
    assert deadlines.working_seconds_between(at(2026, 9, 30, 17), at(2026, 10, 8, 9, 30)) == 2 * 3600
    assert deadlines.working_seconds_between(at(2026, 10, 8, 9, 30), at(2026, 9, 30, 17)) == -2 * 3600
    # entirely inside the holiday
    assert deadlines.working_seconds_between(at(2026, 10, 2, 9), at(2026, 10, 6, 17)) == 0


def test_eighty_percent_of_a_limit_is_reached_where_expected():
    start = at(2026, 9, 30, 14)
    due = deadlines.due_for_limit(start, 5, "working_hours")
    # Wed 30 Sep 14–18 (4 h), Thu 8 Oct 08:30–09:30 (1 h)
    assert due == at(2026, 10, 8, 9, 30)
    used = deadlines.working_seconds_between(start, at(2026, 10, 8, 8, 30))
    assert used / (5 * 3600) == 0.8


def test_due_for_a_limit_in_working_hours():
    # Mon 14 Sep 10:00 + 24 h: Mon 6 h, Tue 7.5 h, Wed 7.5 h (21 h), Thu 17 Sep 08:30 + 3 h
    assert deadlines.due_for_limit(at(2026, 9, 14, 10), 24, "working_hours") == at(2026, 9, 17, 11, 30)


def test_due_for_a_limit_in_working_days_is_the_end_of_that_office_day():
    # Wed 30 Sep 15:00: Thu 8 Oct (1), Fri 9 (2), Sat 10 make-up (3) → 18:00
    assert deadlines.due_for_limit(at(2026, 9, 30, 15), 3, "working_days") == at(2026, 10, 10, 18)
    # Fri 13 Feb 23:00, 2 working days: Sat 14 (1), Tue 24 (2)
    assert deadlines.due_for_limit(at(2026, 2, 13, 23), 2, "working_days") == at(2026, 2, 24, 18)


def test_due_for_an_unknown_unit_is_refused():
    with pytest.raises(ValueError):
        deadlines.due_for_limit(at(2026, 9, 14, 10), 3, "calendar_days")


# --- properties -----------------------------------------------------------------------------------

_dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 10, 31))
_relaxed = hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_relaxed
@given(start=_dates, n=st.integers(min_value=1, max_value=40))
def test_add_working_days_lands_on_a_working_day_with_n_minus_one_in_between(start, n):
    end = deadlines.add_working_days(start, n)
    assert calendar.is_working_day(end)
    between = [start + dt.timedelta(days=i) for i in range(1, (end - start).days)]
    assert sum(calendar.is_working_day(d) for d in between) == n - 1


@_relaxed
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 10, 31)),
    minutes=st.integers(min_value=0, max_value=60 * 60),
)
def test_working_hours_added_are_the_working_seconds_between(start, minutes):
    start = start.replace(tzinfo=SHANGHAI, microsecond=0)
    due = deadlines.add_working_hours(start, minutes / 60)
    assert due >= start
    assert deadlines.working_seconds_between(start, due) == pytest.approx(minutes * 60, abs=1e-3)
