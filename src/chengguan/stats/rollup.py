"""The rollup of the evaluation's case cohorts (`CaseRollup`): the counts of each group of each area
level per Shanghai day and per calendar month, built from the same conditions as
`stats.indicators`, so that a period's figures are sums of a few rows instead of a scan of its cases.

- What is rolled: every count of the `indicators:` of the rules over the cases of a dated cohort
  (`filed`, `reported`) that does not depend on the moment it is read. "Still open and past due now"
  (`overdue_open`), the sums, the other tables and the staff levels are counted from their rows.
- Day rows are recounted from the cases of that day (`rebuild`); the month rows follow by the
  difference of the old and new day rows, in the same transaction.
- Freshness: `RollupState.watermark` is the newest `Case.updated_at` the rollup has read. Every
  change of a case touches `updated_at` (closed, reworked, marked spam, extended, redispatched...),
  so `refresh` recounts the days (of each cohort) of the cases changed since the watermark (less
  `OVERLAP`, for a transaction that committed late), and `ensure_fresh` — called by every read —
  refreshes first when a case changed after the watermark: a figure never lags a case change. The
  scheduled job `stats.rollup` refreshes every 10 minutes, so a read rarely has to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import router, transaction
from django.db.models import Count, IntegerField, Max, Min, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate

from chengguan.cases.models import Case
from chengguan.core import clock
from chengguan.stats import indicators
from chengguan.stats.models import CaseRollup, RollupGrain, RollupState
from chengguan.stats.rules import Indicator, RuleSet, default_rules

# Conditions that change with the moment the figure is read, not with the case.
MOMENT_DEPENDENT = frozenset({"overdue_open"})
# A refresh reads the changes this far before its watermark again (a transaction that stamped
# `updated_at` before the last refresh but committed after it).
OVERLAP = dt.timedelta(minutes=2)
LEVEL_FIELD = indicators.GROUP_BY["case"]
_FIELDS = sorted(set(LEVEL_FIELD.values()))
Key = tuple[dt.date, str, int, int]  # (day or month, level, group id, bureau id)


def rolled(rules: RuleSet) -> list[Indicator]:
    """The counts the rollup keeps: case counts of a dated cohort, none moment-dependent."""
    out = []
    for i in rules.indicators:
        cohort = rules.cohorts.get(i.cohort, {})
        if i.is_rate or i.sum or cohort.get("table") != "case" or not cohort.get("field", "").endswith("_at"):
            continue
        if not MOMENT_DEPENDENT & set(i.where):
            out.append(i)
    return out


def _by_cohort(rules: RuleSet) -> dict[str, list[Indicator]]:
    out: dict[str, list[Indicator]] = {}
    for i in rolled(rules):
        out.setdefault(i.cohort, []).append(i)
    return out


def _db() -> str:
    return router.db_for_write(CaseRollup)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _day_of(field: str):
    return TruncDate(field, tzinfo=clock.SHANGHAI)


def _count(rules: RuleSet, cohort: str, keys: list[Indicator], days: list[dt.date]) -> dict[Key, dict]:
    """Fresh counts of the cohort's cases of `days`, per group of every area level (one query)."""
    field = rules.cohorts[cohort]["field"]
    period = indicators.Period(days[0], days[-1], clock.now())
    aggregates = {i.key: Count("pk", filter=indicators._condition(rules, i, period)) for i in keys}
    qs = (
        Case.objects.using(_db())
        .filter(period.within(field))
        .annotate(rolled_day=_day_of(field))
        .filter(rolled_day__in=days)
        .order_by()
        .values("rolled_day", *_FIELDS)
        .annotate(**aggregates)
    )
    out: dict[Key, dict] = {}
    for r in qs.iterator(chunk_size=5000):
        if not any(r[i.key] for i in keys):
            continue
        for level, group_field in LEVEL_FIELD.items():
            gid = r[group_field]
            if gid is None:
                continue
            sums = out.setdefault((r["rolled_day"], level, gid, r["bureau_id"]), {})
            for i in keys:
                sums[i.key] = sums.get(i.key, 0) + r[i.key]
    return out


def _rebuild(rules: RuleSet, cohort: str, keys: list[Indicator], days: list[dt.date]) -> int:
    """Replace the day rows of `days` by a fresh count and move the month rows by the difference."""
    db = _db()
    new = _count(rules, cohort, keys, days)
    rows = CaseRollup.objects.using(db).filter(rule_version=rules.version, cohort=cohort)
    old_rows = rows.filter(grain=RollupGrain.DAY, day__in=days)
    delta: dict[Key, dict] = defaultdict(lambda: defaultdict(int))
    for day, level, gid, bid, counts in old_rows.values_list(
        "day", "level", "group_id", "bureau_id", "counts"
    ):
        for k, n in counts.items():
            delta[(_month(day), level, gid, bid)][k] -= n
    for (day, level, gid, bid), counts in new.items():
        for k, n in counts.items():
            delta[(_month(day), level, gid, bid)][k] += n
    old_rows.delete()
    CaseRollup.objects.using(db).bulk_create(
        [
            CaseRollup(
                rule_version=rules.version,
                cohort=cohort,
                grain=RollupGrain.DAY,
                day=day,
                level=level,
                group_id=gid,
                bureau_id=bid,
                counts=counts,
            )
            for (day, level, gid, bid), counts in new.items()
        ],
        batch_size=2000,
    )
    changed = {key: d for key, d in delta.items() if any(d.values())}
    if not changed:
        return len(new)
    months = rows.filter(grain=RollupGrain.MONTH, day__in={key[0] for key in changed})
    existing = {(r.day, r.level, r.group_id, r.bureau_id): r for r in months}
    updates, creates, deletes = [], [], []
    for key, d in changed.items():
        row = existing.get(key)
        if row is None:
            row = CaseRollup(
                rule_version=rules.version,
                cohort=cohort,
                grain=RollupGrain.MONTH,
                day=key[0],
                level=key[1],
                group_id=key[2],
                bureau_id=key[3],
                counts={},
            )
            creates.append(row)
        elif any(row.counts.get(k, 0) + d.get(k, 0) for k in {*row.counts, *d}):
            updates.append(row)
        else:
            deletes.append(row.pk)
            continue
        row.counts = {i.key: row.counts.get(i.key, 0) + d.get(i.key, 0) for i in keys}
    CaseRollup.objects.using(db).filter(pk__in=deletes).delete()
    CaseRollup.objects.using(db).bulk_update(updates, ["counts"], batch_size=2000)
    CaseRollup.objects.using(db).bulk_create(creates, batch_size=2000)
    return len(new)


def rebuild(days: Iterable[dt.date], rules: RuleSet | None = None, *, cohort: str | None = None) -> int:
    """Recount `days` of every rolled cohort (or of `cohort`), a month of days per query; the day
    rows written."""
    rules = rules or default_rules()
    days = sorted(set(days))
    written = 0
    by_month: dict[dt.date, list[dt.date]] = {}
    for day in days:
        by_month.setdefault(_month(day), []).append(day)
    with transaction.atomic(using=_db()):
        for name, keys in _by_cohort(rules).items():
            if cohort is None or name == cohort:
                for chunk in by_month.values():
                    written += _rebuild(rules, name, keys, chunk)
    return written


def _every_day(field: str) -> list[dt.date]:
    span = Case.objects.using(_db()).aggregate(first=Min(field), last=Max(field))
    if span["first"] is None:
        return []
    first = span["first"].astimezone(clock.SHANGHAI).date()
    last = span["last"].astimezone(clock.SHANGHAI).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _changed_days(rules: RuleSet, field: str, since: dt.datetime) -> list[dt.date]:
    changed = Case.objects.using(_db()).filter(updated_at__gte=since, **{f"{field}__isnull": False})
    days = changed.annotate(rolled_day=_day_of(field)).order_by().values_list("rolled_day", flat=True)
    return sorted(set(days.distinct()))


def refresh(rules: RuleSet | None = None, *, full: bool = False) -> int:
    """Bring the rollup of `rules` up to the cases: the first time (or `full`) every day, then the
    days of the cases changed since the watermark. Returns the days recounted."""
    rules = rules or default_rules()
    db = _db()
    now = clock.now()
    with transaction.atomic(using=db):
        state = RollupState.objects.using(db).select_for_update().filter(rule_version=rules.version).first()
        # Read before counting: a change committed meanwhile is newer than the mark, found next time.
        mark = Case.objects.using(db).aggregate(m=Max("updated_at"))["m"]
        recounted = 0
        if state is None or full:
            CaseRollup.objects.using(db).filter(rule_version=rules.version).delete()
        for cohort in _by_cohort(rules):
            field = rules.cohorts[cohort]["field"]
            if state is None or full:
                days = _every_day(field)
            elif state.watermark is None:
                days = _every_day(field) if mark is not None else []
            else:
                days = _changed_days(rules, field, state.watermark - OVERLAP)
            rebuild(days, rules, cohort=cohort)
            recounted += len(days)
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
    state = RollupState.objects.filter(rule_version=rules.version).values_list("watermark", flat=True)
    found = list(state[:1])
    if not found:
        return None
    newer = Case.objects.all() if found[0] is None else Case.objects.filter(updated_at__gt=found[0])
    if not newer.exists():
        return router.db_for_read(CaseRollup) or "default"
    refresh(rules)
    return _db()  # what was just written, not a replica that may not have it yet


def _blocks(first: dt.date, last: dt.date) -> Q:
    """`[first, last]` as its whole calendar months (month rows) and the days around them (day rows)."""
    month = _month(first) if first.day == 1 else _month(first + dt.timedelta(days=31))
    months = []
    while True:
        following = _month(month + dt.timedelta(days=31))
        if following - dt.timedelta(days=1) > last:
            break
        months.append(month)
        month = following
    if not months:
        return Q(grain=RollupGrain.DAY, day__gte=first, day__lte=last)
    q = Q(grain=RollupGrain.MONTH, day__in=months)
    if first < months[0]:
        q |= Q(grain=RollupGrain.DAY, day__gte=first, day__lt=months[0])
    after = _month(months[-1] + dt.timedelta(days=31))
    if after <= last:
        q |= Q(grain=RollupGrain.DAY, day__gte=after, day__lte=last)
    return q


def rolled_up(
    rules: RuleSet,
    level: str,
    first: dt.date,
    last: dt.date,
    *,
    bureaus: list[int] | None = None,
    using: str | None = None,
) -> dict[int, dict[str, int]]:
    """The rolled-up counts of each group of an area level over `[first, last]` (one query), of
    the groups of `bureaus` (None: all)."""
    keys = [i.key for i in rolled(rules)]
    rows = CaseRollup.objects.filter(rule_version=rules.version, level=level).filter(_blocks(first, last))
    if using:
        rows = rows.using(using)
    if bureaus is not None:
        rows = rows.filter(bureau_id__in=bureaus)
    sums = {k: Sum(Cast(KeyTextTransform(k, "counts"), IntegerField())) for k in keys}
    out: dict[int, dict[str, int]] = {}
    for r in rows.order_by().values("group_id").annotate(**sums):
        out[r["group_id"]] = {k: r[k] or 0 for k in keys}
    return out
