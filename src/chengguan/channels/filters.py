"""Query filters of the work-order list (`GET /api/v1/work-orders/`)."""

from __future__ import annotations

import django_filters

from chengguan.channels.models import Channel, WorkOrder


class WorkOrderFilter(django_filters.FilterSet):
    # An unknown channel is refused (400), not read as "every channel".
    channel = django_filters.ChoiceFilter(choices=Channel.choices, help_text="来源渠道")

    class Meta:
        model = WorkOrder
        fields = ["channel"]
