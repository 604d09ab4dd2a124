"""REST API of the published reports and the appeals: `/api/v1/stats/reports/` (list, detail,
publish) and `/api/v1/stats/appeals/` (list, detail, file, and the kernel's approve/reject/withdraw)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.core.api import ScopedViewSet, error_responses, validated
from chengguan.core.errors import NotFound
from chengguan.core.filters import MAX_ID
from chengguan.core.workflow.api import action_views
from chengguan.org import selectors as org_selectors
from chengguan.stats import appeals, reports
from chengguan.stats.appeals import APPEAL_MACHINE
from chengguan.stats.errors import ReportError
from chengguan.stats.models import Appeal, AppealState, PublishedReport, ReportKind
from chengguan.stats.permissions import reads_reports

TAG = "stats"


@extend_schema_field(
    {
        "type": "object",
        "description": "冻结的数字：levels（bureau/subdistrict/community/unit 各行的 values、points、"
        "deductions、score、rank）、indicators（定义）、weights、deductions、public（本局公开数字）、"
        "case_counts（所计案件的计数项）",
        "additionalProperties": True,
    }
)
class FrozenDataField(serializers.JSONField):
    pass


class ReportSerializer(serializers.ModelSerializer):
    bureau_code = serializers.CharField(source="bureau.code", read_only=True)
    published_by = serializers.CharField(source="published_by.username", read_only=True)

    class Meta:
        model = PublishedReport
        fields = (
            "id",
            "bureau",
            "bureau_code",
            "kind",
            "label",
            "first",
            "last",
            "version",
            "rule_version",
            "weights_version",
            "as_of",
            "published_by",
            "published_at",
            "reason",
            "derived_from",
            "excluded_cases",
        )
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    data = FrozenDataField(read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = (*ReportSerializer.Meta.fields, "data")
        read_only_fields = fields


class PublishSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=10, help_text="月报 2026-11，季报 2026-Q4，年报 2026")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AppealSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = (
            "id",
            "report",
            "case",
            "case_number",
            "unit",
            "reason",
            "state",
            "filed_by",
            "filed_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "result",
            "available_actions",
        )
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=APPEAL_MACHINE.actions.choices))
    )
    def get_available_actions(self, appeal: Appeal) -> list[str]:
        request = self.context.get("request")
        return APPEAL_MACHINE.available_actions(appeal, request.user) if request else []


class AppealCreateSerializer(serializers.Serializer):
    report = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="通报版本的编号（本期最新版本）"
    )
    case = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="该版本所计的案件编号（id）")
    reason = serializers.CharField(max_length=2000)


@extend_schema_view(
    list=extend_schema(
        summary="综合评价通报（各版本）",
        parameters=[OpenApiParameter("kind", str, enum=ReportKind.values, description="类型")],
        responses={200: ReportSerializer(many=True), **error_responses(401, 403)},
    ),
    retrieve=extend_schema(
        summary="一个版本的通报（冻结的数字）",
        responses={200: ReportDetailSerializer, **error_responses(401, 403, 404)},
    ),
)
@extend_schema(tags=[TAG])
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Published reports: every version stays readable."""

    serializer_class = ReportSerializer
    queryset = PublishedReport.objects.none()
    parser_classes = (JSONParser,)
    filter_backends = ()

    def visible(self, request):
        reads_reports.refuse(request.user)
        qs = reports.visible_reports(request.user).order_by("-first", "kind", "-version")
        kind = request.query_params.get("kind", "")
        return qs.filter(kind=kind) if kind in ReportKind.values else qs

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    @extend_schema(
        operation_id="stats_reports_publish",
        summary="发布（或重新发布）一期通报",
        description="计算并冻结本局该期的数字，生成新版本（旧版本保留）；经核减的案件在新版本中仍不计入。"
        "权限：`stats.publish_reports`。",
        request=PublishSerializer,
        responses={201: ReportDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request) -> Response:
        d = validated(PublishSerializer, request.data)
        bureau = org_selectors.bureau_of(request.user)
        report = reports.publish(actor=request.user, bureau=bureau, period=d["period"], reason=d["reason"])
        return Response(ReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="评价申诉（考评人员：本局全部；处置单位：本单位的）",
        parameters=[OpenApiParameter("state", str, enum=AppealState.values, description="状态")],
        responses={200: AppealSerializer(many=True), **error_responses(401)},
    ),
    retrieve=extend_schema(
        summary="一件申诉", responses={200: AppealSerializer, **error_responses(401, 404)}
    ),
)
@extend_schema(tags=[TAG])
class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Appeals (申诉/核减) against counted cases of a report version."""

    serializer_class = AppealSerializer
    queryset = Appeal.objects.none()
    parser_classes = (JSONParser,)
    filter_backends = ()

    def visible(self, request):
        qs = appeals.appeals_visible_to(request.user)
        state = request.query_params.get("state", "")
        return qs.filter(state=state) if state in AppealState.values else qs

    @extend_schema(
        operation_id="stats_appeals_file",
        summary="对通报所计的一件案件提出申诉",
        description="处置单位对本期最新版本中计入本单位的案件申诉，须说明理由。权限：`stats.file_appeal`。"
        "未计入或已核减 409 `appeal.not_counted`；已有待审核的申诉 409 `appeal.duplicate`；"
        "不是最新版本 409 `appeal.superseded`。",
        request=AppealCreateSerializer,
        responses={201: AppealSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def create(self, request: Request) -> Response:
        d = validated(AppealCreateSerializer, request.data)
        report = reports.visible_reports(request.user).filter(pk=d["report"]).first()
        if report is None:
            raise NotFound(str(ReportError.NOT_FOUND.label), code=ReportError.NOT_FOUND)
        appeal = appeals.file(actor=request.user, report=report, case_id=d["case"], reason=d["reason"])
        return Response(
            AppealSerializer(appeal, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _appeal_in_scope(request, pk: int):
    return get_object_or_404(appeals.appeals_visible_to(request.user), pk=pk)


APPEAL_ACTION_VIEWS = action_views(
    APPEAL_MACHINE,
    get_object=_appeal_in_scope,
    respond=lambda request, obj: Response(AppealSerializer(obj, context={"request": request}).data),
    response_serializer=AppealSerializer,
    operation_prefix="stats_appeals",
    tags=[TAG],
)

__all__ = ["APPEAL_ACTION_VIEWS", "AppealViewSet", "ReportViewSet"]
