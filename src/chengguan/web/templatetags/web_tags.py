"""Filters that turn stored codes into labels in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from chengguan.web.labels import CATEGORY_KIND_LABELS, TIME_UNIT_LABELS, org_kind_label, partner_type_label

register = template.Library()


@register.filter
def org_kind(kind: str) -> str:
    return org_kind_label(kind)


@register.filter
def partner_type(code: str) -> str:
    return partner_type_label(code)


@register.filter
def category_kind(kind: str) -> str:
    return str(CATEGORY_KIND_LABELS.get(kind, kind))


@register.filter
def time_unit(unit: str) -> str:
    return str(TIME_UNIT_LABELS.get(unit, unit))


@register.filter
def local_name(obj) -> str:
    """`name_en` for English readers when there is one, else the Chinese name."""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name_zh
