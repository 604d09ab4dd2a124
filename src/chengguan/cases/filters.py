"""The one FilterSet of case lists: the API list, the map, the exports and the web list all use it,
so a filter means the same thing wherever a user meets it (STYLE.md habit 5)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q, QuerySet

from chengguan.cases import selectors
from chengguan.cases.models import INTAKE_ATTRIBUTES, Case, CaseSource, Supervision, SupervisionLevel
from chengguan.cases.states import OPEN_STATES, CaseState
from chengguan.core import clock
from chengguan.core.clock import SHANGHAI
from chengguan.core.filters import BooleanFilter, IdFilter, NullsLastOrderingFilter
from chengguan.taxonomy.models import CategoryKind

URGENCY_CHOICES = (("normal", "正常"), ("warning", "预警"), ("overdue", "超时"))


def _day_start(day: dt.date) -> dt.datetime:
    """Dates are Beijing dates: a day runs from 00:00 to 24:00 Asia/Shanghai."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


class CaseFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=CaseState.choices, help_text="案件状态（可重复，如 `state=filed&state=dispatched`）"
    )
    open = BooleanFilter(method="filter_open", help_text="true：只看未办结的案件")
    category = django_filters.CharFilter(field_name="category__code", help_text="小类代码（六位，如 200504）")
    major = django_filters.CharFilter(field_name="category__major__code", help_text="大类代码（两位，如 05）")
    kind = django_filters.ChoiceFilter(
        field_name="category__kind", choices=CategoryKind.choices, help_text="component 部件 / event 事件"
    )
    grid = django_filters.CharFilter(field_name="grid__code", help_text="网格编码（精确匹配）")
    unit = IdFilter(field_name="handling_unit_id", help_text="处置单位 id")
    subdistrict = IdFilter(field_name="subdistrict_id", help_text="街道办事处 id")
    community = IdFilter(field_name="community_id", help_text="社区 id")
    source = django_filters.ChoiceFilter(choices=CaseSource.choices, help_text="案件来源")
    urgency = django_filters.ChoiceFilter(
        choices=URGENCY_CHOICES,
        method="filter_urgency",
        help_text="normal 正常 / warning 预警（已用去八成时限） / overdue 超时；由到期时间即时推算",
    )
    supervised = BooleanFilter(field_name="is_supervised", help_text="是否督办件")
    is_spam = BooleanFilter(
        field_name="is_spam", help_text="true：只看被标记为恶意/无效举报的案件；false：排除这些案件"
    )
    reported_from = django_filters.DateFilter(
        method="filter_reported_from", help_text="上报日期起（含，北京时间），如 2026-09-01"
    )
    reported_to = django_filters.DateFilter(
        method="filter_reported_to", help_text="上报日期止（含，北京时间），如 2026-09-30"
    )
    q = django_filters.CharFilter(method="filter_q", help_text="案件编号、问题描述或地址包含")
    ordering = NullsLastOrderingFilter(
        fields=(("reported_at", "reported_at"), ("stage_due_at", "due"), ("number", "number")),
        help_text="排序：reported_at、due、number，前加 - 为倒序；默认最新上报在前；无到期时间的总在最后",
    )

    class Meta:
        model = Case
        fields = [
            "state",
            "open",
            "category",
            "major",
            "kind",
            "grid",
            "unit",
            "subdistrict",
            "community",
            "source",
            # Each intake attribute filters by its choices (a ChoiceFilter made from the model field).
            *INTAKE_ATTRIBUTES,
            "urgency",
            "supervised",
            "is_spam",
            "reported_from",
            "reported_to",
            "q",
        ]

    @property
    def attribute_fields(self) -> list:
        """The intake attributes' fields of the filter form, for the filter bar to render in turn."""
        return [self.form[name] for name in INTAKE_ATTRIBUTES]

    # django-filter calls a filter's method only with a value (never None or ""): the hints of
    # `value` give the OpenAPI type of the parameter.
    def filter_open(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(state__in=OPEN_STATES) if value else queryset.exclude(state__in=OPEN_STATES)

    def filter_urgency(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return selectors.with_urgency(queryset, value) if value else queryset

    def filter_reported_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(reported_at__gte=_day_start(value))

    def filter_reported_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(reported_at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__contains=value) | Q(description__icontains=value) | Q(address__icontains=value)
        )


class SupervisionFilter(django_filters.FilterSet):
    replied = BooleanFilter(
        field_name="replied_at", lookup_expr="isnull", exclude=True, help_text="true：已回复；false：未回复"
    )
    overdue = BooleanFilter(method="filter_overdue", help_text="true：已过回复期限仍未回复")
    level = django_filters.ChoiceFilter(choices=SupervisionLevel.choices, help_text="督办级别")

    class Meta:
        model = Supervision
        fields = ["replied", "overdue", "level"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = Q(replied_at__isnull=True, reply_due_at__lt=clock.now())
        return queryset.filter(late) if value else queryset.exclude(late)
