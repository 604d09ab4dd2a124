"""The day rollup of the filed cohort (`CaseDayRollup`): built per Shanghai filing day from the same
conditions as `stats.indicators`, refreshed for the days whose cases changed since a moment, and
summed per level for a period. A case that changes after the rollup (closed, reworked, marked spam)
changes its `updated_at`, so `refresh` rebuilds its filing day and the sums follow it.

Only the counts of the filed cohort that do not depend on the moment of reading are kept: "open and
overdue now" is always counted from the cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate

from chengguan.cases.models import Case
from chengguan.core import clock
from chengguan.stats import indicators
from chengguan.stats.models import CaseDayRollup
from chengguan.stats.rules import Indicator, RuleSet, default_rules

# Conditions that change with the moment the figure is read, not with the case.
MOMENT_DEPENDENT = frozenset({"overdue_open"})
DIMENSIONS = {
    "bureau_id": "bureau_id",
    "subdistrict_id": "subdistrict_id",
    "community_id": "community_id",
    "grid_id": "grid_id",
    "unit_id": "handling_unit_id",
    "category_id": "category_id",
    "source": "source",
}
LEVEL_COLUMN = {
    "bureau": "bureau_id",
    "subdistrict": "subdistrict_id",
    "community": "community_id",
    "grid": "grid_id",
    "unit": "unit_id",
}


def rolled(rules: RuleSet) -> list[Indicator]:
    """The counts the rollup keeps: case counts of the `filed` cohort, none moment-dependent."""
    return [
        i
        for i in rules.indicators
        if not i.is_rate and not i.sum and i.cohort == "filed" and not MOMENT_DEPENDENT & set(i.where)
    ]


def _filed_day():
    return TruncDate("filed_at", tzinfo=clock.SHANGHAI)


def rebuild(days: Iterable[dt.date], rules: RuleSet | None = None) -> int:
    """Replace the rows of `days` by a fresh count of their cases (one grouped query); the rows written."""
    rules = rules or default_rules()
    days = sorted(set(days))
    if not days:
        return 0
    keys = rolled(rules)
    period = indicators.Period(days[0], days[-1], clock.now())
    # Each count's condition without the period: the filing day is the group.
    aggregates = {i.key: Count("pk", filter=indicators._condition(rules, i, period)) for i in keys}
    qs = (
        Case.objects.filter(period.within("filed_at"))
        .annotate(day=_filed_day())
        .filter(day__in=days)
        .order_by()
        .values("day", *DIMENSIONS.values())
        .annotate(**aggregates)
    )
    rows = [
        CaseDayRollup(
            rule_version=rules.version,
            day=r["day"],
            counts={i.key: r[i.key] for i in keys},
            **{column: r[field] for column, field in DIMENSIONS.items()},
        )
        for r in qs
        if any(r[i.key] for i in keys)
    ]
    with transaction.atomic():
        CaseDayRollup.objects.filter(rule_version=rules.version, day__in=days).delete()
        CaseDayRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def refresh(since: dt.datetime, rules: RuleSet | None = None) -> int:
    """Rebuild the filing days of every case changed since `since` (the nightly job passes its last run)."""
    days = (
        Case.objects.filter(updated_at__gte=since, filed_at__isnull=False)
        .annotate(day=_filed_day())
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )
    return rebuild(list(days), rules)


def rolled_up(rules: RuleSet, level: str, first: dt.date, last: dt.date) -> dict[int, dict[str, int]]:
    """The rolled-up counts of each group of an area level over `[first, last]`."""
    column = LEVEL_COLUMN[level]
    keys = [i.key for i in rolled(rules)]
    out: dict[int, dict[str, int]] = {}
    rows = CaseDayRollup.objects.filter(rule_version=rules.version, day__gte=first, day__lte=last)
    for gid, counts in rows.values_list(column, "counts").iterator():
        if gid is None:
            continue
        sums = out.setdefault(gid, dict.fromkeys(keys, 0))
        for key in keys:
            sums[key] += counts.get(key, 0)
    return out
