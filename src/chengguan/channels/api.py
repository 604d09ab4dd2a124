"""REST API of the outside channels (`/api/v1/work-orders/`). Writes go through `channels.services`."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.channels import selectors, services
from chengguan.channels.filters import WorkOrderFilter
from chengguan.channels.models import Channel, WorkOrder
from chengguan.core import clock
from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.coords import CRS_CHOICES
from chengguan.core.masking import mask_name, mask_phone


class WorkOrderIntakeSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text="来源渠道")
    external_id = serializers.CharField(
        max_length=64, help_text="渠道自己的工单编号；同一渠道内唯一，重复提交返回第一次的结果"
    )
    received_at = serializers.DateTimeField(
        required=False, help_text="督办件到达本局的时间（ISO 8601，带时区）；缺省为现在"
    )
    content = serializers.CharField(help_text="诉求内容")
    category = serializers.CharField(help_text="问题类别（六位小类代码）")
    complainant_name = serializers.CharField(required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    crs = serializers.ChoiceField(
        choices=CRS_CHOICES, required=False, default="wgs84", help_text="坐标系，入库前换算为 WGS-84"
    )


class WorkOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    channel_name = serializers.CharField()
    external_id = serializers.CharField()
    received_at = serializers.DateTimeField()
    complainant_name = serializers.CharField(help_text="脱敏")
    complainant_phone = serializers.CharField(help_text="脱敏")
    content = serializers.CharField()
    category = serializers.CharField(help_text="小类代码")
    case_number = serializers.CharField()
    case_state = serializers.CharField()
    reply_due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField(help_text="未答复且已过答复期限")
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.CharField(
        allow_null=True, help_text="satisfied / basically / dissatisfied（最近一次回访）"
    )


def _row(order: WorkOrder, now: dt.datetime) -> dict:
    return {
        "id": order.pk,
        "channel": order.channel,
        "channel_name": order.get_channel_display(),
        "external_id": order.external_id,
        "received_at": order.received_at,
        "complainant_name": mask_name(order.complainant_name),
        "complainant_phone": mask_phone(order.complainant_phone),
        "content": order.content,
        "category": order.category.code,
        "case_number": order.case.number,
        "case_state": order.case.state,
        "reply_due_at": order.reply_due_at,
        "overdue": order.replied_at is None and order.reply_due_at < now,
        "reply": order.reply,
        "replied_at": order.replied_at,
        "rating": getattr(order, "rating", None),
    }


class WorkOrderListCreate(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = WorkOrderSerializer
    filterset_class = WorkOrderFilter

    def get_queryset(self):
        return selectors.work_orders_visible_to(self.request.user).order_by("-received_at", "-id")

    @extend_schema(
        operation_id="work_orders_list",
        summary="外部渠道督办件列表",
        description="本局的督办件（12345热线、市长信箱、人大代表、政协委员），含答复期限、是否超期和评价。诉求人姓名、电话脱敏。",
        responses={200: WorkOrderSerializer(many=True), **error_responses(400, 401)},
        tags=["work-orders"],
    )
    def get(self, request: Request) -> Response:
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        now = clock.now()
        return self.get_paginated_response(WorkOrderSerializer([_row(o, now) for o in page], many=True).data)

    @extend_schema(
        operation_id="work_orders_create",
        summary="接收督办件",
        description=(
            "登记外部渠道的督办件并立案（来源：12345热线/人大代表）。按 (channel, external_id) 幂等："
            "同一工单再次提交返回第一次登记的结果（200），不会重复立案。答复期限按渠道规则自动计算。"
            "仅受理员、值班长可调用。"
        ),
        request=WorkOrderIntakeSerializer,
        responses={
            201: WorkOrderSerializer,
            200: OpenApiResponse(
                WorkOrderSerializer, description="同一渠道同一工单编号的重复提交：返回第一次的结果"
            ),
            **error_responses(400, 401),
            403: error_response(403, "work_order.forbidden", "只有受理员、值班长可以登记督办件。"),
        },
        tags=["work-orders"],
    )
    def post(self, request: Request) -> Response:
        data = WorkOrderIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.work_order_receive(actor=request.user, **data.validated_data)
        order = selectors.work_orders_visible_to(request.user).get(pk=result.order.pk)
        body = WorkOrderSerializer(_row(order, clock.now())).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
