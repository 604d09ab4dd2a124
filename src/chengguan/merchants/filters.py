"""One FilterSet for the ledger list, shared by the web page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengguan.core import clock
from chengguan.core.filters import IdFilter, YearFilter
from chengguan.merchants.models import BusinessType, Letter, LetterStatus, Merchant, MerchantStatus
from chengguan.merchants.selectors import filter_letter_status


class MerchantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    grid = django_filters.CharFilter(field_name="grid__code", label=_("网格编码"))
    community = IdFilter(field_name="community_id", label=_("社区"))
    subdistrict = IdFilter(field_name="subdistrict_id", label=_("街道"))
    business_type = django_filters.ChoiceFilter(
        choices=BusinessType.choices, label=_("经营类别"), empty_label=_("全部经营类别")
    )
    status = django_filters.ChoiceFilter(
        choices=MerchantStatus.choices, label=_("经营状态"), empty_label=_("全部经营状态")
    )
    letter_status = django_filters.ChoiceFilter(
        choices=LetterStatus.choices, method="by_letter", label=_("责任书状态")
    )
    # The year a letter status is counted in (default this year); it filters nothing by itself.
    year = YearFilter(label=_("年度"))

    class Meta:
        model = Merchant
        fields = ["q", "grid", "community", "subdistrict", "business_type", "status", "letter_status"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(credit_code__iexact=value.upper())) if value else qs

    def by_letter(self, qs, name, value):
        year = self.form.cleaned_data.get("year") or clock.today().year
        return filter_letter_status(qs, year, value)


class LetterFilter(django_filters.FilterSet):
    """`GET /api/v1/merchants/letters/`."""

    year = YearFilter(field_name="year", label=_("年度"))
    status = django_filters.ChoiceFilter(choices=LetterStatus.choices, label=_("责任书状态"))

    class Meta:
        model = Letter
        fields = ["year", "status"]
