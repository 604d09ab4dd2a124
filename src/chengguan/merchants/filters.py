"""One FilterSet for the ledger list, shared by the web page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengguan.core import clock
from chengguan.merchants.models import BusinessType, LetterStatus, Merchant, MerchantStatus
from chengguan.merchants.selectors import filter_letter_status


class MerchantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    grid = django_filters.CharFilter(field_name="grid__code", label=_("网格编码"))
    community = django_filters.NumberFilter(field_name="community_id", label=_("社区"))
    subdistrict = django_filters.NumberFilter(field_name="subdistrict_id", label=_("街道"))
    business_type = django_filters.ChoiceFilter(
        choices=BusinessType.choices, label=_("经营类别"), empty_label=_("全部经营类别")
    )
    status = django_filters.ChoiceFilter(
        choices=MerchantStatus.choices, label=_("经营状态"), empty_label=_("全部经营状态")
    )
    letter_status = django_filters.ChoiceFilter(
        choices=LetterStatus.choices, method="by_letter", label=_("责任书状态")
    )
    year = django_filters.NumberFilter(method="noop", label=_("年度"))

    class Meta:
        model = Merchant
        fields = ["q", "grid", "community", "subdistrict", "business_type", "status", "letter_status"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(credit_code__iexact=value.upper())) if value else qs

    def noop(self, qs, name, value):
        return qs

    def by_letter(self, qs, name, value):
        year = self.data.get("year") or clock.today().year
        return filter_letter_status(qs, int(year), value)
