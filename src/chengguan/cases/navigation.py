"""The workbench's entries in the side navigation, with the count of my to-dos as a badge.

The count is fetched by the menu after the page has loaded (`core.navigation.badge_counts`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.cases import selectors
from chengguan.cases.permissions import can_use_dispatch_board, can_use_report_page, can_use_supervision_list


def _inbox_count(user) -> int:
    """My to-do count. `closed_at IS NULL` (true of every open case) lets the planner use the
    `closed_at` index."""
    return selectors.inbox(user).filter(closed_at__isnull=True).count()


def workbench_nav(user, roles: frozenset[str]) -> list[dict]:
    """Navigation items of the case pages this member of staff may open ("badge": my to-do count)."""
    items = [
        {
            "name": "inbox",
            "label": _("我的待办"),
            "url": reverse("cases:inbox"),
            "icon": "inbox",
            "badge": lambda: _inbox_count(user),
        }
    ]
    if can_use_report_page(user):
        items.append(
            {"name": "report", "label": _("案件上报"), "url": reverse("cases:report"), "icon": "plus"}
        )
    items.append({"name": "list", "label": _("案件查询"), "url": reverse("cases:list"), "icon": "list"})
    if can_use_dispatch_board(user):
        items.append(
            {"name": "dispatch", "label": _("派遣台"), "url": reverse("cases:dispatch"), "icon": "send"}
        )
    items.append({"name": "map", "label": _("案件地图"), "url": reverse("cases:map"), "icon": "map"})
    if can_use_supervision_list(user):
        items.append(
            {"name": "supervision", "label": _("督办件"), "url": reverse("cases:supervision"), "icon": "flag"}
        )
    return items
