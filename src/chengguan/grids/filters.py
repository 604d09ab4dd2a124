"""Query filters for unit grid lists (shared by the API and the grid map)."""

from __future__ import annotations

import math

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from chengguan.core.filters import IdFilter
from chengguan.grids.models import Grid

BBox = tuple[float, float, float, float]


class BBoxField(forms.CharField):
    """`min_lon,min_lat,max_lon,max_lat` in WGS-84 degrees, as map clients send their view."""

    default_error_messages = {
        "format": "范围须为“最小经度,最小纬度,最大经度,最大纬度”四个数字，以英文逗号分隔。",
        "range": "经度须在 -180 到 180 之间，纬度须在 -90 到 90 之间。",
        "order": "最小经纬度不能大于最大经纬度。",
    }

    def clean(self, value) -> BBox | None:
        value = super().clean(value)
        if not value:
            return None
        parts = value.split(",")
        try:
            numbers = [float(part) for part in parts]
        except ValueError:
            raise forms.ValidationError(self.error_messages["format"], code="format") from None
        if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
            raise forms.ValidationError(self.error_messages["format"], code="format")
        min_lon, min_lat, max_lon, max_lat = numbers
        if not (
            -180 <= min_lon <= 180
            and -180 <= max_lon <= 180
            and -90 <= min_lat <= 90
            and -90 <= max_lat <= 90
        ):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        if min_lon > max_lon or min_lat > max_lat:
            raise forms.ValidationError(self.error_messages["order"], code="order")
        return min_lon, min_lat, max_lon, max_lat


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(django_filters.Filter):
    field_class = BBoxField


class GridFilter(django_filters.FilterSet):
    subdistrict = IdFilter(field_name="subdistrict_id", help_text="街道办事处 id")
    community = IdFilter(field_name="community_id", help_text="社区 id")
    squad = IdFilter(field_name="squad_id", help_text="责任中队 id")
    code = django_filters.CharFilter(field_name="code", help_text="网格编码（精确匹配）")
    q = django_filters.CharFilter(field_name="code", lookup_expr="startswith", help_text="网格编码前缀")
    bbox = BBoxFilter(
        method="filter_bbox",
        help_text="WGS-84 范围 `min_lon,min_lat,max_lon,max_lat`：只返回与该范围相交的网格",
    )

    class Meta:
        model = Grid
        fields = ["subdistrict", "community", "squad", "code", "q", "bbox"]

    def filter_bbox(self, queryset: QuerySet, name: str, value: BBox | None) -> QuerySet:
        """Narrow by the stored bounding boxes; the API then tests the exact geometry."""
        if not value:
            return queryset
        min_lon, min_lat, max_lon, max_lat = value
        return queryset.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )
