"""Query filters of the duty lists (shared by the API and the web pages)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from chengguan.core.filters import IdFilter
from chengguan.duty.models import Assignment, Roster, Shift

_MONTH = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", message=_("月份应为 YYYY-MM。"), code="bad_month")


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


def _in_month(queryset, name: str, value: str):
    year, month = (int(part) for part in value.split("-"))
    return queryset.filter(month=dt.date(year, month, 1))


class RosterFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("单位"), help_text="值班单位 id")
    month = django_filters.CharFilter(
        method=_in_month, label=_("月份"), help_text="YYYY-MM", validators=[_MONTH]
    )

    class Meta:
        model = Roster
        fields = ["unit", "month"]


class LogFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="unit_id", label=_("单位"), help_text="值班单位 id")
    date = django_filters.DateFilter(field_name="date", help_text="日期（YYYY-MM-DD）")

    class Meta:
        model = Shift
        fields = ["unit", "date"]
