"""Reads of cases, always scoped by the actor: lists, the to-do inbox, duplicates, the map, timelines."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from chengguan.cases.checks import distance_m
from chengguan.cases.models import (
    Case,
    CaseExtension,
    ExtensionStatus,
    IntakeCheckSetting,
    ReplyTemplate,
    Supervision,
)
from chengguan.cases.permissions import (
    follows_supervised_cases,
    inspects_grids,
    resumes_suspended_cases,
    sees_bureau_cases,
    sees_unit_cases,
    works_dispatch_desk,
    works_intake_desk,
)
from chengguan.cases.states import CHECKED_SOURCES, OPEN_STATES, CaseState
from chengguan.core import audit, clock
from chengguan.core.models import AuditEvent
from chengguan.grids.models import Grid
from chengguan.org import selectors as org_selectors
from chengguan.taxonomy.models import Category

DUPLICATE_RADIUS_M = 50
DUPLICATE_WINDOW = dt.timedelta(hours=72)


def _base() -> QuerySet[Case]:
    return Case.objects.select_related(
        "category", "category__major", "grid", "community", "subdistrict", "handling_unit", "bureau"
    )


def _in_my_grids(actor) -> Q:
    """Cases in the grids `actor` is assigned to (a subquery, so no join can duplicate rows)."""
    return Q(grid_id__in=Grid.inspectors.through.objects.filter(user_id=actor.pk).values("grid_id"))


def cases_visible_to(actor) -> QuerySet[Case]:
    """Command centre and leaders: their bureau; a city leader: every bureau of the city; handlers:
    their unit's cases; inspectors: cases in their grids or reported by them; the public: their own
    reports."""
    qs = _base()
    if org_selectors.sees_everything(actor):
        return qs
    if not getattr(actor, "is_authenticated", False):
        return qs.none()
    overseen = org_selectors.overseen_bureaus(actor)
    if overseen is not None:
        return qs.filter(bureau__in=overseen)
    bureau = org_selectors.bureau_of(actor)
    if sees_bureau_cases(actor) and bureau is not None:
        return qs.filter(bureau=bureau)
    scope = Q(reporter=actor)
    profile = org_selectors.profile_of(actor)
    if sees_unit_cases(actor) and profile is not None:
        path = profile.organisation.path
        scope |= Q(handling_unit__path__startswith=path) | Q(squad__path__startswith=path)
    if inspects_grids(actor):
        scope |= _in_my_grids(actor)
    return qs.filter(scope)


def urgency(case: Case, now: dt.datetime | None = None) -> str:
    """ "overdue" past the stage's due time, "warning" past 80 % of it, else "normal"."""
    now = now or clock.now()
    if case.state not in OPEN_STATES or case.state == CaseState.SUSPENDED or case.stage_due_at is None:
        return "normal"
    if now > case.stage_due_at:
        return "overdue"
    if case.stage_warning_at and now >= case.stage_warning_at:
        return "warning"
    return "normal"


def annotate_urgency(qs: QuerySet[Case], now: dt.datetime | None = None) -> QuerySet[Case]:
    """Add `urgency` ("overdue", "warning", "normal") computed by the database, like `urgency()`."""
    now = now or clock.now()
    running = Q(state__in=OPEN_STATES - {CaseState.SUSPENDED}, stage_due_at__isnull=False)
    return qs.annotate(
        urgency=SqlCase(
            When(running & Q(stage_due_at__lt=now), then=Value("overdue")),
            When(running & Q(stage_warning_at__lte=now), then=Value("warning")),
            default=Value("normal"),
            output_field=CharField(),
        )
    )


def with_urgency(qs: QuerySet[Case], urgency_value: str, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Filter by derived urgency, as a query (no timer flips a flag)."""
    now = now or clock.now()
    running = qs.filter(state__in=OPEN_STATES - {CaseState.SUSPENDED})
    if urgency_value == "overdue":
        return running.filter(stage_due_at__lt=now)
    if urgency_value == "warning":
        return running.filter(stage_warning_at__lte=now, stage_due_at__gte=now)
    if urgency_value == "normal":
        return qs.exclude(pk__in=running.filter(stage_warning_at__lte=now).values("pk"))
    return qs


def inbox(actor) -> QuerySet[Case]:
    """What waits for `actor` to act on, soonest due first, each row annotated with its `urgency`."""
    visible = cases_visible_to(actor)
    want = Q(pk__in=[])
    if works_intake_desk(actor):
        want |= Q(state__in=[CaseState.REPORTED, CaseState.VERIFIED])
    if works_dispatch_desk(actor):
        pending = CaseExtension.objects.filter(case=OuterRef("pk"), status=ExtensionStatus.PENDING)
        want |= Q(state__in=[CaseState.FILED, CaseState.RETURNED]) | Q(Exists(pending))
    if resumes_suspended_cases(actor):
        want |= Q(state=CaseState.SUSPENDED)
    if sees_unit_cases(actor):
        profile = org_selectors.profile_of(actor)
        if profile is not None:
            want |= Q(
                state__in=[CaseState.DISPATCHED, CaseState.IN_HANDLING, CaseState.REWORK],
                handling_unit__path__startswith=profile.organisation.path,
            )
    if inspects_grids(actor):
        want |= Q(state=CaseState.HANDLED) & (_in_my_grids(actor) | Q(reporter=actor))
        want |= checks_waiting() & _in_my_grids(actor)
    if follows_supervised_cases(actor):
        want |= Q(is_supervised=True, state__in=OPEN_STATES)
    # Every to-do is an open case and open cases have no closed_at: the extra condition lets the
    # database use the closed_at index instead of scanning a year of cases.
    return annotate_urgency(visible.filter(want, closed_at__isnull=True)).order_by(
        F("stage_due_at").asc(nulls_last=True), "id"
    )


def checks_waiting() -> Q:
    """Public reports waiting for an inspector's 核实 before filing (bureaus that ask for it)."""
    asking = IntakeCheckSetting.objects.filter(check_public_reports=True).values("bureau_id")
    return Q(
        state=CaseState.REPORTED, source__in=CHECKED_SOURCES, checked_at__isnull=True, bureau_id__in=asking
    )


def checking_bureaus() -> set[int]:
    """The bureaus that have public reports checked before filing."""
    return set(
        IntakeCheckSetting.objects.filter(check_public_reports=True).values_list("bureau_id", flat=True)
    )


def inbox_count(actor) -> int:
    return inbox(actor).count()


def timeline(case: Case) -> QuerySet[AuditEvent]:
    """The case's history, straight from the audit trail (执法全过程记录)."""
    return audit.history(case).select_related("actor", "actor__profile")


def duplicate_candidates(case: Case) -> list[tuple[Case, float]]:
    """Open cases of the same category within 50 m and 72 h, nearest first, for the operator to merge."""
    if case.lon is None or case.lat is None:
        return []
    dlat = DUPLICATE_RADIUS_M / 111_320
    dlon = DUPLICATE_RADIUS_M / (111_320 * max(math.cos(math.radians(case.lat)), 0.01))
    nearby = (
        Case.objects.filter(
            category_id=case.category_id,
            state__in=OPEN_STATES,
            bureau_id=case.bureau_id,
            lat__range=(case.lat - dlat, case.lat + dlat),
            lon__range=(case.lon - dlon, case.lon + dlon),
            reported_at__range=(case.reported_at - DUPLICATE_WINDOW, case.reported_at + DUPLICATE_WINDOW),
        )
        .exclude(pk=case.pk)
        .select_related("category")
    )

    found = [(c, distance_m(case.lon, case.lat, c.lon, c.lat)) for c in nearby]
    return sorted([(c, d) for c, d in found if d <= DUPLICATE_RADIUS_M], key=lambda pair: pair[1])


@dataclass(frozen=True)
class GridCount:
    grid_id: int
    code: str
    lon: float
    lat: float
    total: int
    overdue: int


def open_cases_by_grid(actor, qs: QuerySet[Case] | None = None) -> list[GridCount]:
    """Open cases aggregated per grid in the database, so a year of cases is a few hundred rows."""
    now = clock.now()
    qs = (qs if qs is not None else cases_visible_to(actor)).filter(
        state__in=OPEN_STATES, closed_at__isnull=True, grid__isnull=False
    )
    rows = (
        qs.order_by()
        .values("grid_id")
        .annotate(
            total=Count("id"), overdue=Count("id", filter=Q(stage_due_at__lt=now) & ~Q(state="suspended"))
        )
    )
    counts = {r["grid_id"]: r for r in rows}
    grids = Grid.objects.filter(pk__in=counts).values_list("pk", "code", "centroid_lon", "centroid_lat")
    return [
        GridCount(pk, code, lon, lat, counts[pk]["total"], counts[pk]["overdue"])
        for pk, code, lon, lat in grids
    ]


def supervised(actor) -> QuerySet[Supervision]:
    """Supervision items (督办) on cases the actor may see, the soonest reply due first."""
    return (
        Supervision.objects.filter(case__in=cases_visible_to(actor).values("pk"))
        .select_related("case", "case__category", "created_by", "replied_by")
        .order_by("replied_at", "reply_due_at")
    )


def reply_templates(category: Category | None, purpose: str) -> QuerySet[ReplyTemplate]:
    """常用语 for a purpose: the category's own first, then the ones for every category."""
    qs = ReplyTemplate.objects.filter(purpose=purpose, is_active=True)
    if category is None:
        return qs.filter(category__isnull=True)
    own_first = F("category_id").asc(nulls_last=True)  # same order on SQLite and PostgreSQL
    return qs.filter(Q(category=category) | Q(category__isnull=True)).order_by(own_first, "id")
