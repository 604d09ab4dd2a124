"""Query filters for organisation and staff lists (shared by the API and the web lists)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from chengguan.core.filters import IdFilter
from chengguan.org.models import Organisation, OrgKind, PartnerType, StaffProfile
from chengguan.org.roles import RoleCode


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, help_text="单位类型")
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices, help_text="协作单位类别")
    parent = IdFilter(field_name="parent_id", help_text="上级单位 id")
    code = django_filters.CharFilter(field_name="code", help_text="行政区划代码段（精确匹配）")
    q = django_filters.CharFilter(method="filter_q", help_text="名称或简称包含")

    class Meta:
        model = Organisation
        fields = ["kind", "partner_type", "parent", "code", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class StaffFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id", help_text="所在单位 id")
    role = django_filters.ChoiceFilter(choices=RoleCode.choices, method="filter_role", help_text="角色代码")
    q = django_filters.CharFilter(method="filter_q", help_text="姓名或用户名包含")

    class Meta:
        model = StaffProfile
        fields = ["organisation", "role", "q"]

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # A subquery rather than a join, so a profile is never repeated and no DISTINCT is needed.
        holders = StaffProfile.objects.filter(roles__code=value).values("pk")
        return queryset.filter(pk__in=holders)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # Certificate numbers are searched in the people app's registry.
        return queryset.filter(Q(full_name__icontains=value) | Q(user__username__icontains=value))
