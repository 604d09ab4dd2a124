"""REST API of the field app (mounted under /api/v1/field/): the taxonomy in the compact form the
phone caches, and the report intake that checks the device's photo hashes and keeps its capture
time and position."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiRequest,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.cases import selectors as case_selectors
from chengguan.cases.api import case_to_act_on
from chengguan.cases.errors import CaseError
from chengguan.cases.models import CaseEvidence, CheckFinding
from chengguan.cases.selectors import urgency
from chengguan.cases.services import MAX_DESCRIPTION
from chengguan.core import limits
from chengguan.core.api import (
    API_AUTHENTICATION,
    error_response,
    error_responses,
    idempotency_header,
    validated,
)
from chengguan.core.errors import Conflict, NotFound
from chengguan.core.masking import mask_name, mask_phone
from chengguan.core.parsers import MultiPartParser
from chengguan.field import selectors, services
from chengguan.field.selectors import TASK_ACTIONS
from chengguan.org.permissions import uses_field_app
from chengguan.taxonomy import selectors as taxonomy_selectors

DEVICE_KEY = idempotency_header("设备生成的幂等键（最长 64 字符）", required=True)


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
    photo_exif = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=300),
        required=False,
        max_length=9,
        help_text=(
            "每张照片的原图 EXIF（设备压缩前读取，JSON：taken_at、lon、lat），与 photos 一一对应；"
            "压缩后的照片不带 EXIF，服务器以此代替"
        ),
    )


class FieldCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="案件编号")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    grid = serializers.CharField(source="grid.code", default="", help_text="服务器算出的网格编码")


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
        parameters=[DEVICE_KEY],
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


# -- my tasks ------------------------------------------------------------------------------------


class FieldTaskPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField()
    stage_name = serializers.CharField(source="get_stage_display")
    sha256 = serializers.CharField()
    taken_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="缩略图（用设备令牌读取，供离线缓存）")

    def get_url(self, item) -> str:
        return f"/api/v1/field/tasks/{item.case_id}/photos/{item.pk}"


class FieldTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case.id")
    number = serializers.CharField(source="case.number")
    state = serializers.CharField(source="case.state")
    state_label = serializers.CharField(source="case.get_state_display")
    source_label = serializers.CharField(source="case.get_source_display")
    category = serializers.SerializerMethodField()
    description = serializers.CharField(source="case.description")
    address = serializers.CharField(source="case.address")
    lon = serializers.FloatField(source="case.lon", allow_null=True)
    lat = serializers.FloatField(source="case.lat", allow_null=True)
    grid = serializers.CharField(source="case.grid.code", default="", help_text="网格编码")
    result = serializers.CharField(source="case.result", help_text="处置结果（核查时看）")
    reporter_name = serializers.SerializerMethodField(help_text="反映人（脱敏）")
    reporter_phone = serializers.SerializerMethodField(help_text="反映人电话（一律脱敏）")
    stage_due_at = serializers.DateTimeField(source="case.stage_due_at", allow_null=True)
    urgency = serializers.SerializerMethodField()
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=TASK_ACTIONS), help_text="可执行的步骤"
    )
    photos = FieldTaskPhotoSerializer(many=True)

    def get_category(self, task) -> dict:
        c = task.case.category
        return {"code": c.code, "name": c.local_name}

    def get_reporter_name(self, task) -> str:
        return mask_name(task.case.reporter_name)

    def get_reporter_phone(self, task) -> str:
        return mask_phone(task.case.reporter_phone)

    def get_urgency(self, task) -> str:
        return urgency(task.case)


class FieldTaskList(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="field_tasks",
        summary="我的外勤任务（离线缓存）",
        description=(
            "调用者本人的核实、签收、处置反馈、核查任务（只含其管辖范围），附可执行的步骤和照片缩略图地址；"
            "反映人的姓名和电话一律脱敏，手机可放心缓存。"
        ),
        responses={200: FieldTaskSerializer(many=True), **error_responses(401, 403)},
        tags=["field"],
    )
    def get(self, request: Request) -> Response:
        uses_field_app.refuse(request.user)
        return Response(FieldTaskSerializer(selectors.tasks_of(request.user), many=True).data)


class FieldTaskPhoto(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="field_task_photo",
        summary="任务照片的缩略图",
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **error_responses(401, 403, 404)},
        tags=["field"],
    )
    def get(self, request: Request, pk: int, photo: int):
        uses_field_app.refuse(request.user)
        case = case_selectors.cases_visible_to(request.user).filter(pk=pk).first()
        item = CaseEvidence.objects.filter(case=case, pk=photo, kind="photo").first() if case else None
        if item is None:
            raise NotFound("照片不存在或不在您的查看范围内。", code=CaseError.NOT_FOUND)
        stored = item.thumbnail if item.thumbnail else item.file
        response = FileResponse(
            stored.open("rb"), content_type="image/jpeg" if item.thumbnail else item.content_type
        )
        response["Cache-Control"] = "private, max-age=86400"
        return response


class FieldActionSerializer(serializers.Serializer):
    result = serializers.CharField(required=False, max_length=2000, help_text="处置结果（handle）")
    reason = serializers.CharField(required=False, max_length=2000, help_text="不通过的原因（rework）")
    finding = serializers.ChoiceField(
        choices=CheckFinding.choices, required=False, help_text="核实结果（check）"
    )
    check_note = serializers.CharField(required=False, max_length=200, help_text="核实情况（check）")
    delay_reason = serializers.CharField(required=False, max_length=2000)
    photo_lon = serializers.FloatField(required=False, allow_null=True, help_text="设备定位经度（WGS-84）")
    photo_lat = serializers.FloatField(required=False, allow_null=True, help_text="设备定位纬度（WGS-84）")
    captured_at = serializers.DateTimeField(required=False, allow_null=True, help_text="设备上的操作时间")
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=9)
    photo_sha256 = serializers.ListField(
        child=serializers.RegexField(r"^[0-9a-fA-F]{64}$"), required=False, max_length=9
    )
    photo_exif = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=300), required=False, max_length=9
    )


class FieldCaseStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")


FieldActionResultSerializer = inline_serializer(
    "FieldActionResult",
    {
        "case": FieldCaseStateSerializer(),
        "action": serializers.CharField(),
        "state_after": serializers.CharField(help_text="该步骤完成时的案件状态"),
        "received_at": serializers.DateTimeField(),
        "replayed": serializers.BooleanField(help_text="同一幂等键的重发"),
        "exif_flags": serializers.ListField(child=serializers.CharField()),
    },
)


def _action_body(result) -> dict:
    record = result.record
    return {
        "case": FieldCaseStateSerializer(result.case).data,
        "action": record.action,
        "state_after": record.state_after,
        "received_at": record.received_at,
        "replayed": result.replayed,
        "exif_flags": record.exif_flags,
    }


class FieldTaskAction(APIView):
    authentication_classes = API_AUTHENTICATION
    parser_classes = (MultiPartParser,)

    @extend_schema(
        operation_id="field_task_action",
        summary="外勤任务的一步（离线队列）",
        description=(
            "`action`：check 核实、accept 签收、handle 处置反馈、verify 核查通过、rework 核查不通过；"
            "经案件状态机办理（与工作台同一规则）。须带 `Idempotency-Key`：同一键重发返回第一次的结果"
            "（200，`replayed`），不会办两次。照片与上报相同：`photos` + `photo_sha256`（+ `photo_exif`）。"
            "案件已被他人推进时返回 409，正文带案件现在的状态。"
        ),
        parameters=[DEVICE_KEY],
        request={"multipart/form-data": OpenApiRequest(FieldActionSerializer)},
        responses={
            201: FieldActionResultSerializer,
            200: OpenApiResponse(FieldActionResultSerializer, description="同一幂等键的重发：第一次的结果"),
            409: error_response(
                409,
                "case.invalid_transition",
                "案件当前状态不允许该操作。",
                description=(
                    "案件当前状态不允许该操作；正文另带 `case`（id、number、state、state_label）："
                    "案件现在的状态。"
                ),
            ),
            **error_responses(400, 401, 403, 404),
        },
        tags=["field"],
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        values = validated(FieldActionSerializer, request.data)
        case = case_to_act_on(request.user, pk)
        try:
            result = services.field_case_action(
                actor=request.user,
                case=case,
                action=action,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                device=getattr(request, "device_token", None),
                **values,
            )
        except Conflict as exc:
            now = type(case).objects.get(pk=case.pk)
            body = {
                "code": exc.code,
                "message": str(exc.message),
                "fields": {},
                "case": FieldCaseStateSerializer(now).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(
            _action_body(result), status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED
        )
