"""REST API of the published figures (`/api/v1/figures/`), computed by `stats.figures`."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core import clock
from chengguan.core.api import error_responses
from chengguan.core.errors import ValidationFailed
from chengguan.org.permissions import compares_bureaus
from chengguan.stats import figures, selectors
from chengguan.stats.errors import FiguresError


class FigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="0–1；无可统计的件数时为 null")


class FiguresSerializer(serializers.Serializer):
    start = serializers.DateField(source="first")
    end = serializers.DateField(source="last")
    reports = serializers.IntegerField(help_text="期内受理的公众来源案件数（不含恶意/无效举报）")
    figures = FigureSerializer(many=True)


def _date_param(request: Request, name: str, default: dt.date) -> dt.date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            "日期格式应为 YYYY-MM-DD。",
            code=FiguresError.BAD_DATE,
            fields={name: ["日期格式应为 YYYY-MM-DD。"]},
        ) from None


def period_asked(request: Request) -> tuple[dt.date, dt.date]:
    """The inclusive dates `from` and `to` of the query (default: this month to date)."""
    today = clock.today()
    first = _date_param(request, "from", today.replace(day=1))
    last = _date_param(request, "to", today)
    if last < first:
        raise ValidationFailed(
            "截止日不能早于起始日。", code=FiguresError.BAD_PERIOD, fields={"to": ["不能早于起始日"]}
        )
    return first, last


_PERIOD = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=False, description="起始日（含）"),
    OpenApiParameter("to", OpenApiTypes.DATE, required=False, description="截止日（含）"),
]


class FiguresView(APIView):
    """Public: the same figures the portal home shows and `chengguan kpi` prints."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="figures",
        summary="公开统计指标",
        description=(
            "一段时间（含首尾两天，北京时间）的反馈率、满意率、按时答复率，以及期内受理量和按时派遣率。"
            "定义见 `chengguan.stats.figures` 各函数说明；恶意/无效举报不计入任何指标。缺省为本月。"
        ),
        parameters=_PERIOD,
        responses={200: FiguresSerializer, **error_responses(400)},
        tags=["figures"],
    )
    def get(self, request: Request) -> Response:
        first, last = period_asked(request)
        start, end = clock.period_bounds(first, last)
        rows = [{**f.as_dict(), "label": figures.LABELS[f.name]} for f in figures.all_figures(start, end)]
        body = {"first": first, "last": last, "reports": figures.reports_between(start, end), "figures": rows}
        return Response(FiguresSerializer(body).data)


class BureauRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    code = serializers.CharField()


class BureauFiguresSerializer(serializers.Serializer):
    bureau = BureauRefSerializer()
    reports = serializers.IntegerField(help_text="期内受理的公众来源案件数")
    open_cases = serializers.IntegerField(help_text="现在未办结的案件数")
    overdue_cases = serializers.IntegerField(help_text="其中本环节已超时的件数")
    figures = serializers.SerializerMethodField()

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, row) -> list[dict]:
        return [{**f.as_dict(), "label": figures.LABELS[f.name]} for f in row.figures]


class BureauComparisonSerializer(serializers.Serializer):
    start = serializers.DateField(source="first")
    end = serializers.DateField(source="last")
    bureaus = BureauFiguresSerializer(many=True)


class BureauComparisonView(APIView):
    """A city leader's comparison of the bureaus of their city (a superuser's: every bureau)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        operation_id="figures_bureaus",
        summary="各区城管局指标对比",
        description=(
            "市级领导查看本市各区城管局同一时段的指标（定义与公开统计指标相同）以及现在未办结、已超时的案件数。"
            "其他角色返回 403。"
        ),
        parameters=_PERIOD,
        responses={200: BureauComparisonSerializer, **error_responses(400, 401, 403)},
        tags=["figures"],
    )
    def get(self, request: Request) -> Response:
        compares_bureaus.refuse(request.user)
        first, last = period_asked(request)
        start, end = clock.period_bounds(first, last)
        rows = selectors.bureau_comparison(request.user, start, end)
        body = {"first": first, "last": last, "bureaus": rows}
        return Response(BureauComparisonSerializer(body).data)
