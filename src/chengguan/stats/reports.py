"""Published evaluation reports (综合评价通报): a bureau's monthly, quarterly and annual report, frozen
when published.

Publishing computes, through the public functions of `stats.indicators` and `stats.scores`, the rows
of every level of the report (the bureau, its sub-districts, communities and handling units) with
their values, points, deductions, scores and ranks, the bureau's published figures (`stats.figures`)
and the definitions and weights in force, and stores them as JSON (`PublishedReport.data`) with the
rule version and the weights version. Nothing is recomputed when the report is read: the page, the
Excel and the PDF all show `data`. With the figures it stores the cases each count of the case table
counted (`ReportCase`: a bit per count and the groups the case was counted under), so the version's
drill-down lists and the appeals read what was counted then, not the cases as they are now.

Republishing the period adds the next version and leaves the old ones as they were. An approved
appeal (`stats.appeals`) adds a version derived from the newest one: the same frozen figures with the
appealed case's counts subtracted from every row it was counted in, the rates, points, scores and
ranks refigured from them (deductions stay as frozen) — so exactly that case leaves the report and
nothing else changes. Cases excluded by approved appeals stay excluded from every later version of
the period, republished ones included. The bureau's published figures (feedback, satisfaction...)
are not the units' evaluation and are not subject to appeals.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils.translation import gettext_lazy as _

from chengguan.core import audit, clock
from chengguan.core.errors import NotFound, ValidationFailed
from chengguan.org.models import Organisation
from chengguan.stats import figures, indicators, rules, scores
from chengguan.stats.errors import ReportError
from chengguan.stats.models import IndicatorRuleOverride, PublishedReport, ReportCase, ReportKind

__all__ = ["PublishedReport"]
from chengguan.stats.permissions import publishes_reports, reads_reports

LEVELS = ("bureau", "subdistrict", "community", "unit")
LEVEL_LABELS = {
    "bureau": _("局"),
    "subdistrict": _("街道"),
    "community": _("社区"),
    "unit": _("处置单位"),
}
# The columns of each level's table on the page, in the Excel and in the PDF.
TABLE_KEYS = (
    "filed",
    "dispatched",
    "handled",
    "handling_rate",
    "on_time_handling_rate",
    "close_rate",
    "rework_rate",
    "overdue_open_rate",
    "extension_rate",
)
# The annual summary (the figures the bureau's yearly report carries), in its order: each is one
# indicator of the rules or one published figure of `stats.figures`, with its own definition.
SUMMARY_KEYS = (
    "reported",
    "filed",
    "handled",
    "handling_rate",
    "on_time_handling_rate",
    "close_rate",
    "reports",
    "feedback_rate",
    "satisfaction_rate",
    "on_time_reply_rate",
    "dispatched_in_time",
    "service_share",
    "management_share",
    "enforcement_share",
    "penalty_filed",
    "penalty_closed",
    "evaluation_participation_rate",
    "file_qualified_rate",
    "reconsiderations",
    "litigations",
    "decisions_changed",
    "decisions_changed_rate",
    "fines_imposed",
    "fines_collected",
    "letter_coverage",
)
PUBLIC_RATES = ("feedback_rate", "satisfaction_rate", "on_time_reply_rate", "dispatched_in_time")
MEMBER_GROUP = {"subdistrict": 1, "community": 2, "unit": 3}  # index in a membership tuple


# -- periods ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    label: str
    first: dt.date
    last: dt.date


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_period(text: str) -> ReportPeriod:
    """`2026-11` a month, `2026-Q4` a quarter, `2026` a year (Shanghai calendar days)."""
    text = (text or "").strip().upper()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            first = dt.date(year, month, 1)
            return ReportPeriod(ReportKind.MONTHLY, text, first, _month_end(year, month))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(m[1]), int(m[2])
            first = dt.date(year, 3 * quarter - 2, 1)
            return ReportPeriod(ReportKind.QUARTERLY, text, first, _month_end(year, 3 * quarter))
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return ReportPeriod(ReportKind.ANNUAL, text, dt.date(year, 1, 1), dt.date(year, 12, 31))
    except ValueError:
        pass
    message = str(ReportError.BAD_PERIOD.label)
    raise ValidationFailed(message, code=ReportError.BAD_PERIOD, fields={"period": [message]})


# -- the figures as shown ---------------------------------------------------------------------------


def shown(value, kind: str) -> str:
    """A figure as the page, the Excel's text and the PDF write it: rates `85.7%`, money `1,200.00`,
    scores one decimal, `—` for nothing to count."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "score":
        return f"{value:.1f}"
    return str(int(value))


def kind_of(definition: dict) -> str:
    if definition.get("numerator"):
        return "rate"
    if definition.get("sum"):
        return "money"
    return "count"


# -- computing and freezing -------------------------------------------------------------------------


def _definitions(ruleset: rules.RuleSet) -> list[dict]:
    out = []
    for i in ruleset.indicators:
        counts_cases = not i.is_rate and indicators.drillable(ruleset, "bureau", i.key) is not None
        cohort = ruleset.cohorts.get(i.cohort, {}).get("name", "") if i.cohort else ""
        out.append(
            {
                "key": i.key,
                "name": i.name,
                "cohort": cohort,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "complement": i.complement,
                "sum": i.sum,
                "cases": counts_cases,
            }
        )
    for f in ruleset.public_figures:
        out.append({"key": f["key"], "name": f["name"], "cohort": f.get("cohort", ""), "public": True})
        if f["key"] in PUBLIC_RATES:
            out[-1]["numerator"] = "public"
    return out


def weights_version(bureau: Organisation, on: dt.date, ruleset: rules.RuleSet) -> str:
    """The version that set the weights: the bureau's override in force when it has weights of its
    own, else the default file's version."""
    override = (
        IndicatorRuleOverride.objects.filter(bureau=bureau, valid_from__lte=on)
        .order_by("-valid_from", "-id")
        .first()
    )
    if override is not None and (override.weights or override.staff_weights or override.deductions):
        return ruleset.version
    return ruleset.version.split("+", 1)[0]


def _row(scored: scores.Scored) -> dict:
    return {
        "id": scored.row.group_id,
        "key": scored.row.key,
        "name": scored.row.name,
        "values": scored.row.values,
        "points": scored.points,
        "deductions": scored.deductions,
        "score": scored.score,
        "rank": scored.rank,
    }


def _public(bureau: Organisation, first: dt.date, last: dt.date, now: dt.datetime) -> dict:
    start, end = clock.period_bounds(first, last)
    found = [
        figures.feedback_rate(start, end, bureau=bureau),
        figures.satisfaction_rate(start, end, bureau=bureau),
        figures.on_time_reply_rate(start, end, bureau=bureau, now=now),
        figures.dispatched_in_time(start, end, bureau=bureau),
    ]
    out = {f.name: f.as_dict() for f in found}
    out["reports"] = {"name": "reports", "value": figures.reports_between(start, end, bureau=bureau)}
    return out


def compute(bureau: Organisation, period: ReportPeriod, now: dt.datetime) -> tuple[dict, dict]:
    """The report's data and the membership of its counted cases: case id → [bits, sub-district,
    community, unit] (the groups the case was counted under)."""
    ruleset = rules.rules_for(bureau, on=period.last)
    scope = indicators.Scope(bureau=bureau)
    levels = {}
    for level in LEVELS:
        rows = indicators.compute(ruleset, level, period.first, period.last, scope=scope, now=now)
        ranked = scores.score_rows(ruleset, level, rows, period.first, period.last, scope=scope)
        levels[level] = [_row(s) for s in ranked]
    definitions = _definitions(ruleset)
    case_counts = [d["key"] for d in definitions if d.get("cases")]
    membership: dict[int, list] = {}
    for bit, key in enumerate(case_counts):
        counted = indicators.counted_cases(
            ruleset, "bureau", bureau.pk, key, period.first, period.last, scope=scope, now=now
        )
        for pk, sub, comm, unit in counted.values_list(
            "pk", "subdistrict_id", "community_id", "handling_unit_id"
        ):
            membership.setdefault(pk, [0, sub, comm, unit])[0] |= 1 << bit
    data = {
        "levels": levels,
        "indicators": definitions,
        "case_counts": case_counts,
        "weights": [
            {"indicator": w.indicator, "weight": w.weight, "invert": w.invert} for w in ruleset.weights
        ],
        "deductions": ruleset.deductions,
        "public": _public(bureau, period.first, period.last, now),
    }
    return data, membership


def _rate(values: dict, definition: dict) -> float | None:
    whole = values.get(definition["denominator"]) or 0
    if not whole:
        return None
    share = (values.get(definition["numerator"]) or 0) / whole
    return 1 - share if definition.get("complement") else share


def _points(weights: list[dict], values: dict) -> float:
    """Σ weight × rate (1 − rate for an `invert` weight); a rate with nothing to count earns its full
    weight — the rule of `stats.scores`."""
    total = 0.0
    for w in weights:
        rate = values.get(w["indicator"])
        if rate is None:
            total += w["weight"]
        else:
            total += w["weight"] * ((1 - rate) if w["invert"] else rate)
    return total


def refigure(data: dict) -> dict:
    """The rates, points, scores and ranks of every row recomputed from its counts, its frozen
    deductions and the frozen weights (after counts were subtracted)."""
    rates = [d for d in data["indicators"] if d.get("numerator") and not d.get("public")]
    for rows in data["levels"].values():
        for row in rows:
            for d in rates:
                row["values"][d["key"]] = _rate(row["values"], d)
            row["points"] = round(_points(data["weights"], row["values"]), 2)
            row["score"] = round(row["points"] - sum(row["deductions"].values()), 2)
        rows.sort(key=lambda r: (-r["score"], r["key"]))
        for i, row in enumerate(rows):
            row["rank"] = rows[i - 1]["rank"] if i and rows[i - 1]["score"] == row["score"] else i + 1
    return data


def subtract(data: dict, bureau_id: int, members: list[list]) -> dict:
    """Take the cases of `members` (membership tuples) out of every row they were counted in."""
    keys = data["case_counts"]
    for level, rows in data["levels"].items():
        by_id = {r["id"]: r for r in rows}
        for bits, *groups in members:
            gid = bureau_id if level == "bureau" else groups[MEMBER_GROUP[level] - 1]
            row = by_id.get(gid)
            if row is None:
                continue
            for bit, key in enumerate(keys):
                if bits >> bit & 1:
                    row["values"][key] -= 1
    return refigure(data)


def versions_of(report: PublishedReport) -> QuerySet[PublishedReport]:
    return PublishedReport.objects.filter(bureau_id=report.bureau_id, kind=report.kind, first=report.first)


def _next_version(bureau_id: int, kind: str, first: dt.date) -> int:
    qs = PublishedReport.objects.select_for_update().filter(bureau_id=bureau_id, kind=kind, first=first)
    return (qs.aggregate(n=Max("version"))["n"] or 0) + 1


def excluded_of_period(bureau_id: int, kind: str, first: dt.date) -> list[int]:
    """The cases approved appeals took out of the period (every version, newest last)."""
    from chengguan.stats.models import Appeal, AppealState

    return list(
        Appeal.objects.filter(
            bureau_id=bureau_id, report__kind=kind, report__first=first, state=AppealState.APPROVED
        )
        .order_by("decided_at", "pk")
        .values_list("case_id", flat=True)
        .distinct()
    )


def publish(*, actor, bureau: Organisation, period: str | ReportPeriod, reason: str = "") -> PublishedReport:
    """Freeze the bureau's report of `period` as its next version (the first, or a republication);
    approved appeals of the period stay applied. Audited."""
    publishes_reports.refuse(actor, bureau)
    period = period if isinstance(period, ReportPeriod) else parse_period(period)
    now = clock.now()
    if period.first > now.astimezone(clock.SHANGHAI).date():
        message = str(ReportError.NOT_STARTED.label)
        raise ValidationFailed(message, code=ReportError.NOT_STARTED, fields={"period": [message]})
    ruleset = rules.rules_for(bureau, on=period.last)
    data, membership = compute(bureau, period, now)
    with transaction.atomic():
        excluded = excluded_of_period(bureau.pk, period.kind, period.first)
        gone = [membership[pk] for pk in excluded if pk in membership]
        if gone:
            subtract(data, bureau.pk, gone)
        report = PublishedReport.objects.create(
            bureau=bureau,
            kind=period.kind,
            label=period.label,
            first=period.first,
            last=period.last,
            version=_next_version(bureau.pk, period.kind, period.first),
            rule_version=ruleset.version,
            weights_version=weights_version(bureau, period.last, ruleset),
            data=data,
            as_of=now,
            published_by=actor,
            published_at=now,
            reason=str(reason or "")[:200],
            excluded_cases=excluded,
        )
        ReportCase.objects.bulk_create(
            [
                ReportCase(
                    report=report,
                    case_id=pk,
                    counts=m[0],
                    subdistrict_id=m[1],
                    community_id=m[2],
                    unit_id=m[3],
                )
                for pk, m in membership.items()
            ],
            batch_size=2000,
        )
        audit.record(
            actor=actor,
            action="stats.report_publish",
            obj=report,
            after={
                "period": period.label,
                "kind": period.kind,
                "version": report.version,
                "rule_version": report.rule_version,
                "weights_version": report.weights_version,
                "counted_cases": len(membership),
                "excluded_cases": excluded,
            },
        )
    return report


def membership_of(report: PublishedReport, case_id: int) -> list | None:
    """How the version counted the case ([bits, sub-district, community, unit]), None when it did not
    (or an appeal took it out)."""
    if case_id in (report.excluded_cases or []):
        return None
    row = ReportCase.objects.filter(report_id=report.rows_source_id, case_id=case_id).first()
    if row is None:
        return None
    return [row.counts, row.subdistrict_id, row.community_id, row.unit_id]


def derive_without(*, actor, report: PublishedReport, case_id: int, reason: str) -> PublishedReport:
    """The next version of `report`'s period: the newest version's frozen figures without `case_id`
    (inside the caller's transaction: an approved appeal). Audited by the caller's event."""
    newest = versions_of(report).select_for_update().order_by("-version").first()
    data = newest.data
    member = membership_of(newest, case_id)
    if member is not None:
        subtract(data, newest.bureau_id, [member])
    now = clock.now()
    return PublishedReport.objects.create(
        bureau_id=newest.bureau_id,
        kind=newest.kind,
        label=newest.label,
        first=newest.first,
        last=newest.last,
        version=newest.version + 1,
        rule_version=newest.rule_version,
        weights_version=newest.weights_version,
        data=data,
        as_of=newest.as_of,
        published_by=actor,
        published_at=now,
        reason=str(reason)[:200],
        derived_from=newest,
        cases_from_id=newest.rows_source_id,
        excluded_cases=[*(newest.excluded_cases or []), case_id],
    )


# -- reading ----------------------------------------------------------------------------------------


def visible_reports(actor) -> QuerySet[PublishedReport]:
    """The versions `actor` may read: their bureau's, or those of the bureaus a city leader oversees."""
    from chengguan.org import selectors as org_selectors

    qs = PublishedReport.objects.select_related("bureau", "published_by")
    if not reads_reports(actor):
        return qs.none()
    if org_selectors.sees_everything(actor):
        return qs
    overseen = org_selectors.overseen_bureaus(actor)
    if overseen is not None:
        return qs.filter(bureau__in=overseen)
    own = org_selectors.bureau_of(actor)
    return qs.filter(bureau=own) if own else qs.none()


def report_for(actor, pk: int) -> PublishedReport:
    report = visible_reports(actor).filter(pk=pk).first()
    if report is None:
        raise NotFound(str(ReportError.NOT_FOUND.label), code=ReportError.NOT_FOUND)
    return report


def definitions(report: PublishedReport) -> dict[str, dict]:
    return {d["key"]: d for d in report.data.get("indicators", [])}


def level_rows(report: PublishedReport, level: str) -> list[dict]:
    return report.data.get("levels", {}).get(level, [])


def summary(report: PublishedReport) -> list[dict]:
    """The annual summary's figures of the version: name, the value as shown, the definition."""
    defs = definitions(report)
    bureau_rows = level_rows(report, "bureau")
    values = bureau_rows[0]["values"] if bureau_rows else {}
    public = report.data.get("public", {})
    out = []
    for key in SUMMARY_KEYS:
        d = defs.get(key)
        if d is None:
            continue
        if d.get("public"):
            p = public.get(key, {})
            if key == "reports":
                value, kind, basis = p.get("value"), "count", ""
            else:
                value, kind = p.get("rate"), "rate"
                basis = f"{p.get('numerator', 0)} / {p.get('denominator', 0)}"
        else:
            value, kind = values.get(key), kind_of(d)
            basis = ""
            if kind == "rate":
                num, den = values.get(d["numerator"]), values.get(d["denominator"])
                basis = f"1 − {num} / {den}" if d.get("complement") else f"{num} / {den}"
        if kind == "rate" and not d.get("public"):
            parts = [defs.get(d[part], {}).get("name", "") for part in ("numerator", "denominator")]
            cohort = " ÷ ".join(parts)
        else:
            parts, cohort = [d.get("cohort", "")], d.get("cohort", "")
        out.append(
            {
                "key": key,
                "name": d["name"],
                "value": value,
                "kind": kind,
                "shown": shown(value, kind),
                "basis": basis,
                "definition": cohort,
                "definition_parts": parts,  # names a page translates one by one
            }
        )
    return out


def table(report: PublishedReport, level: str, keys=TABLE_KEYS) -> dict:
    """One level's ranking table: header names and, per row in rank order, the shown cells."""
    defs = definitions(report)
    keys = [k for k in keys if k in defs]
    rows = []
    for r in level_rows(report, level):
        cells = [
            {"key": k, "value": r["values"].get(k), "shown": shown(r["values"].get(k), kind_of(defs[k]))}
            for k in keys
        ]
        rows.append(
            {
                "id": r["id"],
                "rank": r["rank"],
                "key": r["key"],
                "name": r["name"],
                "cells": cells,
                "points": shown(r["points"], "score"),
                "deducted": shown(sum(r["deductions"].values()), "score") if r["deductions"] else "—",
                "score": shown(r["score"], "score"),
                "score_value": r["score"],
            }
        )
    return {"level": level, "keys": keys, "names": [defs[k]["name"] for k in keys], "rows": rows}


def counted(report: PublishedReport, level: str, group_id: int, key: str) -> QuerySet[ReportCase]:
    """The cases the version counted in one count of one row (a rate: its numerator), excluded
    ones left out: the frozen drill-down."""
    defs = definitions(report)
    d = defs.get(key)
    if d is not None and d.get("numerator") and not d.get("public"):
        d = defs.get(d["numerator"])
    keys = report.data.get("case_counts", [])
    qs = ReportCase.objects.filter(report_id=report.rows_source_id).exclude(
        case_id__in=report.excluded_cases or []
    )
    if d is None or d["key"] not in keys:
        return qs.none()
    mask = 1 << keys.index(d["key"])
    qs = qs.annotate(bit=F("counts").bitand(mask)).filter(bit=mask)
    if level == "bureau":
        return qs if group_id == report.bureau_id else qs.none()
    field = {"subdistrict": "subdistrict_id", "community": "community_id", "unit": "unit_id"}[level]
    return qs.filter(**{field: group_id})


def counted_key(report: PublishedReport, key: str) -> str | None:
    """The case count a figure's link lists (the count itself, or a rate's numerator), None for a
    figure that counts no cases."""
    d = definitions(report).get(key)
    if d is None or d.get("public"):
        return None
    if d.get("numerator"):
        d = definitions(report).get(d["numerator"], {})
    return d.get("key") if d.get("key") in report.data.get("case_counts", []) else None


def counts_of(report: PublishedReport, bits: int) -> list[str]:
    """The names of the counts a membership's bits stand for."""
    defs = definitions(report)
    keys = report.data.get("case_counts", [])
    return [defs[k]["name"] for bit, k in enumerate(keys) if bits >> bit & 1 and k in defs]


def weights_text(report: PublishedReport, translate=str) -> str:
    """`处置率×30 + …` of the frozen weights (names through `translate` on a page)."""
    defs = definitions(report)
    parts = []
    for w in report.data.get("weights", []):
        name = translate(defs.get(w["indicator"], {}).get("name", w["indicator"]))
        parts.append(f"{'(1 − ' + name + ')' if w['invert'] else name} × {w['weight']:g}")
    return " + ".join(parts)


def excluded_numbers(report: PublishedReport) -> list[str]:
    from chengguan.cases.models import Case

    ids = report.excluded_cases or []
    return list(Case.objects.filter(pk__in=ids).order_by("number").values_list("number", flat=True))


def group_name(report: PublishedReport, level: str, group_id: int) -> str:
    return next((r["name"] for r in level_rows(report, level) if r["id"] == group_id), "")


def is_newest(report: PublishedReport) -> bool:
    return not versions_of(report).filter(version__gt=report.version).exists()
