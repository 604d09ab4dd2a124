"""Filters that turn stored codes into their choice labels in the reader's language, for values that
come without their model (rows of `.values()`, dicts of a selector)."""

from __future__ import annotations

from django import template
from django.db import models

from chengguan.org.models import OrgKind, PartnerType
from chengguan.taxonomy.models import CategoryKind, TimeUnit

register = template.Library()


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


@register.filter
def org_kind(kind: str) -> str:
    return _label(OrgKind, kind)


@register.filter
def partner_type(code: str) -> str:
    return _label(PartnerType, code)


@register.filter
def category_kind(kind: str) -> str:
    return _label(CategoryKind, kind)


@register.filter
def time_unit(unit: str) -> str:
    return _label(TimeUnit, unit)


@register.filter
def local_name(obj) -> str:
    """`name_en` for English readers when there is one, else the Chinese name."""
    return obj.local_name


@register.filter
def percent(rate: float | None) -> str:
    """A share in [0, 1] as the bureau writes it, one decimal (`99.8%`); `—` when nothing counted."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
