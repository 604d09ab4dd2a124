"""Statutory periods from data/legal_periods.yaml, computed around the 2026 holidays (counts by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.core import calendar, legal_periods
from chengguan.core.errors import NotFound, ValidationFailed

D = dt.date


def test_periods_carry_their_counting_rule_and_article():
    fine = legal_periods.get("apl_fine_payment")
    assert (fine.days, fine.working_days, fine.article) == (15, False, "APL Art.67 para.3")
    assert fine.name == "缴纳罚款期限"
    hearing = legal_periods.get("apl_hearing_request")
    assert (hearing.days, hearing.working_days) == (5, True)
    window = legal_periods.get("acl_court_application_window")
    assert (window.months, window.days, window.working_days) == (3, None, False)
    assert legal_periods.get("apl_limitation_general").years == 2
    assert legal_periods.get("acl_emergency_measure_report").hours == 24
    assert "apl_decision_deadline" in {p.id for p in legal_periods.all_periods()}


def test_fine_payment_is_15_calendar_days_rolled_past_holidays():
    # 16 Sep + 15 = Thu 1 Oct (National Day) → Thu 8 Oct
    assert legal_periods.deadline("apl_fine_payment", D(2026, 9, 16)) == D(2026, 10, 8)
    # 5 Feb + 15 = Fri 20 Feb (Spring Festival) → Tue 24 Feb
    assert legal_periods.deadline("apl_fine_payment", D(2026, 2, 5)) == D(2026, 2, 24)
    # 13 Feb + 15 = Sat 28 Feb, a worked Saturday: no roll
    assert legal_periods.deadline("apl_fine_payment", D(2026, 2, 13)) == D(2026, 2, 28)


def test_hearing_request_is_5_working_days():
    # Wed 30 Sep: Thu 8 Oct (1), Fri 9 (2), Sat 10 make-up (3), Mon 12 (4), Tue 13 (5)
    assert legal_periods.deadline("apl_hearing_request", D(2026, 9, 30)) == D(2026, 10, 13)
    # Fri 13 Feb: Sat 14 make-up (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5)
    assert legal_periods.deadline("apl_hearing_request", D(2026, 2, 13)) == D(2026, 2, 27)


def test_decision_deadline_is_90_calendar_days():
    # Fri 3 Jul + 90: 31 Jul (28), 31 Aug (59), 30 Sep (89), 1 Oct (90) → National Day → Thu 8 Oct
    assert legal_periods.deadline("apl_decision_deadline", D(2026, 7, 3)) == D(2026, 10, 8)
    # 20 Nov 2025 + 90: 30 Nov (10), 31 Dec (41), 31 Jan (72), 18 Feb (90) → Spring Festival → Tue 24 Feb
    assert legal_periods.deadline("apl_decision_deadline", D(2025, 11, 20)) == D(2026, 2, 24)


def test_court_application_window_is_3_months():
    # 5 Jul + 3 months = Mon 5 Oct (National Day) → Thu 8 Oct
    assert legal_periods.deadline("acl_court_application_window", D(2026, 7, 5)) == D(2026, 10, 8)
    # 30 Nov 2025 + 3 months: February has no 30th → Sat 28 Feb 2026, worked → kept
    assert legal_periods.deadline("acl_court_application_window", D(2025, 11, 30)) == D(2026, 2, 28)


def test_reminder_before_court_application_is_10_working_days():
    # Thu 24 Sep: 25–27 Mid-autumn off, Mon 28 (1), Tue 29 (2), Wed 30 (3), 1–7 Oct off, Thu 8 (4),
    # Fri 9 (5), Sat 10 make-up (6), Mon 12 (7), Tue 13 (8), Wed 14 (9), Thu 15 (10)
    assert legal_periods.deadline("acl_reminder_before_court_application", D(2026, 9, 24)) == D(2026, 10, 15)
    # Tue 10 Feb: Wed 11 (1), Thu 12 (2), Fri 13 (3), Sat 14 make-up (4), 15–23 off, Tue 24 (5),
    # Wed 25 (6), Thu 26 (7), Fri 27 (8), Sat 28 make-up (9), Sun 1 Mar off, Mon 2 Mar (10)
    assert legal_periods.deadline("acl_reminder_before_court_application", D(2026, 2, 10)) == D(2026, 3, 2)


def test_limitation_in_years_rolls_like_months():
    # Sat 5 Oct 2024 + 2 years = Mon 5 Oct 2026 (National Day) → Thu 8 Oct
    assert legal_periods.deadline("apl_limitation_general", D(2024, 10, 5)) == D(2026, 10, 8)


def test_hearing_notice_counts_back_from_the_hearing():
    # hearing Mon 12 Oct: Sat 10 (1), Fri 9 (2), Thu 8 (3), Wed 30 Sep (4), Tue 29 (5), Mon 28 (6),
    # [25–27 Mid-autumn off], Thu 24 Sep (7): notify on 24 Sep at the latest
    assert legal_periods.deadline("apl_hearing_notice", D(2026, 10, 12)) == D(2026, 9, 24)


def test_a_period_without_a_day_count_is_refused_clearly():
    with pytest.raises(ValidationFailed) as raised:
        legal_periods.deadline("apl_filing_when_standard_met", D(2026, 9, 30))
    assert raised.value.code == "legal_period.no_day_count"
    assert "符合立案标准应当及时立案" in raised.value.message


def test_a_period_in_hours_is_refused_as_a_date():
    with pytest.raises(ValidationFailed) as raised:
        legal_periods.deadline("acl_emergency_measure_report", D(2026, 9, 30))
    assert raised.value.code == "legal_period.counted_in_hours"


def test_an_unknown_period_is_not_found():
    with pytest.raises(NotFound) as raised:
        legal_periods.get("no_such_period")
    assert raised.value.code == "legal_period.unknown"


@pytest.mark.parametrize(
    "period",
    [p for p in legal_periods.all_periods() if (p.days or p.months or p.years) and not p.counts_backwards],
    ids=lambda p: p.id,
)
def test_every_forward_period_ends_on_a_working_day_after_its_start(period):
    start = D(2026, 9, 30)
    end = legal_periods.deadline(period.id, start)
    assert end > start
    assert calendar.is_working_day(end)
