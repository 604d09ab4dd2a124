"""The penalty-case entries of the side navigation, for those who work on penalty cases."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.enforcement.permissions import can_view_evaluations, can_view_penalties


def penalty_nav(user, roles: frozenset[str]) -> list[dict]:
    if not can_view_penalties(user):
        return []
    evaluations = (
        [
            {
                "name": "penalty-evaluations",
                "label": _("卷宗评查"),
                "url": reverse("enforcement:evaluations"),
                "icon": "list",
            }
        ]
        if can_view_evaluations(user)
        else []
    )
    return [
        {
            "name": "penalties",
            "label": _("行政处罚"),
            "url": reverse("enforcement:penalties"),
            "icon": "flag",
        },
        {
            "name": "penalty-deadlines",
            "label": _("本周期限"),
            "url": reverse("enforcement:penalty-deadlines"),
            "icon": "inbox",
        },
        *evaluations,
    ]
