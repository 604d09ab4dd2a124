"""The rollup of the evaluation's case cohorts (`CaseRollup`): the counts of the cases of each grid
and handling unit per calendar month, built from the same conditions as `stats.indicators`, so that
a period's whole months at any area level are sums of integer rows instead of a scan of cases.

- What is rolled: the counts of the `indicators:` of the rules over the cases of a dated cohort
  (`filed`, `reported`) that do not depend on the moment they are read — in `ROLLUP_SLOTS` integer
  columns, in the rules' order (`slots`), per month, grid and unit; their sums per group of the
  levels above the grid (`LevelRollup`); and "still open and past due now" (`overdue_open`) as the
  open cases by the day they fall due (`DueRollup`: a read adds the days before today and counts
  today's from the cases). The sums, the other tables, the staff and post levels, and the days of a
  period outside its whole months are counted from their rows (`stats.indicators`).
- A month is recounted from its cases (`rebuild`), in one grouped query, replacing its rows; or
  only some grids of it: a case's grid and its cohort's day are set once (at the report, at filing),
  so the rows of its grid's month hold all it counts, whatever happens to it later (a redispatch
  moves it between units of the same grid's rows).
- Freshness: `RollupState.watermark` is the newest `Case.updated_at` the rollup has read. Every
  change of a case touches `updated_at` (closed, reworked, marked spam, extended, redispatched...),
  so `refresh` recounts the grids' months (of each cohort) of the cases changed since the watermark
  (less `OVERLAP`, for a transaction that committed late), and `ensure_fresh` — called by every read
  — refreshes first when a case changed after the watermark: a figure never lags a case change, and
  the read pays for a few grids' months, not for whole months. The scheduled job `stats.rollup`
  refreshes every 10 minutes, so a read rarely has to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from django.db import router, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth

from chengguan.cases.models import Case
from chengguan.core import clock
from chengguan.stats import indicators
from chengguan.stats.models import ROLLUP_SLOTS, CaseRollup, DueRollup, LevelRollup, RollupState
from chengguan.stats.rules import Indicator, RuleSet, default_rules

# Conditions that change with the moment the figure is read, not with the case.
MOMENT_DEPENDENT = frozenset({"overdue_open"})
# Those that are a condition on the case and a due time passed: kept by due day (`DueRollup`).
PAST_DUE = indicators.PAST_DUE
# A refresh reads the changes this far before its watermark again (a transaction that stamped
# `updated_at` before the last refresh but committed after it).
OVERLAP = dt.timedelta(minutes=2)
# The case's column of each area level, which is also the rollup's.
LEVEL_FIELD = indicators.GROUP_BY["case"]
_FIELDS = sorted(set(LEVEL_FIELD.values()))
# The levels summed per month into `LevelRollup` (the grid level reads `CaseRollup` itself).
SUMMED_LEVELS = tuple(level for level in LEVEL_FIELD if level != "grid")
# Above this many changed grids in a month, the whole month is recounted (one scan beats many).
WHOLE_MONTH_ABOVE = 200


def rolled(rules: RuleSet) -> list[Indicator]:
    """The counts the rollup keeps: case counts of a dated cohort, none moment-dependent, the first
    `ROLLUP_SLOTS` of them (any further ones are counted from the cases)."""
    out = []
    for i in rules.indicators:
        cohort = rules.cohorts.get(i.cohort, {})
        if i.is_rate or i.sum or cohort.get("table") != "case" or not cohort.get("field", "").endswith("_at"):
            continue
        if not MOMENT_DEPENDENT & set(i.where):
            out.append(i)
    return out[:ROLLUP_SLOTS]


def due_rolled(rules: RuleSet) -> list[Indicator]:
    """The moment-dependent counts the rollup keeps by due day: case counts of a dated cohort whose
    one moment-dependent condition is a due time passed (`PAST_DUE`)."""
    out = []
    for i in rules.indicators:
        cohort = rules.cohorts.get(i.cohort, {})
        if i.is_rate or i.sum or cohort.get("table") != "case" or not cohort.get("field", "").endswith("_at"):
            continue
        moment = MOMENT_DEPENDENT & set(i.where)
        if len(moment) == 1 and moment <= PAST_DUE.keys():
            out.append(i)
    return out


def _standing(indicator: Indicator) -> tuple[Indicator, str]:
    """A due-day count without its comparison with now, and the due time it compares."""
    name = next(w for w in indicator.where if w in PAST_DUE)
    condition, due = PAST_DUE[name]
    return replace(indicator, where=tuple(condition if w == name else w for w in indicator.where)), due


def slots(rules: RuleSet) -> dict[str, str]:
    """Each rolled count's column."""
    return {i.key: f"n{n}" for n, i in enumerate(rolled(rules))}


def _by_cohort(rules: RuleSet) -> dict[str, list[Indicator]]:
    out: dict[str, list[Indicator]] = {}
    for i in rolled(rules):
        out.setdefault(i.cohort, []).append(i)
    return out


def _due_by_cohort(rules: RuleSet) -> dict[str, list[Indicator]]:
    out: dict[str, list[Indicator]] = {}
    for i in due_rolled(rules):
        out.setdefault(i.cohort, []).append(i)
    return out


def _cohorts(rules: RuleSet) -> dict[str, list[Indicator]]:
    """Every cohort the rollup keeps rows of, with its rolled counts (maybe none: due days only)."""
    return {**{name: [] for name in _due_by_cohort(rules)}, **_by_cohort(rules)}


def _db() -> str:
    return router.db_for_write(CaseRollup)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return _month(month + dt.timedelta(days=31))


def _of_grids(grids: set[int | None]) -> Q:
    """The rows (cases or rollup rows) of these grids; None: those without a grid."""
    part = Q(grid_id__in=sorted(g for g in grids if g is not None))
    return part | Q(grid_id__isnull=True) if None in grids else part


def _rebuild(
    rules: RuleSet, cohort: str, keys: list[Indicator], month: dt.date, grids: set[int | None] | None = None
) -> int:
    """Replace the rows of one cohort's month, or of some grids of it (None: the cases without a
    grid), by a fresh count of their cases in one grouped query; the rows written."""
    db = _db()
    field = rules.cohorts[cohort]["field"]
    period = indicators.Period(month, _next_month(month) - dt.timedelta(days=1), clock.now())
    cases = Case.objects.using(db).filter(period.within(field))
    old = CaseRollup.objects.using(db).filter(rule_version=rules.version, cohort=cohort, month=month)
    if grids is not None:
        cases, old = cases.filter(_of_grids(grids)), old.filter(_of_grids(grids))
    aggregates = {i.key: Count("pk", filter=indicators._condition(rules, i, period)) for i in keys}
    column = slots(rules)
    rows = [
        CaseRollup(
            rule_version=rules.version,
            cohort=cohort,
            month=month,
            **{f: r[f] for f in _FIELDS},
            **{column[i.key]: r[i.key] for i in keys},
        )
        for r in cases.order_by().values(*_FIELDS).annotate(**aggregates).iterator(chunk_size=5000)
        if any(r[i.key] for i in keys)
    ]
    old.delete()
    CaseRollup.objects.using(db).bulk_create(rows, batch_size=2000)
    _sum_levels(rules, cohort, keys, month)
    return len(rows) + _rebuild_due(rules, cohort, month, period, cases, grids)


def _rebuild_due(
    rules: RuleSet, cohort: str, month: dt.date, period: indicators.Period, cases, grids: set | None
) -> int:
    """Replace the month's (or its grids') `DueRollup` rows of a cohort: its cases standing open,
    by due day."""
    db = _db()
    old = DueRollup.objects.using(db).filter(rule_version=rules.version, cohort=cohort, month=month)
    if grids is not None:
        old = old.filter(_of_grids(grids))
    rows = []
    for indicator in _due_by_cohort(rules).get(cohort, []):
        standing, due = _standing(indicator)
        counted = (
            cases.filter(indicators._condition(rules, standing, period))
            .annotate(due_on=TruncDate(due, tzinfo=clock.SHANGHAI))
            .order_by()
            .values(*_FIELDS, "due_on")
            .annotate(n=Count("pk"))
        )
        rows += [
            DueRollup(rule_version=rules.version, cohort=cohort, month=month, indicator=indicator.key, **r)
            for r in counted.iterator(chunk_size=5000)
        ]
    old.delete()
    DueRollup.objects.using(db).bulk_create(rows, batch_size=2000)
    return len(rows)


def _sum_levels(rules: RuleSet, cohort: str, keys: list[Indicator], month: dt.date) -> None:
    """Rewrite the month's `LevelRollup` rows of a cohort from its `CaseRollup` rows."""
    db = _db()
    column = slots(rules)
    sums = {i.key: Sum(column[i.key]) for i in keys}
    fine = CaseRollup.objects.using(db).filter(rule_version=rules.version, cohort=cohort, month=month)
    rows = []
    for level in SUMMED_LEVELS:
        group = LEVEL_FIELD[level]
        grouped = fine.filter(**{f"{group}__isnull": False}).order_by().values(group, "bureau_id")
        for r in grouped.annotate(**sums):
            rows.append(
                LevelRollup(
                    rule_version=rules.version,
                    cohort=cohort,
                    month=month,
                    level=level,
                    group_id=r[group],
                    bureau_id=r["bureau_id"],
                    **{column[i.key]: r[i.key] or 0 for i in keys},
                )
            )
    LevelRollup.objects.using(db).filter(rule_version=rules.version, cohort=cohort, month=month).delete()
    LevelRollup.objects.using(db).bulk_create(rows, batch_size=2000)


def rebuild(months: Iterable[dt.date], rules: RuleSet | None = None, *, cohort: str | None = None) -> int:
    """Recount `months` (any day of each) of every rolled cohort, or of `cohort`; the rows written."""
    rules = rules or default_rules()
    written = 0
    with transaction.atomic(using=_db()):
        for name, keys in _cohorts(rules).items():
            if cohort is None or name == cohort:
                for month in sorted({_month(m) for m in months}):
                    written += _rebuild(rules, name, keys, month)
    return written


def _every_month(field: str) -> list[dt.date]:
    span = Case.objects.using(_db()).aggregate(first=Min(field), last=Max(field))
    if span["first"] is None:
        return []
    month, last = (_month(span[k].astimezone(clock.SHANGHAI).date()) for k in ("first", "last"))
    out = []
    while month <= last:
        out.append(month)
        month = _next_month(month)
    return out


def _changed_grids(field: str, since: dt.datetime) -> dict[dt.date, set[int | None]]:
    """The grids (None: no grid) of the cases changed since `since`, by their cohort's month."""
    changed = Case.objects.using(_db()).filter(updated_at__gte=since, **{f"{field}__isnull": False})
    pairs = (
        changed.annotate(m=TruncMonth(field, tzinfo=clock.SHANGHAI))
        .order_by()
        .values_list("m", "grid_id")
        .distinct()
    )
    out: dict[dt.date, set[int | None]] = {}
    for month, grid in pairs:
        out.setdefault(month.date() if isinstance(month, dt.datetime) else month, set()).add(grid)
    return out


def refresh(rules: RuleSet | None = None, *, full: bool = False) -> int:
    """Bring the rollup of `rules` up to the cases: the first time (or `full`) every month, then
    the grids' months of the cases changed since the watermark. Returns the months recounted
    (wholly or some of their grids)."""
    rules = rules or default_rules()
    db = _db()
    now = clock.now()
    with transaction.atomic(using=db):
        state = RollupState.objects.using(db).select_for_update().filter(rule_version=rules.version).first()
        # Read before counting: a change committed meanwhile is newer than the mark, found next time.
        mark = Case.objects.using(db).aggregate(m=Max("updated_at"))["m"]
        everything = state is None or full or state.watermark is None
        if everything:
            for table in (CaseRollup, LevelRollup, DueRollup):
                table.objects.using(db).filter(rule_version=rules.version).delete()
        recounted = 0
        for cohort, keys in _cohorts(rules).items():
            field = rules.cohorts[cohort]["field"]
            if everything:
                parts = dict.fromkeys(_every_month(field))
            else:
                parts = _changed_grids(field, state.watermark - OVERLAP)
            for month, grids in sorted(parts.items()):
                whole = grids is None or len(grids) > WHOLE_MONTH_ABOVE
                _rebuild(rules, cohort, keys, month, None if whole else grids)
            recounted += len(parts)
        if state is None:
            state = RollupState(rule_version=rules.version, built_at=now)
        elif full:
            state.built_at = now
        if mark is not None and (state.watermark is None or mark > state.watermark):
            state.watermark = mark
        state.refreshed_at = now
        state.save(using=db)
    return recounted


def ensure_fresh(rules: RuleSet) -> str | None:
    """Before a read: None when the rollup of `rules` was never built (count directly); otherwise
    refresh it if a case changed after its watermark, and the database alias to read it from."""
    found = list(
        RollupState.objects.filter(rule_version=rules.version).values_list("watermark", flat=True)[:1]
    )
    if not found:
        return None
    newer = Case.objects.all() if found[0] is None else Case.objects.filter(updated_at__gt=found[0])
    if not newer.exists():
        return router.db_for_read(CaseRollup) or "default"
    refresh(rules)
    return _db()  # what was just written, not a replica that may not have it yet


def whole_months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The calendar months that lie wholly in `[first, last]`."""
    month = first if first.day == 1 else _next_month(first)
    out = []
    while _next_month(month) - dt.timedelta(days=1) <= last:
        out.append(month)
        month = _next_month(month)
    return out


def rolled_up(
    rules: RuleSet,
    level: str,
    months: list[dt.date],
    *,
    bureaus: list[int] | None = None,
    using: str | None = None,
    now: dt.datetime | None = None,
) -> dict[int, dict[str, int]]:
    """The rolled-up counts of each group of an area level summed over `months`, of the groups of
    `bureaus` (None: all): one query per cohort, summing its own counts over its own rows (the grid
    level's from `CaseRollup`, the others' from `LevelRollup`); and the counts of the cases past due
    at `now` (default: now): their due days before today, and today's counted from the cases."""
    column = slots(rules)
    if level == "grid":
        table, group, only = CaseRollup, "grid_id", {"grid_id__isnull": False}
    else:
        table, group, only = LevelRollup, "group_id", {"level": level}
    out: dict[int, dict[str, int]] = {}
    for cohort, keys in _by_cohort(rules).items():
        rows = table.objects.filter(rule_version=rules.version, cohort=cohort, month__in=months, **only)
        if using:
            rows = rows.using(using)
        if bureaus is not None:
            rows = rows.filter(bureau_id__in=bureaus)
        sums = {i.key: Sum(column[i.key]) for i in keys}
        for r in rows.order_by().values(group).annotate(**sums):
            counts = out.setdefault(r[group], dict.fromkeys(column, 0))
            counts.update({i.key: r[i.key] or 0 for i in keys})
    for key, by_group in _past_due(rules, level, months, bureaus, using or _db(), now or clock.now()).items():
        for gid, n in by_group.items():
            out.setdefault(gid, dict.fromkeys(column, 0))[key] = n
    return out


def _past_due(
    rules: RuleSet, level: str, months: list[dt.date], bureaus: list[int] | None, using: str, now: dt.datetime
) -> dict[str, dict[int, int]]:
    """Each due-day count of each group of `level` over `months` at `now`: the standing cases due on
    the days before today from `DueRollup`, those due earlier today from the cases."""
    group = LEVEL_FIELD[level]
    today = now.astimezone(clock.SHANGHAI).date()
    midnight = dt.datetime.combine(today, dt.time(0), clock.SHANGHAI)
    period = indicators.Period(months[0], _next_month(months[-1]) - dt.timedelta(days=1), now)
    out: dict[str, dict[int, int]] = {}
    for indicator in due_rolled(rules):
        standing, due = _standing(indicator)
        days = DueRollup.objects.using(using).filter(
            rule_version=rules.version, indicator=indicator.key, month__in=months, due_on__lt=today
        )
        cases = Case.objects.using(using).filter(
            indicators._condition(rules, standing, period), **{f"{due}__gte": midnight, f"{due}__lt": now}
        )
        if bureaus is not None:
            days, cases = days.filter(bureau_id__in=bureaus), cases.filter(bureau_id__in=bureaus)
        counts = out.setdefault(indicator.key, {})
        for rows, total in ((days, Sum("n")), (cases, Count("pk"))):
            grouped = rows.filter(**{f"{group}__isnull": False}).order_by().values(group)
            for r in grouped.annotate(total=total):
                counts[r[group]] = counts.get(r[group], 0) + r["total"]
    return out
