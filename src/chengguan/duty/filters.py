"""Query filters of the duty lists (shared by the API and the web pages)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from chengguan.core.filters import IdFilter
from chengguan.duty.models import Assignment, Shift


class ShiftFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("单位"), help_text="值班单位 id")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", help_text="日期起（含）")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", help_text="日期止（含）")

    class Meta:
        model = Shift
        fields = ["unit", "date_from", "date_to"]


class OnDutyFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="shift__unit_id", label=_("单位"), help_text="值班单位 id")

    class Meta:
        model = Assignment
        fields = ["unit"]
