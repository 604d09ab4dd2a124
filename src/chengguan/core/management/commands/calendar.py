"""`chengguan calendar 2026`: the year's days off and make-up working days, for the operator to check
against the State Council's notice after adding a year to the holidays file."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from chengguan.core import calendar as cn_calendar

_WEEKDAYS = "一二三四五六日"


def _day(d: dt.date) -> str:
    return f"{d.isoformat()}（周{_WEEKDAYS[d.weekday()]}）"


def _periods(rest_days: dict[dt.date, str]) -> list[tuple[str, list[dt.date]]]:
    """Consecutive days off with the same name, as one holiday period each."""
    periods: list[tuple[str, list[dt.date]]] = []
    for d, name in sorted(rest_days.items()):
        if periods and periods[-1][0] == name and periods[-1][1][-1] + dt.timedelta(days=1) == d:
            periods[-1][1].append(d)
        else:
            periods.append((name, [d]))
    return periods


class Command(BaseCommand):
    help = "列出某年的法定节假日放假安排和调休上班日 / List a year's holidays and make-up working days."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year: int, **options):
        if not 1900 <= year <= 2200:
            raise CommandError(f"年份不合理：{year}")
        if year not in cn_calendar.known_years():
            raise CommandError(
                f"{year} 年没有官方节假日表：按周一至周五为工作日计算。"
                f"请按国务院办公厅当年节假日安排通知补充节假日文件（格式见 core/data/holidays.yaml）。"
            )
        table = cn_calendar.year_table(year)
        self.stdout.write(f"{year} 年放假安排：")
        for name, days in _periods(table.rest_days):
            span = _day(days[0]) if len(days) == 1 else f"{_day(days[0])} 至 {_day(days[-1])}"
            self.stdout.write(f"  {name}：{span} 放假，共 {len(days)} 天")
        self.stdout.write(f"{year} 年调休上班日：")
        for d, name in table.makeup_days.items():
            self.stdout.write(f"  {name}：{_day(d)} 上班")
        if not table.makeup_days:
            self.stdout.write("  无")
