"""The evaluation indicators (综合评价) of areas, handling units and inspectors, computed from the
rules in force (`stats.rules`, the YAML of definitions) over a period of Shanghai calendar days.

Each count is `Count(pk, filter=cohort ∧ where ∧ ¬exclusions)` over one table, and all the counts of
a table at a level come from one grouped query (conditional aggregation by the level's key). A rate
is numerator ÷ denominator of two counts, None when the denominator is 0. The same conditions build
the drill-down list of a count (`counted_cases`), so the list and the figure cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from chengguan.cases.models import HANDLING_STATES, Case
from chengguan.cases.permissions import sees_bureau_cases
from chengguan.cases.public import PUBLIC_SOURCES
from chengguan.cases.selectors import cases_visible_to
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.enforcement.models import PenaltyCase, PenaltyReview, ReviewKind
from chengguan.enforcement.review_effects import LOST
from chengguan.enforcement.states import PenaltyState
from chengguan.grids.models import Grid
from chengguan.merchants.models import Letter, LetterStatus, Merchant, MerchantStatus
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.stats.models import GridAssignment
from chengguan.stats.rules import Indicator, RuleSet

LEVELS = ("bureau", "subdistrict", "community", "grid", "unit", "staff", "operator", "dispatcher")
AREA_LEVELS = LEVELS[:5]
# The levels whose rows are people (岗位评价): inspectors (`staff`), operators, dispatchers.
STAFF_LEVELS = LEVELS[5:]


@dataclass(frozen=True)
class Period:
    """`[first, last]` Shanghai days as the half-open `[start, end)` of aware datetimes, and `now`
    (what "still open and past due" is measured against)."""

    first: dt.date
    last: dt.date
    now: dt.datetime

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return clock.period_bounds(self.first, self.last)

    def within(self, field_name: str) -> Q:
        """`field_name` in the period: a date field by dates, a datetime field by the bounds."""
        if field_name.endswith("_on"):
            return Q(**{f"{field_name}__gte": self.first, f"{field_name}__lte": self.last})
        start, end = self.bounds
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


Predicate = Callable[[Period], Q | Exists]

# The named conditions of the rules, per table; `where:` and `exclude:` of the YAML name these.
CASE_PREDICATES: dict[str, Predicate] = {
    "spam": lambda p: Q(is_spam=True),
    "cancelled": lambda p: Q(state=CaseState.CANCELLED),
    "merged": lambda p: Q(state=CaseState.MERGED),
    "ever_filed": lambda p: Q(filed_at__isnull=False),
    # Dispatched at least once (a redispatch or a reopening moves `dispatched_at`, never clears it).
    "dispatched": lambda p: Q(dispatched_at__isnull=False),
    # The unit fed its handling back (`handled_at`; a reopened case has it cleared until fed back again).
    "handled": lambda p: Q(handled_at__isnull=False),
    # Fed back by the handling due time in force, approved extensions included (the late flag).
    "on_time": lambda p: Q(handled_late=False),
    "closed": lambda p: Q(state=CaseState.CLOSED),
    # Sent back for rework, or reopened after closing, at least once.
    "reworked": lambda p: Q(rework_count__gt=0),
    "extended": lambda p: Q(extension_count__gt=0),
    # Still with the unit, its handling clock running (and, `overdue_open`, past its due time now).
    "in_handling": lambda p: Q(state__in=HANDLING_STATES),
    "overdue_open": lambda p: Q(state__in=HANDLING_STATES, handling_due_at__lt=p.now),
    "redispatched": lambda p: Q(redispatch_count__gt=0),
    "supervised": lambda p: Q(is_supervised=True),
    "with_disposition": lambda p: ~Q(disposition=""),
    "service": lambda p: Q(disposition="service"),
    "management": lambda p: Q(disposition="management"),
    "enforcement": lambda p: Q(disposition="enforcement"),
    "public_source": lambda p: Q(source__in=PUBLIC_SOURCES),
    # Verified within the limit: no delay recorded while the handled case waited for verification.
    "verified_on_time": lambda p: Q(verified_late=False),
    # Filed within the 立案 limit: no delay recorded while the case waited to be filed.
    "filed_on_time": lambda p: Q(filed_late=False),
    # Not later found to be spam, nor cancelled (作废) after filing.
    "filed_accurately": lambda p: Q(is_spam=False) & ~Q(state=CaseState.CANCELLED),
    # Dispatched within the limit, after filing and after each return by a unit.
    "dispatched_on_time": lambda p: Q(dispatched_at__isnull=False, dispatched_late=False),
    # Neither redispatched nor returned by the unit it was sent to.
    "accurate_dispatch": lambda p: Q(dispatched_at__isnull=False, return_count=0, redispatch_count=0),
    # Grouping conditions of the staff level: true by construction of the staff queries.
    "reported_by": lambda p: Q(),
    "verified_by": lambda p: Q(),
    "in_assigned_grid": lambda p: Q(),
    "filed_by": lambda p: Q(),
    "dispatched_by": lambda p: Q(),
}
# The conditions above that are another of them and a due time passed at the moment of reading:
# (that condition, the due time). The rollup keeps their cases by due day (`stats.rollup`).
PAST_DUE = {"overdue_open": ("in_handling", "handling_due_at")}

PENALTY_PREDICATES: dict[str, Predicate] = {
    "penalty_closed": lambda p: Q(state=PenaltyState.CLOSED),
    "evaluated": lambda p: Q(evaluation__isnull=False),
    "qualified": lambda p: Q(evaluation__passed=True),
}
REVIEW_PREDICATES: dict[str, Predicate] = {
    "reconsideration": lambda p: Q(kind=ReviewKind.RECONSIDERATION),
    "litigation": lambda p: Q(kind=ReviewKind.LITIGATION),
    "lost": lambda p: Q(outcome__in=list(LOST)),
}
MERCHANT_PREDICATES: dict[str, Predicate] = {
    "open_merchant": lambda p: Q(status=MerchantStatus.OPEN),
    # A letter for the year of the period's last day, signed.
    "letter_signed": lambda p: Exists(
        Letter.objects.filter(merchant=OuterRef("pk"), year=p.last.year, status=LetterStatus.SIGNED)
    ),
}
PREDICATES = {
    "case": CASE_PREDICATES,
    "penalty": PENALTY_PREDICATES,
    "review": REVIEW_PREDICATES,
    "merchant": MERCHANT_PREDICATES,
}

# The key each table is grouped by at each area level (the id of an organisation or a grid).
GROUP_BY = {
    "case": {
        "bureau": "bureau_id",
        "subdistrict": "subdistrict_id",
        "community": "community_id",
        "grid": "grid_id",
        "unit": "handling_unit_id",
    },
    "penalty": {
        "bureau": "bureau_id",
        "subdistrict": "origin_case__subdistrict_id",
        "community": "origin_case__community_id",
        "grid": "origin_case__grid_id",
        "unit": "origin_case__handling_unit_id",
    },
    "review": {
        "bureau": "case__bureau_id",
        "subdistrict": "case__origin_case__subdistrict_id",
        "community": "case__origin_case__community_id",
        "grid": "case__origin_case__grid_id",
        "unit": "case__origin_case__handling_unit_id",
    },
    "merchant": {
        "bureau": "bureau_id",
        "subdistrict": "subdistrict_id",
        "community": "community_id",
        "grid": "grid_id",
        "unit": "squad_id",
    },
}
# The staff level groups cases by the inspector each count is about: who reported, who verified, or
# whose grid the case was in when it was reported (the spell of `GridAssignment` in force then).
STAFF_ANCHORS = {
    "reported_by": "reporter_id",
    "verified_by": "verifier_id",
    "in_assigned_grid": "grid__assignments__inspector_id",
    # The operator's and the dispatcher's levels: who filed the case, who dispatched it first.
    "filed_by": "filed_by_id",
    "dispatched_by": "first_dispatcher_id",
}


@dataclass
class Row:
    """One area, unit or inspector: `key` is the organisation's or grid's code, or the login."""

    group_id: int
    key: str
    name: str
    values: dict[str, int | float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """Whose rows are counted: the cases the viewer may see (None: all) and the bureaus of the other
    tables (None: every bureau)."""

    actor: object | None = None
    bureau: Organisation | None = None

    def cases(self) -> QuerySet[Case]:
        qs = Case.objects.all() if self.actor is None else cases_visible_to(self.actor)
        return qs.filter(bureau=self.bureau) if self.bureau is not None else qs

    def bureau_filter(self, path: str) -> Q:
        if self.bureau is not None:
            return Q(**{path: self.bureau.pk})
        if self.actor is None or org_selectors.sees_everything(self.actor):
            return Q()
        overseen = org_selectors.overseen_bureaus(self.actor)
        if overseen is not None:
            return Q(**{f"{path}__in": overseen.values("pk")})
        own = org_selectors.bureau_of(self.actor)
        return Q(**{path: own.pk if own else 0})

    def whole_bureaus(self) -> list[int] | bool | None:
        """The bureaus whose every case `cases()` holds: None (all), their ids, or False when the
        viewer sees only part of a bureau (a unit's, an inspector's cases), which no rollup can answer."""
        ids: list[int] | None = None
        if self.actor is not None and not org_selectors.sees_everything(self.actor):
            overseen = org_selectors.overseen_bureaus(self.actor)
            own = org_selectors.bureau_of(self.actor)
            if overseen is not None:
                ids = list(overseen.values_list("pk", flat=True))
            elif own is not None and sees_bureau_cases(self.actor):
                ids = [own.pk]
            else:
                return False
        if self.bureau is not None:
            ids = [self.bureau.pk] if ids is None or self.bureau.pk in ids else []
        return ids


def _cohort(rules: RuleSet, indicator: Indicator) -> dict:
    return rules.cohorts[indicator.cohort]


def _condition(rules: RuleSet, indicator: Indicator, period: Period) -> Q:
    """cohort ∧ where ∧ ¬exclusions of a count, over its own table."""
    cohort = _cohort(rules, indicator)
    predicates = PREDICATES[cohort["table"]]
    q = period.within(cohort["field"]) if cohort.get("field") else Q()
    for name in indicator.where:
        q &= Q(predicates[name](period))
    for name in cohort.get("exclude", ()):
        q &= ~Q(predicates[name](period))
    return q


def _aggregate(rules: RuleSet, indicator: Indicator, period: Period):
    condition = _condition(rules, indicator, period)
    if indicator.sum:
        return Sum(indicator.sum, filter=condition)
    return Count("pk", filter=condition)


def _base(table: str, scope: Scope) -> QuerySet:
    if table == "case":
        return scope.cases()
    if table == "penalty":
        return PenaltyCase.objects.filter(scope.bureau_filter("bureau_id"))
    if table == "review":
        return PenaltyReview.objects.filter(scope.bureau_filter("case__bureau_id"))
    return Merchant.objects.filter(scope.bureau_filter("bureau_id"))


def _period_hint(rules: RuleSet, counts: list[Indicator], period: Period) -> Q:
    """Rows in any of the cohorts' periods: lets the database read only those (an index scan)."""
    hint = Q()
    fields = {_cohort(rules, i).get("field") for i in counts}
    if None in fields or "" in fields:
        return Q()
    for name in sorted(fields):
        hint |= period.within(name)
    return hint


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def _grouped(qs: QuerySet, group: str, aggregates: dict) -> dict[int, dict]:
    rows = qs.order_by().values(group).annotate(**aggregates)
    return {r[group]: {k: _plain(r[k]) for k in aggregates} for r in rows if r[group] is not None}


def _counts_by_table(rules: RuleSet, indicators: tuple[Indicator, ...]) -> dict[str, list[Indicator]]:
    tables: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if not indicator.is_rate:
            tables.setdefault(_cohort(rules, indicator)["table"], []).append(indicator)
    return tables


def _rolled_up(
    rules: RuleSet, level: str, period: Period, scope: Scope
) -> tuple[dict[int, dict], list[Indicator], list[Period]]:
    """The counts the rollup answers for the period's whole months (refreshed first if a case
    changed since), the counts it answers, and the periods around those months, which are left to
    count from the cases. Nothing when the viewer sees part of a bureau only, when the period holds
    no whole month, or when the rollup was never built."""
    from chengguan.stats import rollup  # the rollup counts with this module's conditions

    bureaus = scope.whole_bureaus()
    months = rollup.whole_months(period.first, period.last)
    if bureaus is False or not months:
        return {}, [], []
    using = rollup.ensure_fresh(rules)
    if using is None:
        return {}, [], []
    counts = rollup.rolled_up(rules, level, months, bureaus=bureaus, using=using, now=period.now)
    around = []
    if period.first < months[0]:
        around.append(Period(period.first, months[0] - dt.timedelta(days=1), period.now))
    after = rollup.whole_months(months[-1], months[-1] + dt.timedelta(days=62))[1]
    if after <= period.last:
        around.append(Period(after, period.last, period.now))
    return counts, rollup.rolled(rules) + rollup.due_rolled(rules), around


def _direct(
    rules: RuleSet,
    level: str,
    table: str,
    counts: list[Indicator],
    period: Period,
    scope: Scope,
    narrow: bool = False,
) -> dict[int, dict]:
    """`counts` over the rows of `table`, grouped by the level's key; `narrow`: read only the rows
    one of them counts (the few still open and past due, once the rollup has answered the rest)."""
    aggregates = {i.key: _aggregate(rules, i, period) for i in counts}
    qs = _base(table, scope).filter(_period_hint(rules, counts, period))
    if narrow:
        only = Q()
        for indicator in counts:
            only |= Q(_condition(rules, indicator, period))
        qs = qs.filter(only)
    return _grouped(qs, GROUP_BY[table][level], aggregates)


def _area_counts(
    rules: RuleSet, level: str, period: Period, scope: Scope, use_rollup: bool = True
) -> dict[int, dict]:
    """Every count of an area level: one grouped query per table; the counts the rollup keeps from
    it for the period's whole months, and from the cases for the days around them."""
    merged, rolled, around = _rolled_up(rules, level, period, scope) if use_rollup else ({}, [], [])
    for part in around:
        for gid, values in _direct(rules, level, "case", rolled, part, scope).items():
            sums = merged.setdefault(gid, {})
            for key, n in values.items():
                sums[key] = sums.get(key, 0) + (n or 0)
    kept = {i.key for i in rolled}
    for table, counts in _counts_by_table(rules, rules.indicators).items():
        counts = [i for i in counts if i.key not in kept]
        if counts:
            narrow = bool(kept) and table == "case"
            for gid, values in _direct(rules, level, table, counts, period, scope, narrow).items():
                merged.setdefault(gid, {}).update(values)
    return merged


def direct(
    rules: RuleSet,
    level: str,
    first: dt.date,
    last: dt.date,
    *,
    scope: Scope | None = None,
    now: dt.datetime | None = None,
) -> list[Row]:
    """`compute` counted from the rows alone, never from the rollup (what the rollup must equal)."""
    return compute(rules, level, first, last, scope=scope, now=now, rollup=False)


def _anchor(indicator: Indicator) -> str:
    anchors = [STAFF_ANCHORS[w] for w in indicator.where if w in STAFF_ANCHORS]
    if len(anchors) != 1:
        raise ValueError(f"staff indicator {indicator.key} needs one of {sorted(STAFF_ANCHORS)}")
    return anchors[0]


def _spell_at_report() -> Q:
    """The grid assignment joined in was in force when the case was reported."""
    return Q(grid__assignments__since__lte=F("reported_at")) & (
        Q(grid__assignments__until__isnull=True) | Q(grid__assignments__until__gt=F("reported_at"))
    )


def _staff_counts(rules: RuleSet, level: str, period: Period, scope: Scope) -> dict[int, dict]:
    """Every count of a level of people: one grouped query per anchor (reporter, verifier, grid's
    inspector; filer; first dispatcher)."""
    by_anchor: dict[str, list[Indicator]] = {}
    for indicator in rules.level_indicators(level):
        if not indicator.is_rate:
            by_anchor.setdefault(_anchor(indicator), []).append(indicator)
    merged: dict[int, dict] = {}
    for anchor, counts in by_anchor.items():
        aggregates = {i.key: _aggregate(rules, i, period) for i in counts}
        qs = scope.cases().filter(_period_hint(rules, counts, period))
        if anchor == STAFF_ANCHORS["in_assigned_grid"]:
            qs = qs.filter(_spell_at_report())
        for gid, values in _grouped(qs, anchor, aggregates).items():
            merged.setdefault(gid, {}).update(values)
    return merged


def _finisher(indicators: tuple[Indicator, ...]) -> Callable[[dict], dict]:
    """What makes a group's values of its counts: counts defaulted to 0 (a group no row of a table
    reached) and rates, in the rules' order. Worked out once per level, used for every group (a
    city's grid level has tens of thousands)."""
    counts = [i.key for i in indicators if not i.is_rate]
    rates = [(i.key, i.numerator, i.denominator, i.complement) for i in indicators if i.is_rate]
    order = [i.key for i in indicators]

    def finish(values: dict) -> dict:
        out = {key: values.get(key) or 0 for key in counts}
        for key, numerator, denominator, complement in rates:
            whole = out.get(denominator) or 0
            if not whole:
                out[key] = None
                continue
            share = (out.get(numerator) or 0) / whole
            out[key] = 1 - share if complement else share
        return {key: out[key] for key in order}

    return finish


def _labels(level: str, ids) -> dict[int, tuple[str, str]]:
    """(key, name) of each group: organisation or grid code, or the inspector's login."""
    if level in STAFF_LEVELS:
        users = get_user_model().objects.filter(pk__in=ids)
        return {u.pk: (u.username, u.get_full_name() or u.username) for u in users}
    if level == "grid":
        grids = Grid.objects.filter(pk__in=ids).values_list("pk", "code", "name")  # not the outlines
        return {pk: (code, name or code) for pk, code, name in grids}
    orgs = Organisation.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    return {pk: (code or str(pk), name) for pk, code, name in orgs}


def compute(
    rules: RuleSet,
    level: str,
    first: dt.date,
    last: dt.date,
    *,
    scope: Scope | None = None,
    now: dt.datetime | None = None,
    rollup: bool = True,
) -> list[Row]:
    """The indicators of every group of `level` that any counted row reaches, ordered by key. The
    area levels read the counts of the rollup (`stats.rollup`, refreshed first when a case changed)
    unless `rollup` is False; the results are the same."""
    if level not in LEVELS:
        raise ValueError(level)
    period = Period(first, last, now or clock.now())
    scope = scope or Scope()
    if level in STAFF_LEVELS:
        counts = _staff_counts(rules, level, period, scope)
    else:
        counts = _area_counts(rules, level, period, scope, use_rollup=rollup)
    finish = _finisher(rules.level_indicators(level))
    labels = _labels(level, counts.keys())
    rows = [Row(gid, *labels[gid], values=finish(values)) for gid, values in counts.items() if gid in labels]
    return sorted(rows, key=lambda r: r.key)


# -- drill-down --------------------------------------------------------------------------------------


def drillable(rules: RuleSet, level: str, key: str) -> Indicator | None:
    """The count whose cases a figure's link lists: the count itself, or a rate's numerator; None
    for figures that are not counts of cases (penalty cases, reviews, merchants, sums)."""
    indicator = rules.find(key, level=level)
    if indicator is None:
        return None
    if indicator.is_rate:
        return drillable(rules, level, indicator.numerator)
    if indicator.sum or _cohort(rules, indicator)["table"] != "case":
        return None
    return indicator


def counted_cases(
    rules: RuleSet,
    level: str,
    group_id: int,
    key: str,
    first: dt.date,
    last: dt.date,
    *,
    scope: Scope,
    now: dt.datetime | None = None,
) -> QuerySet[Case]:
    """Exactly the cases a count of one group counts (a rate: its numerator), among those `scope`
    may see; empty for a figure that counts no cases."""
    indicator = drillable(rules, level, key)
    if indicator is None:
        return Case.objects.none()
    period = Period(first, last, now or clock.now())
    qs = scope.cases().filter(_condition(rules, indicator, period))
    if level not in STAFF_LEVELS:
        return qs.filter(**{GROUP_BY["case"][level]: group_id})
    anchor = _anchor(indicator)
    if anchor != STAFF_ANCHORS["in_assigned_grid"]:
        return qs.filter(**{anchor: group_id})
    spells = GridAssignment.objects.filter(
        grid=OuterRef("grid"), inspector_id=group_id, since__lte=OuterRef("reported_at")
    ).filter(Q(until__isnull=True) | Q(until__gt=OuterRef("reported_at")))
    return qs.filter(Exists(spells))
