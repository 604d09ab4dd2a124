"""Reads of penalty cases, scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from chengguan.core import audit, clock, legal_periods
from chengguan.core.models import AuditEvent
from chengguan.enforcement import periods
from chengguan.enforcement.models import PenaltyCase, PenaltyDeadline, PenaltyDocument, PenaltyEvidence
from chengguan.enforcement.permissions import OFFICER_ROLES
from chengguan.enforcement.states import FINAL_STATES, PENALTY_MACHINE, PenaltyState
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation, StaffProfile

URGENCY_LABELS = {"normal": _("正常"), "warning": _("临期"), "overdue": _("逾期")}


def visible_cases(actor) -> QuerySet[PenaltyCase]:
    """The actor's own bureau's cases (a city leader: every bureau of the city; everything for a
    superuser or the system)."""
    qs = PenaltyCase.objects.select_related("bureau")
    if org_selectors.sees_everything(actor):
        return qs
    overseen = org_selectors.overseen_bureaus(actor)
    if overseen is not None:
        return qs.filter(bureau__in=overseen)
    bureau = org_selectors.bureau_of(actor)
    return qs.filter(bureau=bureau) if bureau else qs.none()


def case_by_number(number: str) -> PenaltyCase | None:
    return PenaltyCase.objects.filter(number=number).first()


def week_end(today: dt.date) -> dt.date:
    """The Sunday of `today`'s week."""
    return today + dt.timedelta(days=6 - today.weekday())


def deadlines_this_week(actor, *, today: dt.date | None = None) -> QuerySet[PenaltyDeadline]:
    """Open deadlines due from today to Sunday of this week, soonest first; missed ones are listed by
    `overdue_deadlines`."""
    today = today or clock.today()
    sunday = week_end(today)
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


def overdue_duties(actor, *, today: dt.date | None = None) -> QuerySet[PenaltyDeadline]:
    """The bureau's own periods that ran out undone on cases still open (the red rows of the week)."""
    return (
        overdue_deadlines(actor, today=today)
        .filter(period_id__in=periods.OFFICE_DUTIES)
        .exclude(case__state__in=[*FINAL_STATES, PenaltyState.SUSPENDED])
        .order_by("due_on", "id")
    )


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


def available_actions(case: PenaltyCase, actor) -> list[str]:
    """The steps of `states.PENALTY_MACHINE` the actor may take on the case now (buttons and the API's
    `available_actions`): its state, the actor's permission and the law's date rules as of today."""
    return PENALTY_MACHINE.available_actions(case, actor)


def with_next_due(qs: QuerySet[PenaltyCase]) -> QuerySet[PenaltyCase]:
    """Each case with the due day of its nearest open duty of the bureau (`next_due`), from which
    the list colours it; closed cases owe nothing."""
    open_duty = Q(
        deadlines__met_on__isnull=True,
        deadlines__period_id__in=periods.OFFICE_DUTIES,
    ) & ~Q(state__in=[*FINAL_STATES, PenaltyState.SUSPENDED])
    return qs.annotate(next_due=Min("deadlines__due_on", filter=open_duty))


def urgency(next_due: dt.date | None, today: dt.date | None = None) -> str:
    """normal / warning (due within WARNING_DAYS) / overdue, derived from the stored due day."""
    if next_due is None:
        return "normal"
    today = today or clock.today()
    if next_due < today:
        return "overdue"
    if next_due <= today + dt.timedelta(days=periods.WARNING_DAYS):
        return "warning"
    return "normal"


def filter_by_urgency(qs: QuerySet[PenaltyCase], level: str, today: dt.date | None = None):
    """`qs` (annotated by `with_next_due`) restricted to one urgency level."""
    today = today or clock.today()
    soon = today + dt.timedelta(days=periods.WARNING_DAYS)
    if level == "overdue":
        return qs.filter(next_due__lt=today)
    if level == "warning":
        return qs.filter(next_due__gte=today, next_due__lte=soon)
    if level == "normal":
        return qs.filter(Q(next_due__isnull=True) | Q(next_due__gt=soon))
    return qs


def timeline(case: PenaltyCase) -> QuerySet[AuditEvent]:
    """The procedure as it happened, from the audit trail (执法全过程记录, 行政处罚法 第四十七条)."""
    return audit.history(case).select_related("actor", "actor__profile")


def under_review(case: PenaltyCase) -> bool:
    """A reconsideration or lawsuit against the decision is pending (shown on a closed case too)."""
    return any(r.concluded_on is None for r in case.reviews.all())


def review_windows(case: PenaltyCase) -> dict[str, dt.date]:
    """The last day a reconsideration or a lawsuit may be registered (empty before service)."""
    if case.decision_served_on is None:
        return {}
    return periods.review_windows(case.decision_served_on, _reconsideration_decided_on(case))


def _reconsideration_decided_on(case: PenaltyCase) -> dt.date | None:
    days = [r.concluded_on for r in case.reviews.all() if r.kind == "reconsideration" and r.concluded_on]
    return max(days, default=None)


def evidence_items(case: PenaltyCase) -> QuerySet[PenaltyEvidence]:
    """The evidence register (证据清单) of the case in its numbering, with the collecting officers."""
    return case.evidence_entries.select_related("recorded_by__profile").prefetch_related(
        Prefetch("officers", queryset=get_user_model().objects.select_related("profile").order_by("id"))
    )


def evidence_item(case: PenaltyCase, number: int) -> PenaltyEvidence | None:
    return case.evidence_entries.filter(no=number).first()


def documents(case: PenaltyCase) -> QuerySet[PenaltyDocument]:
    """The case's documents (文书) in the order they were issued."""
    return case.documents.select_related("issued_by__profile").order_by("issued_on", "id")


def officer_candidates(bureau) -> QuerySet[StaffProfile]:
    """The bureau's law-enforcement staff who can be named on a case (行政处罚法 第四十二条)."""
    return (
        StaffProfile.objects.filter(organisation__bureau=bureau, roles__code__in=OFFICER_ROLES)
        .select_related("user", "organisation")
        .distinct()
        .order_by("organisation__name", "full_name")
    )


def simple_limits() -> list[dict]:
    """The statutory amounts of the simple procedure, with their article, for the form to show."""
    rows = []
    for period_id in (
        "apl_simple_procedure_fine_individual",
        "apl_simple_procedure_fine_org",
        "apl_on_spot_collection_max",
    ):
        period = legal_periods.get(period_id)
        rows.append(
            {
                "name": periods.period_name(period.name),
                "value": period.value,
                "article": periods.article_label(period.article),
            }
        )
    return rows


def closed_files(actor, *, start: dt.date, end: dt.date, unit=None) -> QuerySet[PenaltyCase]:
    """卷宗评查: the visible cases closed from `start` to `end`, of one unit (中队, through its
    officers) or of all."""
    qs = visible_cases(actor).filter(state=PenaltyState.CLOSED, closed_on__gte=start, closed_on__lte=end)
    if unit is not None:
        qs = qs.filter(pk__in=PenaltyCase.objects.filter(officers__profile__organisation=unit).values("pk"))
    return qs


def evaluation_units(actor) -> QuerySet[Organisation]:
    """The units whose officers worked the actor's visible cases (the unit filter of evaluation)."""
    profiles = StaffProfile.objects.filter(user__penalty_cases__in=visible_cases(actor)).values(
        "organisation"
    )
    return Organisation.objects.filter(pk__in=profiles).order_by("path")
