"""REST API of the bureau's special-action figures: `/api/v1/stats/campaigns/` (stats.campaign_figures)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.core.api import error_responses
from chengguan.stats import campaign_figures
from chengguan.stats.evaluation_api import _EvaluationView, _parameters
from chengguan.stats.filters import parse


def _money():
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)


class BureauCampaignLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="campaign.pk")
    name = serializers.CharField(source="campaign.name")
    kind = serializers.CharField(source="campaign.kind.name")
    state = serializers.CharField(source="campaign.state")
    starts_on = serializers.DateField(source="campaign.starts_on")
    ends_on = serializers.DateField(source="campaign.ends_on")
    operations = serializers.IntegerField(help_text="联合行动次数")
    found = serializers.IntegerField(source="results.found", help_text="发现问题（关联案件数）")
    put_right = serializers.IntegerField(source="results.put_right", help_text="整改到位（已结案）")
    penalties = serializers.IntegerField(source="results.penalties", help_text="立案处罚")
    fines_imposed = serializers.DecimalField(
        source="results.fines_imposed", max_digits=14, decimal_places=2, coerce_to_string=False
    )
    fines_collected = serializers.DecimalField(
        source="results.fines_collected", max_digits=14, decimal_places=2, coerce_to_string=False
    )


class BureauCampaignFiguresSerializer(serializers.Serializer):
    start = serializers.DateField(source="first")
    end = serializers.DateField(source="last")
    held = serializers.IntegerField(help_text="期内开展的专项行动（已启动、未取消、行动期与本期相交）")
    closed = serializers.IntegerField(help_text="期内结束的专项行动")
    operations = serializers.IntegerField(help_text="这些行动的联合行动次数")
    found = serializers.IntegerField(help_text="发现问题（同一案件计入两个行动只计一次）")
    put_right = serializers.IntegerField(help_text="整改到位（已结案）")
    penalties = serializers.IntegerField(help_text="立案处罚")
    fines_imposed = _money()
    fines_collected = _money()
    campaigns = BureauCampaignLineSerializer(many=True, source="lines")


class CampaignFiguresView(_EvaluationView):
    @extend_schema(
        operation_id="stats_campaigns",
        summary="专项行动成效",
        description=(
            "一段时间（含首尾两天，北京时间）开展的专项行动及其成效：每个行动的数字即其自身页面的统计"
            "（由关联的案件和行政处罚案件实时计算），合计中同一案件只计一次。`level` 参数不适用。"
        ),
        parameters=[p for p in _parameters() if p.name != "level"],
        responses={200: BureauCampaignFiguresSerializer, **error_responses(400, 401, 403)},
        tags=["stats"],
    )
    def get(self, request: Request) -> Response:
        asked = parse(request.query_params)
        result = campaign_figures.for_actor(
            request.user, first=asked["first"], last=asked["last"], bureau=asked["bureau"]
        )
        return Response(BureauCampaignFiguresSerializer(result).data)
