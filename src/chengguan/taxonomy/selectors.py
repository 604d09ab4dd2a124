"""Reads of the category system. Categories are public reference data, so no actor scoping applies."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from chengguan.core.errors import NotFound
from chengguan.taxonomy.errors import TaxonomyError
from chengguan.taxonomy.models import BureauTimeLimit, Category, Classification, RoutingRule


def active_classification() -> Classification | None:
    """The classification new cases are filed under (exactly one is active after a load)."""
    return Classification.objects.filter(is_active=True).order_by("id").first()


def active_categories() -> QuerySet[Category]:
    """Minor classes of the active classification that are still in use, with their major class."""
    return (
        Category.objects.filter(classification__is_active=True, is_active=True)
        .select_related("major", "classification")
        .order_by("kind", "code")
    )


def category_by_code(code: str) -> Category:
    """The active category with this 6-digit code (e.g. 200102 暴露垃圾); unknown codes are a 404."""
    category = active_categories().filter(code=str(code).strip()).first()
    if category is None:
        raise NotFound(f"未知的部件/事件分类代码：{code}", code=TaxonomyError.UNKNOWN_CATEGORY)
    return category


def time_limit_for(category: Category, bureau_id: int | None) -> tuple[int, str]:
    """The handling time limit of `category` in the bureau: its own (`BureauTimeLimit`), else the
    installation's on the category."""
    own = (
        BureauTimeLimit.objects.filter(bureau_id=bureau_id, category=category)
        .values_list("amount", "unit")
        .first()
        if bureau_id
        else None
    )
    return own or (category.time_limit_amount, category.time_limit_unit)


def routing_rules_for(bureau) -> QuerySet[RoutingRule]:
    """The routing rules that can route `bureau`'s cases: its own and the installation's defaults
    (never another bureau's), most specific area first, as `taxonomy.routing` ranks them."""
    own = Q(bureau__isnull=True) | Q(bureau=bureau) if bureau is not None else Q(bureau__isnull=True)
    return (
        RoutingRule.objects.filter(own)
        .select_related("category", "major", "subdistrict", "community", "grid", "handler", "bureau")
        .order_by("-is_active", "grid__code", "community__name", "subdistrict__name", "category__code", "id")
    )


def bureau_time_limits(bureau) -> QuerySet[BureauTimeLimit]:
    """The bureau's own handling time limits that override the installation's."""
    if bureau is None:
        return BureauTimeLimit.objects.none()
    return BureauTimeLimit.objects.filter(bureau=bureau).select_related("category").order_by("category__code")
