"""Reads of penalty cases, scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from chengguan.core import clock, legal_periods
from chengguan.enforcement import periods
from chengguan.enforcement.models import PenaltyCase, PenaltyDeadline
from chengguan.org import selectors as org_selectors


def visible_cases(actor) -> QuerySet[PenaltyCase]:
    """The actor's own bureau's cases (everything for a superuser or the system)."""
    qs = PenaltyCase.objects.select_related("bureau")
    if actor is None or actor.is_superuser:
        return qs
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau else qs.none()


def case_by_number(number: str) -> PenaltyCase | None:
    return PenaltyCase.objects.filter(number=number).first()


def deadlines_this_week(actor, *, today: dt.date | None = None) -> QuerySet[PenaltyDeadline]:
    """Open deadlines due from today to Sunday of this week, soonest first; missed ones are listed by
    `overdue_deadlines`."""
    today = today or clock.today()
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return (
        PenaltyDeadline.objects.filter(
            case__in=visible_cases(actor), met_on__isnull=True, due_on__gte=today, due_on__lte=sunday
        )
        .select_related("case")
        .order_by("due_on", "id")
    )


def overdue_deadlines(actor, *, today: dt.date | None = None) -> QuerySet[PenaltyDeadline]:
    today = today or clock.today()
    return PenaltyDeadline.objects.filter(
        case__in=visible_cases(actor), met_on__isnull=True, due_on__lt=today
    ).select_related("case")


def surcharge_on(case: PenaltyCase, on: dt.date | None = None) -> Decimal:
    """加处罚款 owed on `on` (default today) for an unpaid fine (行政处罚法 第七十二条、第七十三条)."""
    if not case.fine_amount or case.decision_served_on is None or case.collected_on_spot:
        return Decimal("0.00")
    on = on or clock.today()
    if case.paid_on:
        on = min(on, case.paid_on)
    due = legal_periods.deadline("apl_fine_payment", case.decision_served_on)
    excluded = [(r.applied_on, r.concluded_on) for r in case.reviews.all()]
    return periods.late_surcharge(fine=case.fine_amount, payment_due=due, on=on, excluded=excluded)
