"""The one place the current time comes from, so tests can pin it."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_pinned: dt.datetime | None = None


def now() -> dt.datetime:
    """Timezone-aware current time (pinned during tests that call `pinned`)."""
    return _pinned if _pinned is not None else timezone.now()


def today() -> dt.date:
    """Today's date in Shanghai."""
    return now().astimezone(SHANGHAI).date()


def period_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The half-open period from the start of `first` to the end of `last`, both inclusive dates on
    the Shanghai calendar (how the bureau names a reporting period)."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=SHANGHAI)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)
    return start, end


@contextmanager
def pinned(moment: dt.datetime):
    """Freeze `now()` at `moment` (aware) for the duration of the block."""
    global _pinned
    if moment.tzinfo is None:
        raise ValueError("pinned time must be timezone-aware")
    previous, _pinned = _pinned, moment
    try:
        yield moment
    finally:
        _pinned = previous
