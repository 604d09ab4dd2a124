"""The 值班 entries of the staff side menu: the roster (every member of staff) and 督察."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# After the merchants' section, before the outside channels.
DUTY = 550


def duty_nav(user, roles: frozenset[str]) -> list[dict]:
    return [{"name": "duty", "label": _("值班"), "url": reverse("duty:roster"), "icon": "list"}]
