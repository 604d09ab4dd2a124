"""Query filters of the welfare lists (shared by the API and the pages)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from chengguan.core.filters import IdFilter, YearFilter
from chengguan.welfare.models import (
    Draw,
    DrawState,
    HelpKind,
    HelpRecord,
    Spot,
    SpotKind,
    Vendor,
    VendorStatus,
)


class VendorFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=VendorStatus.choices, label=_("状态"))
    grid = IdFilter(field_name="grid_id", label=_("单元网格"), help_text="单元网格 id")

    class Meta:
        model = Vendor
        fields = ["status", "grid"]


class SpotFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SpotKind.choices, label=_("类型"))
    grid = IdFilter(field_name="grid_id", label=_("单元网格"), help_text="单元网格 id")

    class Meta:
        model = Spot
        fields = ["kind", "grid"]


class DrawFilter(django_filters.FilterSet):
    spot = IdFilter(field_name="spot_id", label=_("疏导点"), help_text="疏导点 id")
    state = django_filters.ChoiceFilter(choices=DrawState.choices, label=_("状态"))

    class Meta:
        model = Draw
        fields = ["spot", "state"]


class HelpFilter(django_filters.FilterSet):
    vendor = IdFilter(field_name="vendor_id", label=_("摊贩"), help_text="摊贩 id")
    kind = django_filters.ChoiceFilter(choices=HelpKind.choices, label=_("帮扶方式"))
    year = YearFilter(field_name="on__year", label=_("年度"))

    class Meta:
        model = HelpRecord
        fields = ["vendor", "kind", "year"]
