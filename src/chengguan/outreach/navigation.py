"""The 开放与宣传 entries of the staff side menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# After 专项行动 (560), before the outside channels (600).
OUTREACH = 570


def outreach_nav(user, roles: frozenset[str]) -> list[dict]:
    from chengguan.org import selectors as org_selectors
    from chengguan.outreach.models import Activity
    from chengguan.outreach.permissions import can_view_outreach

    bureau = org_selectors.bureau_of(user)
    if bureau is None or not can_view_outreach(user, Activity(bureau=bureau)):
        return []
    return [
        {"name": "outreach", "label": _("开放活动"), "url": reverse("outreach:activities"), "icon": "list"},
        {
            "name": "outreach-live",
            "label": _("直播执法"),
            "url": reverse("outreach:broadcasts"),
            "icon": "send",
        },
    ]
