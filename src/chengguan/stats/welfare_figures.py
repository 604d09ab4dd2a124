"""The bureau's yearly help figures (帮扶) for the figures page and `/api/v1/stats/welfare/`: vendors
helped, goods given, referrals, follow-ups with an outcome, per hardship category. Counted by
`welfare.selectors.help_figures` (the welfare app owns the records and their meaning); here they are
only labelled and scoped to the reader's bureau. Counts only, never who (the hardship category is
sensitive personal information; these are totals, not a register)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chengguan.core import clock
from chengguan.core.api import error_responses
from chengguan.core.errors import ValidationFailed
from chengguan.org import selectors as org_selectors
from chengguan.stats.errors import FiguresError
from chengguan.stats.permissions import reads_indicators
from chengguan.welfare.models import Hardship, Vendor
from chengguan.welfare.permissions import can_see_hardship
from chengguan.welfare.selectors import help_figures

# The columns, in the order the page shows them.
COLUMNS = (
    ("vendors_helped", _("帮扶人数")),
    ("goods", _("物资帮扶（次）")),
    ("referrals", _("转介（次）")),
    ("follow_ups", _("跟踪回访（次）")),
    ("follow_ups_with_outcome", _("有结果的回访（次）")),
)
NO_CATEGORY = _("无困难类别或已撤回同意")


def yearly(bureau_id: int, year: int, *, by_hardship: bool = True) -> dict:
    """The figures of one bureau and year with the year's totals and, if `by_hardship`, a labelled
    row per hardship category."""
    raw = help_figures(bureau_id, year)
    labels = dict(Hardship.choices)
    rows = [{**row, "label": labels.get(row["hardship"], NO_CATEGORY)} for row in raw["by_hardship"]]
    return {
        "year": year,
        "by_hardship": by_hardship,
        "columns": COLUMNS,
        "rows": rows if by_hardship else [],
        "total": {key: raw[key] for key, _label in COLUMNS},
        "registered": raw["registered"],
        "hardship": raw["hardship"] if by_hardship else None,
    }


def for_reader(user, *, bureau_id: int | None = None, year: int | None = None) -> dict | None:
    """The figures for the evaluation page: the asked bureau (already checked by the evaluation's
    scope) or the reader's own; None when the reader has no bureau. The split by hardship category
    only for those who may see the hardship data (`welfare.see_hardship`): with few people in a
    category, a count comes close to saying who."""
    if bureau_id is None:
        bureau = org_selectors.bureau_of(user)
        bureau_id = bureau.pk if bureau is not None else None
    if bureau_id is None:
        return None
    sees = can_see_hardship(user, Vendor(bureau_id=bureau_id))
    return yearly(bureau_id, year or clock.today().year, by_hardship=sees)


# -- /api/v1/stats/welfare/ -------------------------------------------------------------------------


class _Counts(serializers.Serializer):
    vendors_helped = serializers.IntegerField(help_text="期内得到帮扶的摊贩人数")
    goods = serializers.IntegerField(help_text="物资帮扶次数")
    referrals = serializers.IntegerField(help_text="转介次数")
    follow_ups = serializers.IntegerField(help_text="跟踪回访次数")
    follow_ups_with_outcome = serializers.IntegerField(help_text="写明结果的回访次数")


class _HardshipRow(_Counts):
    hardship = serializers.CharField(help_text="困难类别代码；空为无困难类别或已撤回同意")
    label = serializers.CharField()


class WelfareFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    by_hardship = serializers.BooleanField(help_text="是否按困难类别分列（仅可查看困难情况的角色）")
    total = _Counts()
    rows = _HardshipRow(many=True, help_text="按困难类别分列；无权查看困难情况的角色为空")
    registered = serializers.IntegerField(help_text="名册中在册的摊贩")
    hardship = serializers.IntegerField(allow_null=True, help_text="其中登记了困难类别的；无权查看为 null")


class WelfareFiguresView(APIView):
    """The bureau's yearly help figures (the evaluation's readers; the reader's own bureau)."""

    @extend_schema(
        operation_id="stats_welfare_figures",
        summary="年度帮扶数据",
        tags=["stats"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=False, description="年份，缺省为今年")
        ],
        responses={200: WelfareFiguresSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        reads_indicators.refuse(request.user)
        raw = request.query_params.get("year") or str(clock.today().year)
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            raise ValidationFailed(
                "年份应为 2000–2100 的整数。", code=FiguresError.BAD_DATE, fields={"year": ["年份无效"]}
            )
        figures = for_reader(request.user, year=int(raw))
        if figures is None:
            raise ValidationFailed(str(FiguresError.BAD_BUREAU.label), code=FiguresError.BAD_BUREAU)
        return Response(WelfareFiguresSerializer(figures).data)
