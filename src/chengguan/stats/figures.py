"""The figures the bureau publishes, each defined in its docstring and computed from the data alone:
cases, the public channel's feedback and callbacks, and the outside channels' replies.

Periods are half-open `[start, end)` of aware datetimes; `clock.period_bounds` turns inclusive dates
on the Shanghai calendar into one. A case an operator marked as spam (`Case.is_spam`) counts in no figure:
the record stays, the figure does not reward or punish the bureau for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from chengguan.cases.models import Case, CaseDelay
from chengguan.cases.public import public_cases
from chengguan.cases.states import CaseState
from chengguan.channels.models import WorkOrder
from chengguan.core import clock
from chengguan.core.replica import replica_reads
from chengguan.feedback.models import Callback, Feedback, Rating

# The stages before a case reaches a handler: waiting to be filed, then waiting to be dispatched.
PRE_DISPATCH_STAGES = (CaseState.REPORTED, CaseState.FILED)


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


def _share(name: str, items: QuerySet, counted: Q | Exists) -> Figure:
    """The figure `counted` items ÷ all items, in one query: both numbers scan the same rows."""
    totals = items.aggregate(numerator=Count("pk", filter=counted), denominator=Count("pk"))
    return Figure(name, totals["numerator"], totals["denominator"])


def _closed_public_cases(start: dt.datetime, end: dt.datetime, bureau=None) -> QuerySet[Case]:
    return public_cases(bureau).filter(state=CaseState.CLOSED, closed_at__gte=start, closed_at__lt=end)


def feedback_rate(start: dt.datetime, end: dt.datetime, *, bureau=None) -> Figure:
    """反馈率 = cases from citizens, the 12345 hotline, deputies and Open311 that were closed in the
    period and have at least one feedback record (any time) ÷ all such cases closed in the period."""
    closed = _closed_public_cases(start, end, bureau)
    return _share("feedback_rate", closed, Exists(Feedback.objects.filter(case=OuterRef("pk"))))


def satisfaction_rate(start: dt.datetime, end: dt.datetime, *, bureau=None) -> Figure:
    """满意率 = (满意 + 基本满意) ÷ rated. A case counts once, with its latest callback, when that
    callback was made in the period; a case called back twice counts with the second answer."""
    latest = Callback.objects.filter(case=OuterRef("case")).order_by("-at", "-id").values("pk")[:1]
    qs = Callback.objects.filter(pk=Subquery(latest), at__gte=start, at__lt=end, case__is_spam=False)
    if bureau is not None:
        qs = qs.filter(case__bureau=bureau)
    return _share("satisfaction_rate", qs, Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY]))


def on_time_reply_rate(start: dt.datetime, end: dt.datetime, *, bureau=None, now=None) -> Figure:
    """按时答复率 = items answered by their due time ÷ items due.

    Items: public cases (citizen, hotline, deputy, Open311; no spam) whose feedback due time
    (`Case.feedback_due_at`, see `portal.feedback_due`; for a work order, the channel's reply due
    time) falls in the period. An item counts as due once its due time has passed, or earlier if it
    has been answered already. It was answered when its first feedback record (`Feedback.at`) or the
    work order's reply to its channel (`WorkOrder.replied_at`), whichever came first, was made; it
    was answered on time when that moment is not later than the due time."""
    now = now or clock.now()
    first_feedback = Feedback.objects.filter(case=OuterRef("pk")).order_by().values("case")
    first_feedback = first_feedback.annotate(first=Min("at")).values("first")
    reply = WorkOrder.objects.filter(case=OuterRef("pk")).values("replied_at")[:1]
    items = public_cases(bureau).filter(feedback_due_at__gte=start, feedback_due_at__lt=end)
    items = items.annotate(first_feedback=Subquery(first_feedback), channel_reply=Subquery(reply))
    answered = Q(first_feedback__isnull=False) | Q(channel_reply__isnull=False)
    due = items.filter(Q(feedback_due_at__lte=now) | answered)
    on_time = Q(first_feedback__lte=F("feedback_due_at")) | Q(channel_reply__lte=F("feedback_due_at"))
    return _share("on_time_reply_rate", due, on_time)


def dispatched_in_time(start: dt.datetime, end: dt.datetime, *, bureau=None) -> Figure:
    """按时派遣率 = public cases dispatched in the period (`Case.dispatched_at`, the latest dispatch)
    that were filed and dispatched within their time limits ÷ those cases. A stage finished late leaves a
    `CaseDelay` row (the late action must give a reason), so "within the limits" means: no delay
    recorded at the stages before dispatch (waiting to be filed, waiting to be dispatched)."""
    dispatched = public_cases(bureau).filter(dispatched_at__gte=start, dispatched_at__lt=end)
    late = CaseDelay.objects.filter(case=OuterRef("pk"), stage__in=PRE_DISPATCH_STAGES)
    return _share("dispatched_in_time", dispatched, ~Exists(late))


def reports_between(start: dt.datetime, end: dt.datetime, *, bureau=None) -> int:
    """受理量: public cases (no spam) reported in the period."""
    return public_cases(bureau).filter(reported_at__gte=start, reported_at__lt=end).count()


def month_to_date(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """This month so far: from the first of the month to the end of today (Shanghai)."""
    today = (now or clock.now()).astimezone(clock.SHANGHAI).date()
    return clock.period_bounds(today.replace(day=1), today)


LABELS = {
    "feedback_rate": gettext_lazy("反馈率"),
    "satisfaction_rate": gettext_lazy("满意率"),
    "on_time_reply_rate": gettext_lazy("按时答复率"),
    "dispatched_in_time": gettext_lazy("按时派遣率"),
}


@replica_reads
def all_figures(start: dt.datetime, end: dt.datetime, *, bureau=None) -> list[Figure]:
    return [
        feedback_rate(start, end, bureau=bureau),
        satisfaction_rate(start, end, bureau=bureau),
        on_time_reply_rate(start, end, bureau=bureau),
        dispatched_in_time(start, end, bureau=bureau),
    ]
