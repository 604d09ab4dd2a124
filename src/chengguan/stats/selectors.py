"""Reads of the figures for the pages that show them (the public portal home)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chengguan.cases.models import OPEN_STATES, Case
from chengguan.core import clock
from chengguan.core.replica import replica_reads
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation
from chengguan.stats import figures


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


@replica_reads
def bureau_comparison(actor, start: dt.datetime, end: dt.datetime) -> list[BureauFigures]:
    """The published figures of each bureau `actor` compares (org.selectors.compared_bureaus), over
    `[start, end)`, with the cases open and overdue now: the same definitions as each bureau's own
    figures, so a bureau's line equals what `chengguan kpi` prints for it."""
    now = clock.now()
    rows = []
    for bureau in org_selectors.compared_bureaus(actor).order_by("code", "pk"):
        open_cases = Case.objects.filter(bureau=bureau, state__in=OPEN_STATES, is_spam=False)
        rows.append(
            BureauFigures(
                bureau=bureau,
                reports=figures.reports_between(start, end, bureau=bureau),
                open_cases=open_cases.count(),
                overdue_cases=open_cases.filter(stage_due_at__lt=now).count(),
                figures=figures.all_figures(start, end, bureau=bureau),
            )
        )
    return rows
