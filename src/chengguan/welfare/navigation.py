"""The 帮扶 entry of the staff side menu."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# After 专项行动 (560), before the outside channels (600).
WELFARE = 570


def welfare_nav(user, roles: frozenset[str]) -> list[dict]:
    from chengguan.org import selectors as org_selectors
    from chengguan.welfare.models import Vendor
    from chengguan.welfare.permissions import can_view_welfare

    bureau = org_selectors.bureau_of(user)
    if bureau is None or not can_view_welfare(user, Vendor(bureau=bureau)):
        return []
    return [
        {
            "name": "welfare-vendors",
            "label": _("摊贩帮扶"),
            "url": reverse("welfare:vendors"),
            "icon": "list",
        },
        {"name": "welfare-spots", "label": _("便民疏导点"), "url": reverse("welfare:spots"), "icon": "map"},
    ]
