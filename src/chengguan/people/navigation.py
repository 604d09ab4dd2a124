"""The 队伍建设 entry of the staff side menu: for those who may read the force's records."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.people.permissions import can_read_people

# After duty (550), before the outside channels.
PEOPLE = 560


def people_nav(user, roles: frozenset[str]) -> list[dict]:
    if not can_read_people(user):
        return []
    return [{"name": "people", "label": _("队伍建设"), "url": reverse("people:certificates"), "icon": "list"}]
