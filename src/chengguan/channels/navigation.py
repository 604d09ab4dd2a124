"""The 外部督办件 entry of the side navigation (every member of staff may open the list)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def work_orders_nav(user, roles: frozenset[str]) -> list[dict]:
    return [
        {
            "name": "work-orders",
            "label": _("外部督办件"),
            "url": reverse("channels:work-orders"),
            "icon": "inbox",
        }
    ]
