"""REST API of the ledger, import jobs, letter jobs and signing. Rules live in the services."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core import clock, jobs
from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.errors import NotFound
from chengguan.core.masking import mask_id_number, mask_phone
from chengguan.core.models import Job
from chengguan.core.parsers import FormParser, JSONParser, MultiPartParser
from chengguan.core.workflow.api import action_views
from chengguan.merchants import selectors, services
from chengguan.merchants.errors import MerchantError
from chengguan.merchants.filters import LetterFilter, MerchantFilter
from chengguan.merchants.jobs import IMPORT_KIND, LETTERS_KIND
from chengguan.merchants.letters import public_base_url
from chengguan.merchants.models import (
    BusinessType,
    Letter,
    LetterStatus,
    Merchant,
    MerchantStatus,
    SignMethod,
)
from chengguan.merchants.permissions import can_run_bulk_work
from chengguan.merchants.states import LETTER_MACHINE


def _choices(choices) -> str:
    return "；".join(f"{value}={label}" for value, label in choices)


class MerchantSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=_choices(MerchantStatus.choices))
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    grid = serializers.CharField(source="grid.code", read_only=True, default=None)
    community = serializers.CharField(source="community.name", read_only=True, default=None)
    subdistrict = serializers.CharField(source="subdistrict.name", read_only=True, default=None)
    squad = serializers.CharField(source="squad.name", read_only=True, default=None)

    class Meta:
        model = Merchant
        fields = [
            "id",
            "name",
            "credit_code",
            "operator_name",
            "id_number",
            "phone",
            "business_type",
            "address",
            "lon",
            "lat",
            "frontage_m",
            "status",
            "grid",
            "community",
            "subdistrict",
            "squad",
            "updated_at",
        ]

    def get_phone(self, m) -> str:
        return mask_phone(m.phone)

    def get_id_number(self, m) -> str:
        return mask_id_number(m.id_number)


class LinkedCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    state_name = serializers.CharField(source="get_state_display")
    category = serializers.CharField(source="category.name_zh")
    reported_at = serializers.DateTimeField()


class MerchantDetailSerializer(MerchantSerializer):
    """One merchant with the cases naming it that the caller may see (newest first, at most 50)."""

    cases = serializers.SerializerMethodField()
    repeat_offender = serializers.SerializerMethodField(
        help_text=f"一年内关联案件达 {selectors.REPEAT_OFFENDER_CASES} 件"
    )

    class Meta(MerchantSerializer.Meta):
        fields = [*MerchantSerializer.Meta.fields, "cases", "repeat_offender"]

    @extend_schema_field(LinkedCaseSerializer(many=True))
    def get_cases(self, m) -> list[dict]:
        cases = selectors.linked_cases(m, self.context["request"].user).select_related("category")[:50]
        return LinkedCaseSerializer(cases, many=True).data

    def get_repeat_offender(self, m) -> bool:
        return selectors.is_repeat_offender(m)


class MerchantPickSerializer(serializers.ModelSerializer):
    """What the picker on a case shows to tell two shops apart."""

    grid = serializers.CharField(source="grid.code", read_only=True, default=None)
    community = serializers.CharField(source="community.name", read_only=True, default=None)

    class Meta:
        model = Merchant
        fields = ["id", "name", "credit_code", "address", "grid", "community", "status"]


class CaseMerchantSerializer(MerchantPickSerializer):
    recent_cases = serializers.IntegerField(read_only=True, help_text="一年内关联案件数")
    repeat_offender = serializers.SerializerMethodField()

    class Meta(MerchantPickSerializer.Meta):
        fields = [*MerchantPickSerializer.Meta.fields, "recent_cases", "repeat_offender"]

    def get_repeat_offender(self, m) -> bool:
        return m.recent_cases >= selectors.REPEAT_OFFENDER_CASES


class CaseMerchantLinkSerializer(serializers.Serializer):
    """Pick the merchant by its id or by its unified social credit code, not both."""

    merchant = serializers.IntegerField(required=False, help_text="商户 id")
    credit_code = serializers.CharField(required=False, max_length=18, help_text="统一社会信用代码")

    def validate(self, attrs: dict) -> dict:
        if ("merchant" in attrs) == bool(attrs.get("credit_code")):
            raise serializers.ValidationError({"merchant": ["请给出商户 id 或统一社会信用代码（二选一）。"]})
        return attrs


class MerchantWriteSerializer(serializers.Serializer):
    """Input of create/update; the services validate the content (checksums, location)."""

    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=18)
    operator_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    business_type = serializers.ChoiceField(choices=BusinessType.choices, required=False)
    address = serializers.CharField(max_length=200)
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    crs = serializers.CharField(default="wgs84", help_text="wgs84 / gcj02 / bd09")
    frontage_m = serializers.DecimalField(max_digits=7, decimal_places=1, required=False)
    status = serializers.CharField(required=False, help_text=_choices(MerchantStatus.choices))


class LetterSerializer(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=_choices(LetterStatus.choices))
    sign_method = serializers.CharField(read_only=True, help_text=_choices(SignMethod.choices))

    class Meta:
        model = Letter
        fields = [
            "id",
            "merchant",
            "year",
            "number",
            "status",
            "term_start",
            "term_end",
            "issued_at",
            "signed_on",
            "signer_name",
            "sign_method",
            "officer",
            "refused_reason",
            "receipt_confirmed_at",
            "actions",
        ]

    def get_actions(self, letter) -> list[str]:
        return LETTER_MACHINE.available_actions(letter, self.context["request"].user)


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="queued / running / done / failed")

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "total",
            "done",
            "percent",
            "params",
            "result",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ImportJobSerializer(serializers.Serializer):
    file = serializers.FileField()


class LetterJobSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    # Blank is "not narrowed by this", as an HTML form sends an empty field.
    subdistrict = serializers.CharField(required=False, allow_blank=True)
    community = serializers.CharField(required=False, allow_blank=True)
    grid = serializers.CharField(required=False, allow_blank=True)
    only_not_issued = serializers.BooleanField(default=False)
    format = serializers.CharField(default="pdf", help_text="pdf：合并打印；zip：每户一个 PDF")

    def validate_format(self, value: str) -> str:
        if value not in ("pdf", "zip"):
            raise serializers.ValidationError("格式须为 pdf 或 zip")
        return value


READ_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema_view(
    list=extend_schema(responses={200: MerchantSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: MerchantSerializer, **READ_ERRORS}),
)
class MerchantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MerchantSerializer
    filterset_class = MerchantFilter

    def get_queryset(self):
        return selectors.merchants_visible_to(self.request.user).order_by("name", "id")

    @extend_schema(responses={200: MerchantDetailSerializer, **READ_ERRORS})
    def retrieve(self, request, pk=None):
        return Response(MerchantDetailSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(
        summary="为案件选择商户",
        parameters=[OpenApiParameter("q", str, description="名称中的字或统一社会信用代码的开头")],
        responses={200: MerchantPickSerializer(many=True), **error_responses(401)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def search(self, request):
        """Merchants of the caller's bureau, at most ten, for naming one on a case."""
        found = selectors.merchants_for_picker(request.user, request.query_params.get("q", ""))
        return Response(MerchantPickSerializer(found, many=True).data)

    @extend_schema(request=MerchantWriteSerializer, responses={201: MerchantSerializer, **WRITE_ERRORS})
    def create(self, request):
        s = MerchantWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        m = services.merchant_create(actor=request.user, **s.validated_data)
        return Response(MerchantSerializer(m).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MerchantWriteSerializer, responses={200: MerchantSerializer, **WRITE_ERRORS})
    def partial_update(self, request, pk=None):
        m = self.get_object()
        s = MerchantWriteSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        m = services.merchant_update(actor=request.user, merchant=m, **s.validated_data)
        return Response(MerchantSerializer(m).data)

    @extend_schema(
        operation_id="merchants_letters_of_merchant",
        responses={200: LetterSerializer(many=True), **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def letters(self, request, pk=None):
        m = self.get_object()
        return Response(LetterSerializer(m.letters.all(), many=True, context={"request": request}).data)


class CaseMerchants(APIView):
    """The merchants named on a case (涉及商户): list them, or name one more."""

    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="cases_merchants_list",
        summary="案件涉及的商户",
        responses={200: CaseMerchantSerializer(many=True), **READ_ERRORS},
        tags=["cases"],
    )
    def get(self, request, pk: int):
        case = selectors.case_for_linking(request.user, pk)
        return Response(CaseMerchantSerializer(selectors.merchants_of_case(case), many=True).data)

    @extend_schema(
        operation_id="cases_merchants_link",
        summary="为案件关联商户",
        description="按商户 id 或统一社会信用代码关联；重复关联不产生变化。返回关联后的商户列表。",
        request=CaseMerchantLinkSerializer,
        responses={200: CaseMerchantSerializer(many=True), **WRITE_ERRORS},
        tags=["cases"],
    )
    def post(self, request, pk: int):
        case = selectors.case_for_linking(request.user, pk)
        s = CaseMerchantLinkSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        merchant = selectors.merchant_to_link(
            merchant_id=s.validated_data.get("merchant"), credit_code=s.validated_data.get("credit_code", "")
        )
        services.merchant_link_case(actor=request.user, merchant=merchant, case=case)
        return Response(CaseMerchantSerializer(selectors.merchants_of_case(case), many=True).data)


class CaseMerchantUnlink(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="cases_merchants_unlink",
        summary="取消案件与商户的关联",
        responses={204: None, **WRITE_ERRORS},
        tags=["cases"],
    )
    def delete(self, request, pk: int, merchant_id: int):
        case = selectors.case_for_linking(request.user, pk)
        merchant = Merchant.objects.filter(pk=merchant_id).first()
        if merchant is None:
            raise NotFound("台账中没有这个商户。", code=MerchantError.NOT_FOUND)
        services.merchant_unlink_case(actor=request.user, merchant=merchant, case=case)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(responses={200: LetterSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: LetterSerializer, **READ_ERRORS}),
)
class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = LetterSerializer
    filterset_class = LetterFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        visible = selectors.merchants_visible_to(self.request.user).values("pk")
        return Letter.objects.filter(merchant__in=visible).order_by("-year", "seq")


def _visible_letter(request, pk: int) -> Letter:
    visible = selectors.merchants_visible_to(request.user).values("pk")
    return get_object_or_404(Letter.objects.filter(merchant__in=visible), pk=pk)


LETTER_ACTION_VIEWS = action_views(
    LETTER_MACHINE,
    get_object=_visible_letter,
    respond=lambda request, letter: Response(LetterSerializer(letter, context={"request": request}).data),
    response_serializer=LetterSerializer,
    operation_prefix="merchants_letters",
    tags=["merchants"],
)


@extend_schema_view(
    list=extend_schema(responses={200: JobSerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: JobSerializer, **READ_ERRORS}),
)
class MerchantJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Import jobs and letter jobs of the caller."""

    serializer_class = JobSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return Job.objects.filter(kind__in=[IMPORT_KIND, LETTERS_KIND], created_by=self.request.user)

    @extend_schema(
        request=ImportJobSerializer,
        responses={
            202: JobSerializer,
            **WRITE_ERRORS,
            415: error_response(
                415, "unsupported_media_type", "请求体无法解析：请以 multipart/form-data 上传文件。"
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="import")
    def start_import(self, request):
        s = ImportJobSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        can_run_bulk_work.refuse(request.user, action="导入商户台账")
        upload = s.validated_data["file"]
        name = default_storage.save(f"imports/{clock.today():%Y/%m}/{upload.name}", upload)
        job = jobs.job_start(
            actor=request.user, kind=IMPORT_KIND, params={"file": name, "filename": upload.name}
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=LetterJobSerializer, responses={202: JobSerializer, **WRITE_ERRORS})
    @action(detail=False, methods=["post"], url_path="letters")
    def start_letters(self, request):
        s = LetterJobSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        can_run_bulk_work.refuse(request.user, action="批量生成责任书")
        scope = {k: d[k] for k in ("subdistrict", "community", "grid") if d.get(k)}
        job = jobs.job_start(
            actor=request.user,
            kind=LETTERS_KIND,
            params={
                "year": d["year"],
                "scope": scope,
                "format": d["format"],
                "only_not_issued": d["only_not_issued"],
                "base_url": public_base_url(request),
            },
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
