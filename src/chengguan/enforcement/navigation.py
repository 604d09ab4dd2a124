"""The penalty-case entries of the side navigation, for the roles that work on penalty cases."""

from __future__ import annotations

from django.urls import reverse

from chengguan.org.roles import RoleCode

PENALTY_ROLES = frozenset({RoleCode.HANDLER, RoleCode.SQUAD_LEADER, RoleCode.LEGAL_REVIEWER, RoleCode.LEADER})


def penalty_nav(user, roles: frozenset[str]) -> list[dict]:
    if not (getattr(user, "is_superuser", False) or roles & PENALTY_ROLES):
        return []
    return [
        {"name": "penalties", "label": "行政处罚", "url": reverse("enforcement:penalties"), "icon": "flag"},
        {
            "name": "penalty-deadlines",
            "label": "本周期限",
            "url": reverse("enforcement:penalty-deadlines"),
            "icon": "inbox",
        },
    ]
