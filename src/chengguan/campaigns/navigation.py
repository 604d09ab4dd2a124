"""The 专项行动 entry of the staff side menu, with the count of the reader's overdue tasks."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# After 值班 (550), before the outside channels (600).
CAMPAIGNS = 560


def campaigns_nav(user, roles: frozenset[str]) -> list[dict]:
    from chengguan.campaigns import selectors
    from chengguan.campaigns.models import Campaign
    from chengguan.campaigns.permissions import can_view_campaigns
    from chengguan.org import selectors as org_selectors

    bureau = org_selectors.bureau_of(user)
    may_view = bureau is not None and can_view_campaigns(user, Campaign(bureau=bureau))
    if not (may_view or user.is_superuser):
        return []
    return [
        {
            "name": "campaigns",
            "label": _("专项行动"),
            "url": reverse("campaigns:campaigns"),
            "icon": "flag",
        },
        {
            "name": "campaign-tasks",
            "label": _("我的任务"),
            "url": reverse("campaigns:campaign-tasks"),
            "icon": "inbox",
            "badge": lambda: selectors.overdue_tasks(user).count(),
        },
    ]
