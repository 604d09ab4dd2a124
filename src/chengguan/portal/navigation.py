"""The 回访复核 entry of the side navigation, with the count of ratings waiting for a decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.portal.permissions import can_review_callbacks
from chengguan.portal.selectors import reviews_pending


def review_nav(user, roles: frozenset[str]) -> list[dict]:
    if not can_review_callbacks(user):
        return []
    return [
        {
            "name": "review",
            "label": _("回访复核"),
            "url": reverse("portal:review"),
            "icon": "flag",
            "badge": lambda: reviews_pending(user).count(),
        }
    ]
