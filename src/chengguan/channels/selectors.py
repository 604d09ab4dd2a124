"""Reads of the outside channels, scoped by the actor's bureau."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery

from chengguan.channels.models import WorkOrder
from chengguan.channels.permissions import sees_bureau_work_orders
from chengguan.feedback.models import Callback
from chengguan.org import selectors as org_selectors


def work_orders_visible_to(actor) -> QuerySet[WorkOrder]:
    """Work orders of the actor's bureau for its staff (everything for a superuser or the system;
    nothing for the public roles, a deputy included), each with the
    rating of its case's latest callback (`rating`), which is what goes back to the channel."""
    latest = Callback.objects.filter(case=OuterRef("case")).order_by("-at", "-id").values("rating")[:1]
    qs = WorkOrder.objects.select_related("case", "category", "replied_by").annotate(rating=Subquery(latest))
    if org_selectors.sees_everything(actor):
        return qs
    overseen = org_selectors.overseen_bureaus(actor)
    if overseen is not None:
        return qs.filter(case__bureau__in=overseen)
    bureau = org_selectors.bureau_of(actor)
    if bureau is None or not sees_bureau_work_orders(actor):
        return qs.none()
    return qs.filter(case__bureau=bureau)


def received_between(qs: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime) -> QuerySet[WorkOrder]:
    return qs.filter(received_at__gte=start, received_at__lt=end)
