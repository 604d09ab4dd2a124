"""The 综合评价 entry of the staff side menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Just before the city leader's comparison of bureaus (800), among the figures.
STATS = 790


def stats_nav(user, roles: frozenset[str]) -> list[dict]:
    from chengguan.stats.permissions import reads_indicators

    if not reads_indicators(user):
        return []
    return [
        {"name": "indicators", "label": _("综合评价"), "url": reverse("stats:indicators"), "icon": "list"},
        {"name": "dashboard", "label": _("数据看板"), "url": reverse("stats:dashboard"), "icon": "map"},
    ]


# The published reports and the appeals, right after the indicators.
REPORTS = 791


def reports_nav(user, roles: frozenset[str]) -> list[dict]:
    from chengguan.stats.permissions import appeals_as_unit, decides_appeals, reads_reports

    if not reads_reports(user):
        return []
    entries = [{"name": "reports", "label": _("评价通报"), "url": reverse("stats:reports"), "icon": "flag"}]
    if decides_appeals(user) or appeals_as_unit(user):
        entries.append(
            {"name": "appeals", "label": _("评价申诉"), "url": reverse("stats:appeals"), "icon": "inbox"}
        )
    return entries
