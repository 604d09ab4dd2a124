"""Reads of the outreach app: what the caller's bureau holds, and what the portal shows."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from chengguan.core import clock
from chengguan.org import selectors as org_selectors
from chengguan.outreach.models import (
    Activity,
    ActivityState,
    Broadcast,
    BroadcastState,
    MediaReport,
    Recording,
    ServiceCertificate,
    Volunteer,
)
from chengguan.outreach.permissions import can_view_outreach


def _bureau_rows(actor, qs: QuerySet) -> QuerySet:
    bureau = org_selectors.bureau_of(actor)
    if bureau is None or not can_view_outreach(actor, qs.model(bureau=bureau)):
        return qs.none()
    return qs.filter(bureau=bureau)


def activities_for(actor) -> QuerySet[Activity]:
    return _bureau_rows(actor, Activity.objects.all()).annotate(
        registered=Count("registrations", distinct=True),
        checked_in=Count(
            "registrations", filter=Q(registrations__checked_in_at__isnull=False), distinct=True
        ),
    )


def volunteers_for(actor) -> QuerySet[Volunteer]:
    return _bureau_rows(actor, Volunteer.objects.all()).annotate(
        total_hours=Sum("hours__hours"), activities_served=Count("hours", distinct=True)
    )


def broadcasts_for(actor) -> QuerySet[Broadcast]:
    return _bureau_rows(actor, Broadcast.objects.all()).prefetch_related("officers__profile")


def recordings_for(actor) -> QuerySet[Recording]:
    return Recording.objects.filter(broadcast__in=broadcasts_for(actor)).select_related("broadcast")


def media_for(actor, *, year: int | None = None) -> QuerySet[MediaReport]:
    qs = _bureau_rows(actor, MediaReport.objects.all()).prefetch_related("deeds", "activities", "broadcasts")
    return qs.filter(published_on__year=year) if year else qs


# -- the portal -------------------------------------------------------------------------------------

PUBLIC_ACTIVITY_STATES = (ActivityState.OPEN, ActivityState.CLOSED, ActivityState.HELD)


def public_activities() -> QuerySet[Activity]:
    """What the portal lists: published activities (open, closed or held), with their places left."""
    return (
        Activity.objects.filter(state__in=PUBLIC_ACTIVITY_STATES)
        .annotate(registered=Count("registrations"))
        .order_by("-starts_at", "pk")
    )


def public_schedule() -> tuple[list[Broadcast], list[Broadcast]]:
    """The live sessions to come (and on air), and the past ones."""
    rows = Broadcast.objects.exclude(state=BroadcastState.CANCELLED)
    now = clock.now()
    coming = list(
        rows.filter(
            Q(state=BroadcastState.LIVE) | Q(state=BroadcastState.SCHEDULED, ends_at__gte=now)
        ).order_by("starts_at")[:20]
    )
    past = list(rows.filter(state=BroadcastState.ENDED).order_by("-starts_at")[:30])
    return coming, past


def certificate_by_token(token: str) -> ServiceCertificate | None:
    return ServiceCertificate.objects.select_related("volunteer__bureau").filter(token=token).first()


def yearly_media(bureau, year: int) -> QuerySet[MediaReport]:
    """The year's reports for the bureau's annual report, oldest first."""
    return MediaReport.objects.filter(bureau=bureau, published_on__year=year).order_by("published_on", "pk")
