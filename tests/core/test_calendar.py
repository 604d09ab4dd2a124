"""The official 2026 holiday arrangement (国办发明电〔2025〕 notice, as carried by chinesecalendar),
make-up working days, the operator's override table and the fallback for unknown years."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from chengguan.core import calendar

D = dt.date


@pytest.fixture
def use_holidays_file(settings, tmp_path):
    """Install `text` as the operator's holidays file, as an operator would before a restart."""

    def install(text: str | None) -> None:
        path = tmp_path / "holidays.yaml"
        if text is not None:
            path.write_text(text, encoding="utf-8")
        settings.HOLIDAYS_FILE = str(path)

    return install


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_spring_festival_2026_is_nine_days_off_with_two_saturdays_worked():
    for day in _days(D(2026, 2, 15), D(2026, 2, 23)):
        assert not calendar.is_working_day(day), day
        assert calendar.is_statutory_holiday(day), day
        assert calendar.holiday_name(day) == "春节"
    # Sat 14 Feb and Sat 28 Feb are worked in exchange (调休).
    assert calendar.is_working_day(D(2026, 2, 14))
    assert calendar.is_working_day(D(2026, 2, 28))
    assert calendar.holiday_name(D(2026, 2, 14)) is None
    # The days around the break are ordinary working days.
    assert calendar.is_working_day(D(2026, 2, 13))
    assert calendar.is_working_day(D(2026, 2, 24))


def test_national_day_2026_is_seven_days_off_with_sunday_and_saturday_worked():
    for day in _days(D(2026, 10, 1), D(2026, 10, 7)):
        assert not calendar.is_working_day(day), day
        assert calendar.holiday_name(day) == "国庆节"
    assert calendar.is_working_day(D(2026, 9, 20))  # Sunday, worked
    assert calendar.is_working_day(D(2026, 10, 10))  # Saturday, worked
    assert not calendar.is_working_day(D(2026, 10, 11))  # ordinary Sunday
    for day in _days(D(2026, 9, 25), D(2026, 9, 27)):
        assert calendar.holiday_name(day) == "中秋"


def test_new_year_2026_and_the_sunday_after_it():
    for day in _days(D(2026, 1, 1), D(2026, 1, 3)):
        assert not calendar.is_working_day(day)
    assert calendar.is_working_day(D(2026, 1, 4))  # Sunday, worked


def test_an_ordinary_weekend_is_a_rest_day_but_not_a_statutory_holiday():
    assert not calendar.is_working_day(D(2026, 3, 7))  # Saturday
    assert not calendar.is_statutory_holiday(D(2026, 3, 7))
    assert calendar.holiday_name(D(2026, 3, 7)) is None
    assert calendar.is_working_day(D(2026, 3, 9))  # Monday


def test_next_working_day_skips_holidays_and_lands_on_make_up_days():
    assert calendar.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)
    assert calendar.next_working_day(D(2026, 10, 9)) == D(2026, 10, 10)  # make-up Saturday
    assert calendar.next_working_day(D(2026, 10, 10)) == D(2026, 10, 12)
    assert calendar.next_working_day(D(2026, 2, 13)) == D(2026, 2, 14)
    assert calendar.next_working_day(D(2026, 2, 14)) == D(2026, 2, 24)


def test_working_day_on_or_after_keeps_a_working_day():
    assert calendar.working_day_on_or_after(D(2026, 10, 10)) == D(2026, 10, 10)
    assert calendar.working_day_on_or_after(D(2026, 10, 11)) == D(2026, 10, 12)
    assert calendar.working_day_on_or_after(D(2026, 10, 3)) == D(2026, 10, 8)


def test_known_years_cover_the_package_range():
    years = calendar.known_years()
    assert set(range(2004, 2027)) <= years


def test_an_override_table_adds_a_year(use_holidays_file):
    assert 2031 not in calendar.known_years()
    use_holidays_file(
        "years:\n"
        "  2031:\n"
        "    holidays:\n"
        "      - {from: 2031-10-01, to: 2031-10-07, name: 国庆节}\n"
        "    workdays:\n"
        "      - {date: 2031-09-27, name: 国庆节}\n"
        "      - {date: 2031-10-11, name: 国庆节}\n"
    )
    assert 2031 in calendar.known_years()
    assert not calendar.is_working_day(D(2031, 10, 1))  # Wednesday, off
    assert calendar.holiday_name(D(2031, 10, 3)) == "国庆节"
    assert calendar.is_working_day(D(2031, 9, 27))  # Saturday, worked
    assert calendar.next_working_day(D(2031, 9, 30)) == D(2031, 10, 8)


def test_an_override_year_replaces_the_package_table_for_that_year(use_holidays_file):
    use_holidays_file(
        "years:\n  2026:\n    holidays:\n      - {date: 2026-01-01, name: 元旦}\n    workdays: []\n"
    )
    assert not calendar.is_working_day(D(2026, 1, 1))
    assert calendar.is_working_day(D(2026, 10, 2))  # Friday; no National Day in the replacement
    assert not calendar.is_working_day(D(2026, 10, 10))  # Saturday no longer worked
    assert not calendar.is_working_day(D(2025, 10, 2))  # other years untouched (National Day 2025)


def test_a_date_both_off_and_worked_is_rejected(use_holidays_file):
    use_holidays_file(
        "years:\n  2031:\n    holidays: [{date: 2031-10-01, name: 国庆节}]\n"
        "    workdays: [{date: 2031-10-01, name: 国庆节}]\n"
    )
    with pytest.raises(ImproperlyConfigured, match="2031-10-01"):
        calendar.is_working_day(D(2031, 10, 1))


def test_an_unknown_year_counts_monday_to_friday_and_warns_once(use_holidays_file, caplog):
    use_holidays_file(None)  # a fresh table, so no earlier test has already warned
    with caplog.at_level(logging.WARNING, logger="chengguan.core.calendar"):
        assert calendar.is_working_day(D(2035, 1, 1))  # Monday: no table says it is New Year
        assert not calendar.is_working_day(D(2035, 1, 6))  # Saturday
        assert calendar.next_working_day(D(2035, 1, 5)) == D(2035, 1, 8)
    warnings = [r for r in caplog.records if "2035" in r.getMessage()]
    assert len(warnings) == 1
    assert "holiday" in warnings[0].getMessage()


def test_calendar_command_prints_the_holidays_and_make_up_days(capsys):
    call_command("calendar", "2026")
    out = capsys.readouterr().out
    assert "春节：2026-02-15（周日） 至 2026-02-23（周一） 放假，共 9 天" in out
    assert "国庆节：2026-10-01（周四） 至 2026-10-07（周三） 放假，共 7 天" in out
    assert "春节：2026-02-14（周六） 上班" in out
    assert "国庆节：2026-09-20（周日） 上班" in out


def test_calendar_command_fails_for_a_year_without_a_table():
    with pytest.raises(CommandError, match="2035"):
        call_command("calendar", "2035")
