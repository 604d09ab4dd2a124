"""The public channel's figures, each defined in its docstring and computed from the data alone.

Periods are half-open `[start, end)` of aware datetimes; `period_bounds` turns inclusive dates on the
Shanghai calendar into one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.portal.models import Callback, Feedback, Rating

# The channels on which someone outside the bureau waits for an answer (督办件 and reports).
PUBLIC_SOURCES = (CaseSource.CITIZEN, CaseSource.HOTLINE, CaseSource.DEPUTY, CaseSource.OPEN311)


@dataclass(frozen=True)
class Figure:
    name: str
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """The share in [0, 1], or None when there is nothing to count."""
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": self.rate,
        }


def period_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `first` to the end of `last`, both inclusive, Shanghai time."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=clock.SHANGHAI)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=clock.SHANGHAI)
    return start, end


def _closed_public_cases(start: dt.datetime, end: dt.datetime, bureau=None) -> QuerySet[Case]:
    qs = Case.objects.filter(
        source__in=PUBLIC_SOURCES, state=CaseState.CLOSED, closed_at__gte=start, closed_at__lt=end
    )
    return qs.filter(bureau=bureau) if bureau is not None else qs


def feedback_rate(start: dt.datetime, end: dt.datetime, *, bureau=None) -> Figure:
    """反馈率 = cases from citizens, the 12345 hotline, deputies and Open311 that were closed in the
    period and have at least one feedback record (any time) ÷ all such cases closed in the period."""
    closed = _closed_public_cases(start, end, bureau)
    fed_back = closed.filter(Exists(Feedback.objects.filter(case=OuterRef("pk"))))
    return Figure("feedback_rate", fed_back.count(), closed.count())


def satisfaction_rate(start: dt.datetime, end: dt.datetime, *, bureau=None) -> Figure:
    """满意率 = (满意 + 基本满意) ÷ rated. A case counts once, with its latest callback, when that
    callback was made in the period; a case called back twice counts with the second answer."""
    latest = Callback.objects.filter(case=OuterRef("case")).order_by("-at", "-id").values("pk")[:1]
    qs = Callback.objects.filter(pk=Subquery(latest), at__gte=start, at__lt=end)
    if bureau is not None:
        qs = qs.filter(case__bureau=bureau)
    rated = qs.count()
    content = qs.filter(rating__in=[Rating.SATISFIED, Rating.BASICALLY]).count()
    return Figure("satisfaction_rate", content, rated)


LABELS = {"feedback_rate": "反馈率", "satisfaction_rate": "满意率"}


def all_figures(start: dt.datetime, end: dt.datetime, *, bureau=None) -> list[Figure]:
    return [feedback_rate(start, end, bureau=bureau), satisfaction_rate(start, end, bureau=bureau)]
