"""Statutory periods as data, and their due dates.

Laws covered: 行政处罚法, 行政强制法, 行政复议法, 行政诉讼法, 信访工作条例.

`data/legal_periods.yaml` records, for each period, its length and whether the law counts it in working
days (行政处罚法 第八十五条; 行政强制法 第六十九条; 行政复议法 第八十八条) or in calendar days / months with
the end-of-period holiday roll-over (民事诉讼法 第八十五条 via 行政诉讼法 第一百零一条). The file also
holds a few statutory amounts (e.g. the simple-procedure fine cap), loaded the same way with `value`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from chengguan.core import deadlines
from chengguan.core.errors import LegalPeriodError, NotFound, ValidationFailed

DATA_FILE = Path(__file__).resolve().parent / "data" / "legal_periods.yaml"


@dataclass(frozen=True)
class LegalPeriod:
    """One statutory period. `working_days` is None where the law sets no count or it does not apply."""

    id: str
    name: str
    law: str
    article: str = ""
    days: int | None = None
    months: int | None = None
    years: int | None = None
    hours: int | None = None
    working_days: bool | None = None
    start: str = ""
    note: str = ""
    extension_days: int | None = None
    value: float | None = None
    unit: str = ""
    status: str = ""

    @property
    def counts_backwards(self) -> bool:
        """Periods that end at an event rather than start at one ("7 days before the hearing")."""
        return self.start.strip().lower().startswith("before")


_FIELDS = set(LegalPeriod.__dataclass_fields__)


def _entries(section: object) -> list[dict]:
    if isinstance(section, list):
        return [e for e in section if isinstance(e, dict) and "id" in e]
    if isinstance(section, dict):
        return [e for value in section.values() for e in _entries(value)]
    return []


def load_periods(path: Path | str = DATA_FILE) -> dict[str, LegalPeriod]:
    """Every entry with an `id`, keyed by id; unknown keys in the file are ignored."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    periods: dict[str, LegalPeriod] = {}
    for law, section in data.items():
        if law == "defaults":
            continue
        for entry in _entries(section):
            known = {k: v for k, v in entry.items() if k in _FIELDS and v is not None}
            known.update({k: str(known[k]) for k in ("start", "note") if k in known})
            period = LegalPeriod(law=law, **known)
            if period.id in periods:
                raise ValueError(f"{path}: legal period {period.id!r} is defined twice")
            periods[period.id] = period
    return periods


@lru_cache(maxsize=1)
def _periods() -> dict[str, LegalPeriod]:
    return load_periods()


def all_periods() -> list[LegalPeriod]:
    """All periods and amounts, in file order."""
    return list(_periods().values())


def get(period_id: str) -> LegalPeriod:
    """The period with this id, or NotFound (code `legal_period.unknown`)."""
    try:
        return _periods()[period_id]
    except KeyError:
        raise NotFound(f"未找到法定期限：{period_id}", code=LegalPeriodError.UNKNOWN) from None


def deadline(period_id: str, start: dt.date) -> dt.date:
    """The last day of the period that starts (or, for `counts_backwards`, ends) on `start`.

    The start day is not counted. Working-day periods skip weekends and holidays; calendar-day, month
    and year periods end on the next working day when their last day is a rest day. A period counted
    back from an event is not rolled: the act may always be done earlier.
    """
    period = get(period_id)
    sign = -1 if period.counts_backwards else 1
    if period.days is not None and period.working_days:
        return deadlines.add_working_days(start, sign * period.days)
    roll = not period.counts_backwards
    if period.days is not None:
        return deadlines.add_calendar_days(start, sign * period.days, roll=roll)
    if period.months is not None or period.years is not None:
        months = (period.months or 0) + 12 * (period.years or 0)
        return deadlines.add_months(start, sign * months, roll=roll)
    if period.hours is not None:
        raise ValidationFailed(
            f"法定期限“{period.name}”以小时计算，无法按日期计算截止日",
            code=LegalPeriodError.COUNTED_IN_HOURS,
        )
    raise ValidationFailed(
        f"法定期限“{period.name}”没有规定天数（{period.article}），无法计算截止日",
        code=LegalPeriodError.NO_DAY_COUNT,
    )
