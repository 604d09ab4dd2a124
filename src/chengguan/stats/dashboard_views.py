"""The staff dashboard page (数据看板): the period and level pickers, and the charts' data embedded
with `json_script` (drawn by static/stats/dashboard.js). Reads only, through `stats.dashboard`."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.org.access import staff_required
from chengguan.stats import dashboard
from chengguan.stats.filters import LEVEL_CHOICES, IndicatorQuery, parse
from chengguan.stats.views import _query_string, _refuse_unless_reader


def _words() -> dict:
    return {
        "week": _("按周"),
        "month": _("按月"),
        "score": _("综合得分"),
        "cases": _("件"),
        "noData": _("期内没有数据"),
        "clickHint": _("点击查看所计的案件"),
        "filed": _("立案数"),
        "noCases": _("无案件"),
        "share": _("占比"),
    }


@staff_required
@require_GET
def dashboard_page(request):
    """Charts of the viewer's scope over a period; every drillable figure links to its cases."""
    _refuse_unless_reader(request.user)
    params = request.GET.copy()
    if not params.get("from") and not params.get("to"):
        params["from"] = dashboard.default_first(clock.today()).isoformat()
        params["to"] = clock.today().isoformat()
    if params.get("level") in (None, "", "bureau"):
        params["level"] = "unit"
    metric = params.get("metric") if params.get("metric") in dashboard.HEAT_METRICS else "filed"
    query = IndicatorQuery(params)
    levels = [(c, label) for c, label in LEVEL_CHOICES if c in dashboard.RANKED_LEVELS]
    context: dict = {"form": query.form, "levels": levels, "metric": metric}
    try:
        asked = parse(params)
        data = dashboard.dashboard(
            request.user,
            first=asked["first"],
            last=asked["last"],
            level=asked["level"],
            bureau=asked["bureau"],
            metric=metric,
        )
    except ValidationFailed as exc:
        context["errors"] = exc.fields
        return render(request, "stats/dashboard.html", context, status=400)
    base = {"from": asked["first"].isoformat(), "to": asked["last"].isoformat(), "level": asked["level"]}
    if asked["bureau"]:
        base["bureau"] = asked["bureau"]
    context.update(
        data=data,
        words=_words(),
        level=asked["level"],
        base=base,
        level_links=[(code, label, _query_string(base, level=code, metric=metric)) for code, label in levels],
        indicators_link=_query_string(base),
    )
    return render(request, "stats/dashboard.html", context)
