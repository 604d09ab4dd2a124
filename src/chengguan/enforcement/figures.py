"""Figures the bureau reports on its penalty work: case-file evaluation (参评率, 合格率) and
reconsideration/litigation results (败诉/被纠错率)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from chengguan.enforcement.models import CaseFileEvaluation, PenaltyCase, PenaltyReview
from chengguan.enforcement.review_effects import LOST
from chengguan.enforcement.states import PenaltyState
from chengguan.org.models import Organisation


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal; None when there is nothing to divide by (shown as “—”)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class EvaluationFigures:
    closed: int
    evaluated: int
    passed: int

    @property
    def participation_rate(self) -> Decimal | None:
        """参评率 = evaluated / closed."""
        return rate(self.evaluated, self.closed)

    @property
    def qualification_rate(self) -> Decimal | None:
        """合格率 = passed / evaluated."""
        return rate(self.passed, self.evaluated)


def evaluation_figures(*, bureau: Organisation, year: int) -> EvaluationFigures:
    """Over the cases the bureau closed in `year` (closing date), however late their evaluation."""
    closed = PenaltyCase.objects.filter(bureau=bureau, state=PenaltyState.CLOSED, closed_on__year=year)
    counts = CaseFileEvaluation.objects.filter(case__in=closed, score__isnull=False).aggregate(
        evaluated=Count("id"), passed=Count("id", filter=Q(passed=True))
    )
    return EvaluationFigures(closed=closed.count(), evaluated=counts["evaluated"], passed=counts["passed"])


@dataclass(frozen=True)
class UnitEvaluationFigures(EvaluationFigures):
    unit_id: int | None
    unit_name: str


def evaluation_figures_by_unit(closed: QuerySet[PenaltyCase]) -> list[UnitEvaluationFigures]:
    """参评率 and 合格率 per unit over `closed` (cases already restricted to the period): a case counts
    for the unit (中队) of each of its officers, once per unit; a score counts once it is given, and the
    current score of a file sent back and scored again."""
    rows = (
        closed.values("officers__profile__organisation", "officers__profile__organisation__name")
        .annotate(
            n_closed=Count("id", distinct=True),
            n_evaluated=Count("id", filter=Q(evaluation__score__isnull=False), distinct=True),
            n_passed=Count("id", filter=Q(evaluation__passed=True), distinct=True),
        )
        .order_by("officers__profile__organisation__name")
    )
    return [
        UnitEvaluationFigures(
            closed=r["n_closed"],
            evaluated=r["n_evaluated"],
            passed=r["n_passed"],
            unit_id=r["officers__profile__organisation"],
            unit_name=r["officers__profile__organisation__name"] or "",
        )
        for r in rows
    ]


def evaluation_totals(closed: QuerySet[PenaltyCase]) -> EvaluationFigures:
    """The same figures over all of `closed`, each case once."""
    counts = closed.aggregate(
        n_closed=Count("id", distinct=True),
        n_evaluated=Count("id", filter=Q(evaluation__score__isnull=False), distinct=True),
        n_passed=Count("id", filter=Q(evaluation__passed=True), distinct=True),
    )
    return EvaluationFigures(
        closed=counts["n_closed"], evaluated=counts["n_evaluated"], passed=counts["n_passed"]
    )


@dataclass(frozen=True)
class ReviewFigures:
    applied: int
    concluded: int
    lost: int

    @property
    def loss_rate(self) -> Decimal | None:
        """Lost (revoked, changed or confirmed unlawful) over concluded."""
        return rate(self.lost, self.concluded)


def review_figures(*, bureau: Organisation, year: int, kind: str | None = None) -> ReviewFigures:
    """Reconsiderations and lawsuits against the bureau's decisions: applied for in `year`, and
    concluded in `year` with how many were lost."""
    reviews = PenaltyReview.objects.filter(case__bureau=bureau)
    if kind:
        reviews = reviews.filter(kind=kind)
    concluded = reviews.filter(concluded_on__year=year).aggregate(
        n=Count("id"), lost=Count("id", filter=Q(outcome__in=list(LOST)))
    )
    return ReviewFigures(
        applied=reviews.filter(applied_on__year=year).count(),
        concluded=concluded["n"],
        lost=concluded["lost"],
    )
