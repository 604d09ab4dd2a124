"""China's official working-day calendar: weekends, public holidays and make-up working days (调休).

Each year the General Office of the State Council publishes a notice
(国务院办公厅关于××年部分节假日安排的通知) that says which days are off and which
weekend days are worked instead. The `chinese_calendar` package carries those notices (2004 onwards);
`data/holidays.yaml` and the operator's own file (`settings.HOLIDAYS_FILE`, default
`<CHENGGUAN_DATA_DIR>/holidays.yaml`) add or correct whole years.

For a year no table knows, Monday–Friday are treated as working days and a warning is logged once per
year: the operator must add that year's table as soon as the State Council publishes it (usually in
November of the year before), or deadlines that year will ignore holidays.

On an installation shared by several bureaus, a bureau may have days of its own on top of the
installation's table (a local holiday such as 广西"三月三", or a day worked in exchange): inside
`for_bureau(bureau_id)` every function below counts that bureau's days first. The days are kept by
the org app (`org.BureauCalendarDay`), which registers their loader at start-up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import chinese_calendar
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from chengguan.core.clock import SHANGHAI

logger = logging.getLogger(__name__)

BUNDLED_OVERRIDES = Path(__file__).resolve().parent / "data" / "holidays.yaml"
_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class YearTable:
    """One year's arrangement: days off (with the holiday's Chinese name) and weekend days worked."""

    rest_days: dict[dt.date, str]
    makeup_days: dict[dt.date, str]


@dataclass
class HolidayTable:
    """All known years. `years` lists the years whose arrangement is known (table present)."""

    rest_days: dict[dt.date, str]
    makeup_days: dict[dt.date, str]
    years: frozenset[int]
    _warned: set[int] = field(default_factory=set, repr=False)

    def knows(self, year: int) -> bool:
        if year in self.years:
            return True
        if year not in self._warned:
            self._warned.add(year)
            logger.warning(
                "No official holiday table for %s: counting Monday–Friday as working days. "
                "Add the State Council's %s holiday arrangement to the holidays file (%s).",
                year,
                year,
                _operator_file(),
            )
        return False


def _package_table() -> tuple[dict[dt.date, str], dict[dt.date, str]]:
    rest = {d: _CHINESE_NAMES.get(name, name) for d, name in chinese_calendar.holidays.items()}
    work = {d: _CHINESE_NAMES.get(name, name) for d, name in chinese_calendar.workdays.items()}
    return rest, work


def _as_date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _expand(entries: Iterable[dict] | None, year: int, where: str) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {}
    for entry in entries or ():
        if not isinstance(entry, dict) or "name" not in entry:
            raise ImproperlyConfigured(
                f"{where} {year}: each entry needs a name and date or from/to: {entry!r}"
            )
        if "date" in entry:
            first = last = _as_date(entry["date"], where)
        else:
            first, last = _as_date(entry.get("from"), where), _as_date(entry.get("to"), where)
        if last < first:
            raise ImproperlyConfigured(f"{where} {year}: {first} is after {last}")
        day = first
        while day <= last:
            if day.year != year:
                raise ImproperlyConfigured(f"{where}: {day} is listed under year {year}")
            days[day] = str(entry["name"])
            day += dt.timedelta(days=1)
    return days


def read_override_file(path: Path) -> dict[int, YearTable]:
    """Parse one holidays file (format documented at the top of data/holidays.yaml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    years = data.get("years") or {}
    if not isinstance(years, dict):
        raise ImproperlyConfigured(f"{path}: 'years' must map a year to its holidays and workdays")
    tables: dict[int, YearTable] = {}
    for year, spec in years.items():
        year = int(year)
        spec = spec or {}
        rest = _expand(spec.get("holidays"), year, str(path))
        work = _expand(spec.get("workdays"), year, str(path))
        clash = sorted(set(rest) & set(work))
        if clash:
            raise ImproperlyConfigured(f"{path}: {clash[0]} is listed both as a holiday and as a workday")
        tables[year] = YearTable(rest_days=rest, makeup_days=work)
    return tables


def load_table(*override_paths: Path | str) -> HolidayTable:
    """The package's table with each override file applied in order; a year in a file replaces that
    year entirely, so a file can both add new years and correct a published one."""
    rest, work = _package_table()
    years = {d.year for d in rest} | {d.year for d in work}
    for raw in override_paths:
        path = Path(raw)
        if not path.exists():
            continue
        for year, table in read_override_file(path).items():
            rest = {d: n for d, n in rest.items() if d.year != year} | table.rest_days
            work = {d: n for d, n in work.items() if d.year != year} | table.makeup_days
            years.add(year)
    return HolidayTable(rest_days=rest, makeup_days=work, years=frozenset(years))


def _operator_file() -> Path:
    configured = getattr(settings, "HOLIDAYS_FILE", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "holidays.yaml"


_active: HolidayTable | None = None


def active_table() -> HolidayTable:
    """The table in force, loaded once per process: restart the service after editing a holidays file."""
    global _active
    if _active is None:
        _active = load_table(BUNDLED_OVERRIDES, _operator_file())
    return _active


def reset_cache() -> None:
    """Forget the loaded table (tests, and the settings that name the holidays file changing)."""
    global _active
    _active = None


@receiver(setting_changed)
def _holidays_file_changed(*, setting: str, **kwargs) -> None:
    if setting in {"HOLIDAYS_FILE", "DATA_DIR"}:
        reset_cache()


@dataclass(frozen=True)
class LocalDays:
    """One bureau's own days over the installation's table: days off and days worked, by date."""

    bureau_id: int | None = None
    rest_days: dict[dt.date, str] = field(default_factory=dict)
    work_days: dict[dt.date, str] = field(default_factory=dict)


_local: ContextVar[LocalDays | None] = ContextVar("chengguan_local_days", default=None)
_bureau_days_loader: Callable[[int], LocalDays] | None = None


def register_bureau_days(loader: Callable[[int], LocalDays]) -> None:
    """Name the function that reads a bureau's own days (the org app does, when it starts)."""
    global _bureau_days_loader
    _bureau_days_loader = loader


@contextlib.contextmanager
def local_days(days: LocalDays | None) -> Iterator[None]:
    """Count `days` before the installation's table inside the block."""
    token = _local.set(days)
    try:
        yield
    finally:
        _local.reset(token)


@contextlib.contextmanager
def for_bureau(bureau_id: int | None) -> Iterator[None]:
    """Count the bureau's own days inside the block. Nested blocks of the same bureau read its days
    once; no bureau (or none registered) leaves the days in force as they are."""
    current = _local.get()
    if bureau_id is None or _bureau_days_loader is None or (current and current.bureau_id == bureau_id):
        yield
        return
    with local_days(_bureau_days_loader(bureau_id)):
        yield


def current_bureau_days() -> LocalDays | None:
    return _local.get()


def _day(d: dt.date) -> dt.date:
    if isinstance(d, dt.datetime):
        return (d.astimezone(SHANGHAI) if d.tzinfo else d).date()
    return d


def is_working_day(d: dt.date) -> bool:
    """A weekday that is not a day off, or a weekend day worked in exchange for a holiday (调休)."""
    d = _day(d)
    local = _local.get()
    if local is not None:
        if d in local.work_days:
            return True
        if d in local.rest_days:
            return False
    table = active_table()
    if not table.knows(d.year):
        return d.weekday() < 5
    if d in table.makeup_days:
        return True
    if d in table.rest_days:
        return False
    return d.weekday() < 5


def is_statutory_holiday(d: dt.date) -> bool:
    """A day off of an official holiday period (放假), including the weekend and swapped days inside
    it; ordinary weekends are not. A bureau's own day off counts as one inside `for_bureau`."""
    d = _day(d)
    local = _local.get()
    if local is not None and d in local.rest_days:
        return True
    if local is not None and d in local.work_days:
        return False
    table = active_table()
    return table.knows(d.year) and d in table.rest_days


def holiday_name(d: dt.date) -> str | None:
    """The Chinese name of the holiday period `d` belongs to (e.g. "国庆节"), or None."""
    d = _day(d)
    local = _local.get()
    if local is not None and d in local.rest_days:
        return local.rest_days[d]
    if local is not None and d in local.work_days:
        return None
    table = active_table()
    return table.rest_days.get(d) if table.knows(d.year) else None


def next_working_day(d: dt.date) -> dt.date:
    """The first working day strictly after `d`."""
    d = _day(d) + dt.timedelta(days=1)
    while not is_working_day(d):
        d += dt.timedelta(days=1)
    return d


def working_day_on_or_after(d: dt.date) -> dt.date:
    """`d` itself if it is a working day, else the next one."""
    d = _day(d)
    return d if is_working_day(d) else next_working_day(d)


def known_years() -> set[int]:
    """Years with an official arrangement; any other year falls back to Monday–Friday."""
    return set(active_table().years)


def has_official_table(year: int) -> bool:
    """Whether deadlines in `year` follow the State Council's arrangement or the Monday–Friday
    fallback (pages warn about the latter: `core.templatetags.calendar_tags`)."""
    return year in active_table().years


def years_without_table(*years: int) -> list[int]:
    """Those of `years` the calendar has no official table for, in order."""
    return sorted({y for y in years if not has_official_table(y)})


def year_table(year: int) -> YearTable:
    """One year's days off and make-up working days, in date order (for the `calendar` command)."""
    table = active_table()
    return YearTable(
        rest_days={d: n for d, n in sorted(table.rest_days.items()) if d.year == year},
        makeup_days={d: n for d, n in sorted(table.makeup_days.items()) if d.year == year},
    )
