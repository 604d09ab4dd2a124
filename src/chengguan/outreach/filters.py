"""Query filters of the outreach lists (shared by the API and the staff pages)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from chengguan.core.filters import YearFilter
from chengguan.outreach.models import (
    Activity,
    ActivityKind,
    ActivityState,
    Broadcast,
    BroadcastState,
    MediaReport,
    Platform,
    Tone,
    Volunteer,
)


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("活动类型"))
    state = django_filters.ChoiceFilter(choices=ActivityState.choices, label=_("状态"))
    year = YearFilter(field_name="starts_at__year", label=_("年度"), help_text="活动年度")

    class Meta:
        model = Activity
        fields = ["kind", "state", "year"]


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("姓名"), max_length=50)
    skill = django_filters.CharFilter(
        field_name="skills", lookup_expr="icontains", label=_("特长"), max_length=50
    )

    class Meta:
        model = Volunteer
        fields = ["q", "skill"]


class BroadcastFilter(django_filters.FilterSet):
    platform = django_filters.ChoiceFilter(choices=Platform.choices, label=_("直播平台"))
    state = django_filters.ChoiceFilter(choices=BroadcastState.choices, label=_("状态"))
    year = YearFilter(field_name="starts_at__year", label=_("年度"), help_text="直播年度")

    class Meta:
        model = Broadcast
        fields = ["platform", "state", "year"]


class MediaFilter(django_filters.FilterSet):
    tone = django_filters.ChoiceFilter(choices=Tone.choices, label=_("报道倾向"))
    year = YearFilter(field_name="published_on__year", label=_("年度"), help_text="报道年度")

    class Meta:
        model = MediaReport
        fields = ["tone", "year"]
