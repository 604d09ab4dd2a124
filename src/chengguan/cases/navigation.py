"""The workbench's entries in the side navigation, with the count of my to-dos as a badge.

Called from `chengguan.web.context.navigation`, so every page shows the same count."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.cases import selectors
from chengguan.org.roles import RoleCode

REPORT_ROLES = frozenset({RoleCode.INSPECTOR, RoleCode.OPERATOR, RoleCode.SHIFT_LEADER})
DISPATCH_ROLES = frozenset({RoleCode.DISPATCHER, RoleCode.SHIFT_LEADER})
SUPERVISION_ROLES = frozenset(
    {RoleCode.LEADER, RoleCode.SHIFT_LEADER, RoleCode.HANDLER, RoleCode.SQUAD_LEADER, RoleCode.DISPATCHER}
)


def _inbox_count(user) -> int:
    """My to-do count; the inbox page counts it already and leaves it on the user for the badge.
    `closed_at IS NULL` (true of every open case) lets the planner use the `closed_at` index."""
    known = getattr(user, "cases_inbox_count", None)
    if known is not None:
        return known
    return selectors.inbox(user).filter(closed_at__isnull=True).count()


def workbench_nav(user, roles: frozenset[str]) -> list[dict]:
    """Navigation items of the case pages this member of staff may open ("badge": my to-do count)."""
    superuser = getattr(user, "is_superuser", False)
    items = [
        {
            "name": "inbox",
            "label": _("我的待办"),
            "url": reverse("cases:inbox"),
            "icon": "inbox",
            "badge": _inbox_count(user),
        }
    ]
    if superuser or roles & REPORT_ROLES:
        items.append(
            {"name": "report", "label": _("案件上报"), "url": reverse("cases:report"), "icon": "plus"}
        )
    items.append({"name": "list", "label": _("案件查询"), "url": reverse("cases:list"), "icon": "list"})
    if superuser or roles & DISPATCH_ROLES:
        items.append(
            {"name": "dispatch", "label": _("派遣台"), "url": reverse("cases:dispatch"), "icon": "send"}
        )
    items.append({"name": "map", "label": _("案件地图"), "url": reverse("cases:map"), "icon": "map"})
    if superuser or roles & SUPERVISION_ROLES:
        items.append(
            {"name": "supervision", "label": _("督办件"), "url": reverse("cases:supervision"), "icon": "flag"}
        )
    return items
