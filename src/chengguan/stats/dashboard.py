"""The figures of the staff dashboards (数据看板): trends by week and month, rankings per level, the
721 split, sources and categories, and the grid heat map, over a period, as the viewer may see them.

Every number is an indicator of `stats.indicators` (through `stats.selectors`: the same rules, the
same scope, the same drill-down), so each bar links to exactly the cases it counts. Sources and
categories split a count's own drill-down list (`narrow` applies the same split to that list).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.cases.models import CaseSource
from chengguan.core import clock
from chengguan.grids.api import outline_feature
from chengguan.grids.models import Grid
from chengguan.stats import indicators, selectors
from chengguan.taxonomy.models import Category

# What the tiles show, the trend series and the heat map's choices (all indicators of the rules).
TILES = ("reported", "filed", "closed", "handling_rate", "close_rate", "overdue_open")
TREND = ("reported", "filed", "closed", "handling_rate")
SPLIT_721 = (
    ("service_closed", "service_share", gettext_lazy("服务类")),
    ("management_closed", "management_share", gettext_lazy("管理类")),
    ("enforcement_closed", "enforcement_share", gettext_lazy("执法类")),
)
HEAT_METRICS = (
    "filed",
    "handling_rate",
    "on_time_handling_rate",
    "close_rate",
    "overdue_open",
    "rework_rate",
)
RANKED_LEVELS = ("unit", "subdistrict", "community", "grid", "staff")
# Beyond these the buckets are not drawn (the period picker says so).
MAX_WEEKS = 60
MAX_MONTHS = 36
TOP_CATEGORIES = 12
MAX_RANKED = 20

NARROW_LABELS = {"source": gettext_lazy("来源"), "category": gettext_lazy("问题类别")}


def default_first(today: dt.date) -> dt.date:
    """The dashboard's default period starts on the first of the month five months back (half a
    year of months, this one included)."""
    year, month = today.year, today.month - 5
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


def _link(first: dt.date, last: dt.date, level: str, group: int, key: str, bureau, **narrow) -> str:
    params = {"from": first.isoformat(), "to": last.isoformat(), "level": level, "group": group, "key": key}
    if bureau:
        params["bureau"] = bureau
    params.update({k: v for k, v in narrow.items() if v not in (None, "")})
    return reverse("stats:cases") + "?" + urlencode(params)


def _combined(ruleset, rows: list[indicators.Row]) -> dict:
    """The values of one row, or of several bureaus' rows together: counts added, each rate again
    its rule's numerator ÷ denominator of the added counts (a city leader's bureaus)."""
    if len(rows) == 1:
        return dict(rows[0].values)
    values: dict = {}
    for indicator in ruleset.indicators:
        if not indicator.is_rate:
            values[indicator.key] = sum(r.values.get(indicator.key) or 0 for r in rows)
    for indicator in ruleset.indicators:
        if indicator.is_rate:
            whole = values.get(indicator.denominator) or 0
            share = (values.get(indicator.numerator) or 0) / whole if whole else None
            values[indicator.key] = (1 - share) if share is not None and indicator.complement else share
    return values


class _Period:
    """What one `selectors.evaluation` call needs, and the links of its figures."""

    def __init__(self, actor, first: dt.date, last: dt.date, bureau):
        self.actor, self.first, self.last, self.bureau = actor, first, last, bureau

    def evaluate(self, level: str, scored: bool = False) -> dict:
        return selectors.evaluation(
            self.actor, first=self.first, last=self.last, level=level, bureau=self.bureau, scored=scored
        )

    def link(self, ruleset, level: str, rows, key: str, **narrow) -> str:
        """The drill-down of `key` for one row (none for several bureaus or a figure of no cases)."""
        if len(rows) != 1 or indicators.drillable(ruleset, level, key) is None:
            return ""
        return _link(self.first, self.last, level, rows[0].group_id, key, self.bureau, **narrow)


def weeks(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Monday-to-Sunday weeks over the period, the first and last cut to it."""
    out, start = [], first
    while start <= last:
        end = min(start + dt.timedelta(days=6 - start.weekday()), last)
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def months(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months over the period, the first and last cut to it."""
    out, start = [], first
    while start <= last:
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = min(following - dt.timedelta(days=1), last)
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def _daily(period: _Period, ruleset, rows, key: str) -> dict[dt.date, int]:
    """A count of the whole period per Shanghai day of its cohort's date: its drill-down list (the
    cases it counts) grouped by that date, so a day's or a week's number is the count over that day
    or week (a case count's conditions other than its cohort date do not depend on the period)."""
    field = ruleset.cohorts[ruleset.find(key).cohort]["field"]
    days: dict[dt.date, int] = {}
    for row in rows:
        _r, cases = selectors.drilldown(
            period.actor,
            first=period.first,
            last=period.last,
            level="bureau",
            group=row.group_id,
            key=key,
            bureau=period.bureau,
        )
        counted = cases.annotate(day=TruncDate(field, tzinfo=clock.SHANGHAI)).values("day")
        for item in counted.annotate(n=Count("pk")).order_by():
            days[item["day"]] = days.get(item["day"], 0) + item["n"]
    return days


def _trends(period: _Period, ruleset, rows, buckets: dict) -> dict:
    """The trend series per granularity: each bucket's counts and handling rate (the rule's
    numerator ÷ denominator), with the drill-down of each point."""
    rate = ruleset.find("handling_rate")
    counts = [k for k in TREND if k != "handling_rate"] + [rate.numerator, rate.denominator]
    daily = {k: _daily(period, ruleset, rows, k) for k in dict.fromkeys(counts)}
    out = {}
    for kind, (spans, label) in buckets.items():
        points = []
        for first, last in spans:
            values = {k: sum(n for day, n in daily[k].items() if first <= day <= last) for k in daily}
            whole = values[rate.denominator]
            values["handling_rate"] = values[rate.numerator] / whole if whole else None
            bucket = _Period(period.actor, first, last, period.bureau)
            points.append(
                {
                    "label": label(first),
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                    "values": {k: values[k] for k in TREND},
                    "links": {k: bucket.link(ruleset, "bureau", rows, k) for k in TREND},
                }
            )
        out[kind] = {"points": points}
    return out


def _split(qs, field: str) -> list[dict]:
    return list(qs.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field))


def _breakdown(period: _Period, ruleset, rows, key: str, field: str) -> dict[object, int]:
    """A count of the bureau level (each bureau row's drill-down list) split by `field`."""
    counted: dict[object, int] = {}
    for row in rows:
        _r, cases = selectors.drilldown(
            period.actor,
            first=period.first,
            last=period.last,
            level="bureau",
            group=row.group_id,
            key=key,
            bureau=period.bureau,
        )
        for item in _split(cases, field):
            counted[item[field]] = counted.get(item[field], 0) + item["n"]
    return counted


def dashboard(actor, *, first: dt.date, last: dt.date, level: str, bureau: int | None, metric: str) -> dict:
    """Everything the dashboard draws, as JSON-ready data (labels in the viewer's language)."""
    period = _Period(actor, first, last, bureau)
    whole = period.evaluate("bureau")
    ruleset, rows = whole["rules"], whole["rows"]
    names = ruleset.names()
    values = _combined(ruleset, rows) if rows else {}

    def name(key: str) -> str:
        return _(names.get(key, key))

    tiles = [
        {
            "key": k,
            "name": name(k),
            "value": values.get(k),
            "rate": ruleset.find(k).is_rate,
            "link": period.link(ruleset, "bureau", rows, k),
        }
        for k in TILES
    ]
    trends = _trends(
        period,
        ruleset,
        rows,
        {
            "week": (weeks(first, last)[-MAX_WEEKS:], lambda a: a.strftime("%m-%d")),
            "month": (months(first, last)[-MAX_MONTHS:], lambda a: a.strftime("%Y-%m")),
        },
    )
    split = [
        {
            "key": count,
            "name": str(label),
            "count": values.get(count, 0),
            "share": values.get(share),
            "link": period.link(ruleset, "bureau", rows, count),
        }
        for count, share, label in SPLIT_721
    ]
    sources = _breakdown(period, ruleset, rows, "reported", "source")
    source_labels = dict(CaseSource.choices)
    by_source = [
        {
            "name": str(source_labels.get(code, code)),
            "count": n,
            "link": period.link(ruleset, "bureau", rows, "reported", source=code),
        }
        for code, n in sorted(sources.items(), key=lambda kv: -kv[1])
    ]
    categories = _breakdown(period, ruleset, rows, "filed", "category_id")
    top = sorted(categories.items(), key=lambda kv: -kv[1])[:TOP_CATEGORIES]
    category_names = {c.pk: c.local_name for c in Category.objects.filter(pk__in=[c for c, _n in top])}
    by_category = [
        {
            "name": category_names.get(cid, str(cid)),
            "count": n,
            "link": period.link(ruleset, "bureau", rows, "filed", category=cid),
        }
        for cid, n in top
    ]

    ranked = period.evaluate(level, scored=True)
    ranking = [
        {
            "rank": s.rank,
            "key": s.row.key,
            "name": s.row.name,
            "score": s.score,
            "deducted": s.deducted,
            "filed": s.row.values.get("filed", s.row.values.get("reports", 0)),
            "link": period.link(ranked["rules"], level, [s.row], "filed" if level != "staff" else "reports"),
        }
        for s in ranked["rows"][:MAX_RANKED]
    ]

    grid_rows = period.evaluate("grid")["rows"]
    heat = {
        str(r.group_id): {
            "code": r.key,
            "value": r.values.get(metric),
            "link": period.link(ruleset, "grid", [r], metric),
        }
        for r in grid_rows
    }
    bureau_ids = [r.group_id for r in rows] or ([whole["bureau"].pk] if whole["bureau"] else [])
    outlines = Grid.objects.filter(subdistrict__bureau__in=bureau_ids).only(
        "pk", "code", "subdistrict_id", "geometry"
    )
    return {
        "rule_version": ruleset.version,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "level": level,
        "tiles": tiles,
        "trends": trends,
        "trendNames": {k: name(k) for k in TREND},
        "split721": split,
        "sources": by_source,
        "categories": by_category,
        "ranking": ranking,
        "metrics": [{"key": m, "name": name(m)} for m in HEAT_METRICS],
        "heat": {
            "metric": metric,
            "name": name(metric),
            "rate": ruleset.find(metric).is_rate,
            "grids": heat,
            "outlines": {"type": "FeatureCollection", "features": [outline_feature(g) for g in outlines]},
        },
    }


def narrow(cases, params) -> tuple[object, str]:
    """A drill-down list split as the dashboard's sources and categories charts split its count:
    `source=<code>` or `category=<id>`; returns the list and what it was narrowed to ('' if not)."""
    source = params.get("source", "")
    if source in CaseSource.values:
        return cases.filter(source=source), f"{NARROW_LABELS['source']}：{CaseSource(source).label}"
    category = params.get("category", "")
    if category.isdigit():
        found = Category.objects.filter(pk=int(category)).first()
        if found is not None:
            return cases.filter(category=found), f"{NARROW_LABELS['category']}：{found.local_name}"
    return cases, ""
