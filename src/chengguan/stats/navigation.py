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
