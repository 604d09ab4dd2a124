"""Figures the bureau reports on its penalty work: case-file evaluation (参评率, 合格率) and
reconsideration/litigation results (败诉/被纠错率)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

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
    counts = CaseFileEvaluation.objects.filter(case__in=closed).aggregate(
        evaluated=Count("id"), passed=Count("id", filter=Q(passed=True))
    )
    return EvaluationFigures(closed=closed.count(), evaluated=counts["evaluated"], passed=counts["passed"])


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
