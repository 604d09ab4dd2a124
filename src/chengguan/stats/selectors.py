"""Reads of the figures for the pages that show them: the public portal home, the city leader's
comparison, and the evaluation (indicators, scores, drill-down lists) of the staff page and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chengguan.cases.models import OPEN_STATES, Case
from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.core.replica import replica_reads
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation, OrgKind
from chengguan.stats import figures, indicators, rules, scores
from chengguan.stats.errors import FiguresError
from chengguan.stats.permissions import reads_indicators


@dataclass(frozen=True)
class HomeFigure:
    key: str
    definition: str
    figure: figures.Figure

    @property
    def label(self) -> str:
        return figures.LABELS[self.figure.name]


@replica_reads
def home_figures(now: dt.datetime | None = None) -> dict:
    """This month's figures for the portal home, from `stats.figures` (spam excluded there), each
    with its definition in plain words."""
    now = now or clock.now()
    start, end = figures.month_to_date(now)
    rates = [
        HomeFigure(
            "dispatched_in_time",
            _("本月派遣的问题中，在规定时限内立案并派遣的比例"),
            figures.dispatched_in_time(start, end),
        ),
        HomeFigure(
            "on_time_reply",
            _("本月到期应答复的问题中，在答复期限内答复反映人的比例"),
            figures.on_time_reply_rate(start, end, now=now),
        ),
        HomeFigure(
            "feedback_rate",
            _("本月办结的问题中，已向反映人反馈结果的比例"),
            figures.feedback_rate(start, end),
        ),
        HomeFigure(
            "satisfaction_rate",
            _("本月回访评价中，“满意”和“基本满意”所占的比例"),
            figures.satisfaction_rate(start, end),
        ),
    ]
    return {"start": start, "reports": figures.reports_between(start, end), "rates": rates}


@dataclass(frozen=True)
class BureauFigures:
    """One bureau's line of the comparison a city leader reads."""

    bureau: Organisation
    reports: int
    open_cases: int
    overdue_cases: int
    figures: list[figures.Figure]


def open_cases(bureau: Organisation):
    """A bureau's cases open now (spam excluded): the comparison's and the wall screen's count."""
    return Case.objects.filter(bureau=bureau, state__in=OPEN_STATES, is_spam=False)


def overdue(open_now, now: dt.datetime):
    """Of `open_cases`, those past the due time of the stage they are in."""
    return open_now.filter(stage_due_at__lt=now)


@replica_reads
def bureau_comparison(actor, start: dt.datetime, end: dt.datetime) -> list[BureauFigures]:
    """The published figures of each bureau `actor` compares (org.selectors.compared_bureaus), over
    `[start, end)`, with the cases open and overdue now: the same definitions as each bureau's own
    figures, so a bureau's line equals what `chengguan kpi` prints for it."""
    now = clock.now()
    rows = []
    for bureau in org_selectors.compared_bureaus(actor).order_by("code", "pk"):
        open_now = open_cases(bureau)
        rows.append(
            BureauFigures(
                bureau=bureau,
                reports=figures.reports_between(start, end, bureau=bureau),
                open_cases=open_now.count(),
                overdue_cases=overdue(open_now, now).count(),
                figures=figures.all_figures(start, end, bureau=bureau),
            )
        )
    return rows


# -- the evaluation (综合评价) ----------------------------------------------------------------------


def _bureau_asked(actor, bureau_id: int | None) -> Organisation | None:
    """The bureau whose rules and rows are asked for: the one named (if the actor reads it), else
    the actor's own (None for a superuser or a city leader who names none: every bureau they see,
    under the default rules)."""
    if bureau_id is None:
        return org_selectors.bureau_of(actor)
    bureau = Organisation.objects.filter(pk=bureau_id, kind=OrgKind.BUREAU).first()
    if bureau is not None and not org_selectors.sees_everything(actor):
        overseen = org_selectors.overseen_bureaus(actor)
        allowed = overseen.filter(pk=bureau.pk).exists() if overseen is not None else None
        if allowed is None:
            allowed = org_selectors.bureau_of(actor) == bureau
        bureau = bureau if allowed else None
    if bureau is None:
        message = str(FiguresError.BAD_BUREAU.label)
        raise ValidationFailed(message, code=FiguresError.BAD_BUREAU, fields={"bureau": [message]})
    return bureau


@replica_reads
def evaluation(
    actor,
    *,
    first: dt.date,
    last: dt.date,
    level: str = "bureau",
    bureau: int | None = None,
    scored: bool = False,
    now: dt.datetime | None = None,
) -> dict:
    """The indicators (and, `scored`, the scores and ranking) of `level` over `[first, last]`, as
    `actor` may see them, under the rules in force for the bureau on the period's last day."""
    reads_indicators.refuse(actor)
    chosen = _bureau_asked(actor, bureau)
    ruleset = rules.rules_for(chosen, on=last)
    scope = indicators.Scope(actor=actor, bureau=chosen)
    rows = indicators.compute(ruleset, level, first, last, scope=scope, now=now)
    result = {
        "rule_version": ruleset.version,
        "level": level,
        "first": first,
        "last": last,
        "rows": rows,
        "rules": ruleset,
        "bureau": chosen,
    }
    if scored:
        result["rows"] = scores.score_rows(ruleset, level, rows, first, last, scope=scope)
        result["weights"] = ruleset.level_weights(level)
    return result


def drilldown(
    actor, *, first: dt.date, last: dt.date, level: str, group: int, key: str, bureau: int | None = None
):
    """The cases one figure of one row counts, as `actor` sees them (`cases_visible_to`), with the
    rule set used: the list a unit reads to contest a figure."""
    reads_indicators.refuse(actor)
    chosen = _bureau_asked(actor, bureau)
    ruleset = rules.rules_for(chosen, on=last)
    scope = indicators.Scope(actor=actor, bureau=chosen)
    return ruleset, indicators.counted_cases(ruleset, level, group, key, first, last, scope=scope)
