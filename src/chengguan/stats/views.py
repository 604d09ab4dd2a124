"""The staff page of the evaluation (综合评价): indicators and ranking per level, and the drill-down
list behind every figure. Reads only, through `stats.selectors`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chengguan.cases.countdown import countdown
from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.org.access import staff_required
from chengguan.stats import campaign_figures, dashboard, indicators, selectors, welfare_figures
from chengguan.stats.filters import LEVEL_CHOICES, IndicatorQuery, parse
from chengguan.stats.permissions import reads_indicators

PAGE = 50
# The page's column groups (the API and the CLI give every indicator).
SECTIONS = {
    "handling": (
        gettext_lazy("处置"),
        (
            "filed",
            "dispatched",
            "handled",
            "handling_rate",
            "handled_on_time",
            "on_time_handling_rate",
            "closed",
            "close_rate",
            "reworked",
            "rework_rate",
            "extended",
            "extension_rate",
            "overdue_open",
            "overdue_open_rate",
            "redispatched",
            "accurate_dispatch_rate",
            "supervised",
        ),
    ),
    "sources": (
        gettext_lazy("上报与721"),
        (
            "reported",
            "valid_reports",
            "valid_report_rate",
            "with_disposition",
            "service_share",
            "management_share",
            "enforcement_share",
        ),
    ),
    "penalty": (
        gettext_lazy("执法与商户"),
        (
            "penalty_filed",
            "penalty_closed",
            "evaluation_participation_rate",
            "file_qualified_rate",
            "reconsiderations",
            "litigations",
            "decisions_changed_rate",
            "fines_imposed",
            "fines_collected",
            "letter_coverage",
        ),
    ),
}


def _refuse_unless_reader(user) -> None:
    if not reads_indicators(user):
        raise PermissionDenied("evaluation readers only")


def _query_string(params: dict, **changes) -> str:
    query = QueryDict(mutable=True)
    for name, value in {**params, **changes}.items():
        if value not in (None, ""):
            query[name] = str(value)
    return query.urlencode()


def _cells(ruleset, level: str, row, keys, base: dict) -> list[dict]:
    """Each shown figure of a row with the link to the cases it counts (none for non-case figures)."""
    cells = []
    for key in keys:
        indicator = ruleset.find(key, level=level)
        if indicator is None:
            continue
        link = ""
        if indicators.drillable(ruleset, level, key) is not None:
            link = "cases/?" + _query_string(base, group=row.group_id, key=key)
        cells.append({"key": key, "value": row.values.get(key), "rate": indicator.is_rate, "link": link})
    return cells


@staff_required
@require_GET
def indicators_page(request):
    """Indicators and ranking of one level over a period, every figure linking to its cases."""
    _refuse_unless_reader(request.user)
    query = IndicatorQuery(request.GET)
    section = request.GET.get("section") if request.GET.get("section") in SECTIONS else "handling"
    context: dict = {"form": query.form, "levels": LEVEL_CHOICES, "sections": SECTIONS, "section": section}
    try:
        asked = parse(request.GET)
        result = selectors.evaluation(request.user, scored=True, **asked)
    except ValidationFailed as exc:
        context["errors"] = exc.fields
        return render(request, "stats/indicators.html", context, status=400)
    level = asked["level"]
    ruleset = result["rules"]
    base = {"from": asked["first"].isoformat(), "to": asked["last"].isoformat(), "level": level}
    if asked["bureau"]:
        base["bureau"] = asked["bureau"]
    staff = level in indicators.STAFF_LEVELS
    keys = [i.key for i in ruleset.level_indicators(level)] if staff else list(SECTIONS[section][1])
    names = ruleset.names(level=level)
    rows = [
        {"scored": s, "cells": _cells(ruleset, level, s.row, keys, base)}
        for s in sorted(result["rows"], key=lambda s: s.row.key)
    ]
    context.update(
        result=result,
        level=level,
        staff_level=staff,
        rows=rows,
        ranking=result["rows"],
        headers=[_(names[k]) for k in keys if k in names],
        level_links=[(code, label, _query_string(base, level=code)) for code, label in LEVEL_CHOICES],
        section_links=[
            (code, label, _query_string(base, section=code)) for code, (label, _k) in SECTIONS.items()
        ],
        weights=[
            {"name": _(names.get(w.indicator, w.indicator)), "weight": w.weight, "invert": w.invert}
            for w in result["weights"]
        ],
    )
    # The special actions of the same period (stats.campaign_figures), below the indicators.
    context["campaigns"] = campaign_figures.for_actor(
        request.user, first=asked["first"], last=asked["last"], bureau=asked["bureau"]
    )
    context["welfare"] = welfare_figures.for_reader(
        request.user, bureau_id=asked["bureau"], year=asked["last"].year
    )
    return render(request, "stats/indicators.html", context)


@staff_required
@require_GET
def counted_cases_page(request):
    """The cases one figure counts (the viewer's own scope): its count equals the figure."""
    _refuse_unless_reader(request.user)
    try:
        asked = parse(request.GET)
        group = int(request.GET.get("group", ""))
    except (ValidationFailed, ValueError):
        return render(request, "stats/cases.html", {"invalid": True}, status=400)
    key = request.GET.get("key", "")
    level = asked["level"]
    try:
        ruleset, cases = selectors.drilldown(
            request.user,
            first=asked["first"],
            last=asked["last"],
            level=level,
            group=group,
            key=key,
            bureau=asked["bureau"],
        )
    except ValidationFailed:
        return render(request, "stats/cases.html", {"invalid": True}, status=400)
    cases, narrowed = dashboard.narrow(cases, request.GET)  # a bar of the dashboard's sources/categories
    now = clock.now()
    page = Paginator(cases.order_by("-filed_at", "-id"), PAGE).get_page(request.GET.get("page"))
    rows = [{"case": c, "countdown": countdown(c, now), "next": ""} for c in page.object_list]
    counted = indicators.drillable(ruleset, level, key)
    query = request.GET.copy()
    query.pop("page", None)
    back = _query_string(
        {"from": asked["first"], "to": asked["last"], "level": level, "bureau": asked["bureau"]}
    )
    context = {
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "figure": _(counted.name) if counted else key,
        "narrowed": narrowed,
        "asked": asked,
        "rule_version": ruleset.version,
        "back": back,
    }
    return render(request, "stats/cases.html", context)
