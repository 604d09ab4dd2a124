"""Query filters for the category list (shared by the API and the web pages)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from chengguan.taxonomy.models import Category, CategoryKind


class CategoryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CategoryKind.choices, help_text="component 部件 / event 事件")
    major = django_filters.CharFilter(field_name="major__code", help_text="大类代码（两位，如 01）")
    q = django_filters.CharFilter(method="filter_q", help_text="代码、中文名或英文名包含")

    class Meta:
        model = Category
        fields = ["kind", "major", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__startswith=value) | Q(name_zh__icontains=value) | Q(name_en__icontains=value)
        )
