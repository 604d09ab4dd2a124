"""REST API of the evaluation (综合评价): `/api/v1/stats/indicators/` and `/api/v1/stats/scores/`."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.cases.models import Case
from chengguan.core.api import error_responses
from chengguan.core.filters import MAX_ID, FilterBackend
from chengguan.stats import selectors
from chengguan.stats.filters import LEVEL_CHOICES, IndicatorQuery, parse
from chengguan.stats.rules import default_rules


def _values_schema() -> dict:
    rules = default_rules()
    properties = {}
    posts = [i for post in rules.post_indicators.values() for i in post]
    for i in rules.indicators + rules.staff_indicators + tuple(posts):
        if i.is_rate:
            kind = {"type": "number", "nullable": True, "minimum": 0, "maximum": 1}
        elif i.sum:
            kind = {"type": "number"}
        else:
            kind = {"type": "integer", "minimum": 0}
        properties.setdefault(i.key, {**kind, "description": i.name})
    return {"type": "object", "properties": properties, "additionalProperties": True}


@extend_schema_field(_values_schema())
class ValuesField(serializers.Field):
    """The indicators of one row by key: counts, sums in yuan, rates in [0, 1] or null."""

    def to_representation(self, value):
        return value


class IndicatorRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="组织或网格的编码，或监督员的登录名")
    name = serializers.CharField()
    values = ValuesField()


class IndicatorsSerializer(serializers.Serializer):
    rule_version = serializers.CharField(help_text="计算所用的指标规则版本")
    level = serializers.CharField()
    start = serializers.DateField(source="first")
    end = serializers.DateField(source="last")
    rows = IndicatorRowSerializer(many=True)


class WeightSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    weight = serializers.FloatField()
    invert = serializers.BooleanField(help_text="按 1 − 比率 计分")


class ScoreRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    key = serializers.CharField(source="row.key")
    name = serializers.CharField(source="row.name")
    points = serializers.FloatField(help_text="加权得分（扣分前）")
    deductions = serializers.DictField(child=serializers.FloatField(), help_text="扣分项：扣分")
    score = serializers.FloatField(help_text="综合得分")


class ScoresSerializer(serializers.Serializer):
    rule_version = serializers.CharField()
    level = serializers.CharField()
    start = serializers.DateField(source="first")
    end = serializers.DateField(source="last")
    weights = WeightSerializer(many=True)
    rows = ScoreRowSerializer(many=True)


def _parameters() -> list[OpenApiParameter]:
    """The query parameters, as `IndicatorQuery` (the FilterSet that parses them) declares them: a GET
    that is not a list gets no parameters from the filter backend, so they are spelled out here."""
    described = {name: f.extra.get("help_text", "") for name, f in IndicatorQuery.base_filters.items()}
    return [
        OpenApiParameter("from", OpenApiTypes.DATE, description=described["from"]),
        OpenApiParameter("to", OpenApiTypes.DATE, description=described["to"]),
        OpenApiParameter("level", str, enum=[c for c, _l in LEVEL_CHOICES], description=described["level"]),
        OpenApiParameter(
            "bureau", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description=described["bureau"]
        ),
    ]


class _EvaluationView(GenericAPIView):
    permission_classes = (IsAuthenticated,)
    queryset = Case.objects.none()  # the parameters' FilterSet needs a model to describe itself
    filter_backends = (FilterBackend,)
    filterset_class = IndicatorQuery
    pagination_class = None


class IndicatorsView(_EvaluationView):
    @extend_schema(
        operation_id="stats_indicators",
        summary="综合评价指标",
        description=(
            "一段时间（含首尾两天，北京时间）各层级（局、街道、社区、网格、处置单位、监督员）的评价指标。"
            "案件指标的口径为期内立案的案件（不含恶意/无效举报、作废、合并），"
            "定义见 `stats/data/indicators.yaml`；"
            "分母为 0 的比率为 null。只统计本人可查看的案件。"
        ),
        parameters=_parameters(),
        responses={200: IndicatorsSerializer, **error_responses(400, 401, 403)},
        tags=["stats"],
    )
    def get(self, request: Request) -> Response:
        result = selectors.evaluation(request.user, **parse(request.query_params))
        return Response(IndicatorsSerializer(result).data)


class ScoresView(_EvaluationView):
    @extend_schema(
        operation_id="stats_scores",
        summary="综合得分与排名",
        description=(
            "同一时段、同一层级的综合得分（各比率按本局权重加权，减去扣分项，如督察风纪问题每起扣5分）与排名。"
        ),
        parameters=_parameters(),
        responses={200: ScoresSerializer, **error_responses(400, 401, 403)},
        tags=["stats"],
    )
    def get(self, request: Request) -> Response:
        result = selectors.evaluation(request.user, scored=True, **parse(request.query_params))
        return Response(ScoresSerializer(result).data)
