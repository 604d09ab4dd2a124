"""REST API of the field app (mounted under /api/v1/field/): the taxonomy in the compact form the
phone caches, and the report intake that checks the device's photo hashes and keeps its capture
time and position."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.cases.services import MAX_DESCRIPTION
from chengguan.core import limits
from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses, validated
from chengguan.core.parsers import MultiPartParser
from chengguan.field import services
from chengguan.org.permissions import uses_field_app
from chengguan.taxonomy import selectors as taxonomy_selectors


class FieldCategorySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="小类代码（六位）")
    name = serializers.CharField(source="local_name")
    major = serializers.CharField(source="major.local_name", help_text="大类名称")
    kind = serializers.CharField(help_text="component 部件 / event 事件")


class FieldReportSerializer(serializers.Serializer):
    category = serializers.RegexField(r"^\d{6}$", help_text="小类代码（六位）")
    description = serializers.CharField(max_length=MAX_DESCRIPTION)
    lon = serializers.FloatField(required=False, allow_null=True, help_text="设备定位经度（WGS-84）")
    lat = serializers.FloatField(required=False, allow_null=True, help_text="设备定位纬度（WGS-84）")
    accuracy_m = serializers.FloatField(
        required=False, allow_null=True, min_value=0, help_text="定位精度（米）"
    )
    captured_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="设备上的拍摄/记录时间"
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=9)
    photo_sha256 = serializers.ListField(
        child=serializers.RegexField(r"^[0-9a-fA-F]{64}$"),
        required=False,
        max_length=9,
        help_text="每张照片在设备上计算的 SHA-256（十六进制），与 photos 一一对应",
    )


class FieldCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="案件编号")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")


class FieldReportResultSerializer(serializers.Serializer):
    case = FieldCaseSerializer()
    received_at = serializers.DateTimeField(source="report.received_at", help_text="服务器接收时间")
    captured_at = serializers.DateTimeField(source="report.captured_at", allow_null=True)
    exif_flags = serializers.ListField(child=serializers.CharField(), source="report.exif_flags")


class FieldCategoryList(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="field_categories",
        summary="外勤应用的分类缓存",
        description="现行分类标准的全部小类（代码、名称、大类），不分页，供手机离线按名称搜索。",
        responses={200: FieldCategorySerializer(many=True), **error_responses(401, 403)},
        tags=["field"],
    )
    def get(self, request: Request) -> Response:
        uses_field_app.refuse(request.user)
        return Response(FieldCategorySerializer(taxonomy_selectors.active_categories(), many=True).data)


class FieldReportCreate(APIView):
    authentication_classes = API_AUTHENTICATION
    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="field_reports_create",
        summary="外勤上报（离线队列）",
        description=(
            "multipart：照片放在 `photos`，各照片的 SHA-256 依次放在 `photo_sha256`，服务器重算不符则 400 "
            "`field.photo_hash_mismatch`，不立案。须带 `Idempotency-Key`（设备生成）："
            "同一键重发返回第一次的案件（200）。"
            "设备的拍摄时间、位置和精度与服务器接收时间一并保存；照片 EXIF 与之不符时标记。"
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                required=True,
                description="设备生成的幂等键（最长 64 字符）",
            )
        ],
        request={"multipart/form-data": OpenApiRequest(FieldReportSerializer)},
        responses={
            201: FieldReportResultSerializer,
            200: OpenApiResponse(FieldReportResultSerializer, description="同一幂等键的重发：第一次的案件"),
            400: error_response(400, "case.unknown_category", "分类不存在。"),
            **error_responses(401, 403),
        },
        tags=["field"],
    )
    def post(self, request: Request) -> Response:
        values = validated(FieldReportSerializer, request.data)
        result = services.field_report(
            actor=request.user,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            device=getattr(request, "device_token", None),
            client_address=limits.client_address(request),
            **values,
        )
        body = FieldReportResultSerializer(result).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
