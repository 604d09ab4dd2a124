"""Composite scores (综合得分) and rankings of the groups of a level, with deductions from other apps.

score = Σ weight × rate (an `invert` weight counts 1 − rate) − deductions. A rate with nothing to
count (None) earns its full weight: an area with no dispatched case has nothing to hold against it.
The weights and the points per deduction are the bureau's rules (`stats.rules`, versioned with the
indicators); the default is the bureau's own setting, not a quoted scheme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from chengguan.core import clock
from chengguan.duty.models import Finding, FindingKind, FindingState
from chengguan.org.models import Organisation
from chengguan.stats.indicators import STAFF_LEVELS, Row, Scope
from chengguan.stats.rules import RuleSet

DISCIPLINE_FINDING = "duty_discipline_finding"


@dataclass
class Scored:
    row: Row
    points: float  # the weighted sum before deductions
    deductions: dict[str, float]
    score: float
    rank: int = 0

    @property
    def deducted(self) -> float:
        return sum(self.deductions.values())


def _discipline_findings(level: str, rows: list[Row], first: dt.date, last: dt.date, scope: Scope) -> dict:
    """督察 discipline findings (duty app) observed in the period and not revoked, per group: against
    the group's unit or a unit below it (areas, units, the bureau), or against the inspector (staff);
    grids are not units, so none."""
    if level == "grid" or not rows:
        return {}
    start, end = clock.period_bounds(first, last)
    findings = Finding.objects.filter(
        scope.bureau_filter("bureau_id"),
        kind=FindingKind.DISCIPLINE,
        observed_at__gte=start,
        observed_at__lt=end,
    ).exclude(state=FindingState.REVOKED)  # a finding revoked on appeal takes nothing off
    if level in STAFF_LEVELS:
        counted = findings.filter(person_id__in=[r.group_id for r in rows]).values("person_id")
        return {r["person_id"]: r["n"] for r in counted.annotate(n=Count("pk")).order_by()}
    per_unit = {
        r["unit__path"]: r["n"] for r in findings.values("unit__path").annotate(n=Count("pk")).order_by()
    }
    paths = dict(Organisation.objects.filter(pk__in=[r.group_id for r in rows]).values_list("pk", "path"))
    return {
        gid: sum(n for unit_path, n in per_unit.items() if unit_path.startswith(path))
        for gid, path in paths.items()
    }


def _points(rules: RuleSet, row: Row, level: str) -> float:
    total = 0.0
    for weight in rules.level_weights(level):
        rate = row.values.get(weight.indicator)
        if rate is None:
            total += weight.weight
        else:
            total += weight.weight * ((1 - rate) if weight.invert else rate)
    return total


def score_rows(
    rules: RuleSet, level: str, rows: list[Row], first: dt.date, last: dt.date, *, scope: Scope | None = None
) -> list[Scored]:
    """The rows scored and ranked, best first; equal scores share a rank (1, 2, 2, 4)."""
    scope = scope or Scope()
    findings = _discipline_findings(level, rows, first, last, scope)
    per_finding = rules.deductions.get(DISCIPLINE_FINDING, 0.0)
    scored = []
    for row in rows:
        points = round(_points(rules, row, level), 2)
        deductions = {}
        if findings.get(row.group_id):
            deductions[DISCIPLINE_FINDING] = findings[row.group_id] * per_finding
        scored.append(Scored(row, points, deductions, round(points - sum(deductions.values()), 2)))
    scored.sort(key=lambda s: (-s.score, s.row.key))
    for i, item in enumerate(scored):
        item.rank = scored[i - 1].rank if i and scored[i - 1].score == item.score else i + 1
    return scored
