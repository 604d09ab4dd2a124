"""The 门前三包 entry of the side navigation (every member of staff may open the ledger)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def merchants_nav(user, roles: frozenset[str]) -> list[dict]:
    return [{"name": "merchants", "label": _("门前三包"), "url": reverse("merchants:list"), "icon": "flag"}]
