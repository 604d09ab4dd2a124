"""REST API of the grids app: unit grids as GeoJSON, and point → grid lookup.

Grids are answered as a GeoJSON FeatureCollection (RFC 7946) rather than the paginated envelope,
because map clients load them straight into a layer; a hard cap keeps one response bounded.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from shapely.geometry import box, shape

from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.core.coords import CRS_CHOICES, to_wgs84
from chengguan.core.errors import NotFound
from chengguan.grids import selectors
from chengguan.grids.errors import GridError
from chengguan.grids.filters import GridFilter
from chengguan.grids.index import current_version
from chengguan.grids.models import Grid

# The most features one response carries; a client asking for more gets `truncated: true` and
# should narrow the request (bbox, sub-district, community).
MAX_FEATURES = 5000
# How long a compressed outline answer is kept (a grid-set change makes a new key at once).
OUTLINES_KEPT_SECONDS = 600

OUTSIDE_MESSAGE = "该位置不在本辖区范围内。"

# ---------------------------------------------------------------------------------------------
# Serializers (they describe the bodies; features are built as plain dicts for speed)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class SquadRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GridPropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="网格编码")
    name = serializers.CharField()
    subdistrict = UnitRefSerializer()
    community = UnitRefSerializer()
    squad = SquadRefSerializer(allow_null=True)
    area_m2 = serializers.FloatField(help_text="面积（平方米）")
    inspectors = serializers.ListField(child=serializers.CharField(), help_text="监督员姓名")


class GeometrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Polygon", "MultiPolygon"])
    coordinates = serializers.JSONField(help_text="WGS-84 经纬度")


class GridFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField(help_text="网格编码")
    geometry = GeometrySerializer()
    properties = GridPropertiesSerializer()


class GridFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = GridFeatureSerializer(many=True)
    count = serializers.IntegerField(help_text="本次返回的网格数")
    truncated = serializers.BooleanField(help_text="为 true 时还有更多网格，请缩小范围")
    limit = serializers.IntegerField(help_text="本次返回的上限")


class OutlinePropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="网格编码")
    subdistrict = serializers.IntegerField(help_text="街道办事处 id（地图按街道着色）")


class GridOutlineSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField(help_text="网格编码")
    geometry = GeometrySerializer()
    properties = OutlinePropertiesSerializer()


class GridOutlineCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = GridOutlineSerializer(many=True)
    count = serializers.IntegerField(help_text="本次返回的网格数")
    truncated = serializers.BooleanField(help_text="为 true 时还有更多网格，请缩小范围")
    limit = serializers.IntegerField(help_text="本次返回的上限")


class LocateQuerySerializer(serializers.Serializer):
    lon = serializers.FloatField(
        help_text="经度",
        error_messages={
            "required": "请提供经度 lon。",
            "invalid": "经度必须是数字。",
            "null": "请提供经度 lon。",
        },
    )
    lat = serializers.FloatField(
        help_text="纬度",
        error_messages={
            "required": "请提供纬度 lat。",
            "invalid": "纬度必须是数字。",
            "null": "请提供纬度 lat。",
        },
    )
    crs = serializers.ChoiceField(
        choices=CRS_CHOICES,
        default="wgs84",
        help_text="输入坐标系：wgs84（GPS）、gcj02（高德、腾讯、微信）、bd09（百度）",
        error_messages={"invalid_choice": "不支持的坐标系“{input}”，可选 wgs84、gcj02、bd09。"},
    )

    def validate_lon(self, value: float) -> float:
        if not (math.isfinite(value) and -180 <= value <= 180):
            raise serializers.ValidationError("经度必须是 -180 到 180 之间的数字。")
        return value

    def validate_lat(self, value: float) -> float:
        if not (math.isfinite(value) and -90 <= value <= 90):
            raise serializers.ValidationError("纬度必须是 -90 到 90 之间的数字。")
        return value


class PointSerializer(serializers.Serializer):
    lon = serializers.FloatField()
    lat = serializers.FloatField()


class LocatedGridSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    area_m2 = serializers.FloatField()


class LocateResultSerializer(serializers.Serializer):
    grid = LocatedGridSerializer()
    community = UnitRefSerializer()
    subdistrict = UnitRefSerializer()
    squad = SquadRefSerializer(allow_null=True)
    wgs84 = PointSerializer(help_text="换算为 WGS-84 后的位置")
    crs = serializers.CharField(help_text="输入坐标系")


# ---------------------------------------------------------------------------------------------
# Building features


def _unit(org) -> dict:
    return {"id": org.pk, "code": org.code, "name": org.name}


def _squad(org) -> dict | None:
    return {"id": org.pk, "name": org.name} if org is not None else None


def _person_name(user) -> str:
    try:
        return user.profile.full_name or user.get_username()
    except ObjectDoesNotExist:
        return user.get_username()


def grid_feature(grid: Grid) -> dict:
    """One grid as a GeoJSON Feature (expects units selected and inspectors prefetched)."""
    return {
        "type": "Feature",
        "id": grid.code,
        "geometry": grid.geometry,
        "properties": {
            "id": grid.pk,
            "code": grid.code,
            "name": grid.name,
            "subdistrict": _unit(grid.subdistrict),
            "community": _unit(grid.community),
            "squad": _squad(grid.squad),
            "area_m2": grid.area_m2,
            "inspectors": [_person_name(user) for user in grid.inspectors.all()],
        },
    }


def _with_inspectors(queryset):
    inspectors = get_user_model().objects.select_related("profile").order_by("username")
    return queryset.select_related("subdistrict", "community", "squad").prefetch_related(
        Prefetch("inspectors", queryset=inspectors)
    )


# ---------------------------------------------------------------------------------------------
# Views

_LIMIT_PARAMETER = OpenApiParameter(
    "limit",
    OpenApiTypes.INT,
    description=f"最多返回的网格数（1–{MAX_FEATURES}，默认 {MAX_FEATURES}）",
)

_BBOX_PARAMETER = OpenApiParameter(
    "bbox",
    OpenApiTypes.STR,
    description="WGS-84 范围 `min_lon,min_lat,max_lon,max_lat`：只返回与该范围相交的网格",
    examples=[OpenApiExample("中原区一角", value="113.60,34.74,113.63,34.76")],
)


class GridList(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    filterset_class = GridFilter
    serializer_class = GridFeatureCollectionSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.grids_visible_to(self.request.user)

    def _limit(self) -> int:
        raw = self.request.query_params.get("limit")
        if raw in (None, ""):
            return MAX_FEATURES
        try:
            limit = int(raw)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_FEATURES:
            raise ValidationError({"limit": [f"limit 必须是 1 到 {MAX_FEATURES} 之间的整数。"]})
        return limit

    @extend_schema(
        operation_id="grids_list",
        summary="单元网格（GeoJSON）",
        description=(
            "调用者负责的单元网格，GeoJSON FeatureCollection（WGS-84）。"
            f"每次最多 {MAX_FEATURES} 个，超出时 `truncated` 为 true。"
            "`bbox` 只返回与范围相交的网格。"
        ),
        filters=True,
        parameters=[_BBOX_PARAMETER, _LIMIT_PARAMETER],
        responses={200: GridFeatureCollectionSerializer, **error_responses(400, 401)},
        tags=["grids"],
    )
    def get(self, request: Request) -> Response:
        return self.collection(request, lambda qs: _with_inspectors(qs), grid_feature)

    def collection(self, request: Request, narrow, feature, *, exact: bool = True) -> Response:
        limit = self._limit()
        filterset = GridFilter(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        bbox = filterset.form.cleaned_data.get("bbox")
        rows = list(narrow(filterset.qs)[: limit + 1])
        truncated = len(rows) > limit
        rows = rows[:limit]
        if bbox is not None and exact:
            # Stored bounding boxes only narrow the search; keep the grids whose shape meets the box.
            window = box(*bbox)
            rows = [grid for grid in rows if window.intersects(shape(grid.geometry))]
        features = [feature(grid) for grid in rows]
        return Response(
            {
                "type": "FeatureCollection",
                "features": features,
                "count": len(features),
                "truncated": truncated,
                "limit": limit,
            }
        )


def outline_feature(grid: Grid) -> dict:
    """A grid as the map draws it: its shape, code and sub-district; the rest on a click."""
    return {
        "type": "Feature",
        "id": grid.code,
        "geometry": grid.geometry,
        "properties": {"id": grid.pk, "code": grid.code, "subdistrict": grid.subdistrict_id},
    }


class GridOutlineList(GridList):
    """The grid map's layer: the same grids and filters as `grids/`, without the people and names
    (a district's 2,400 grids in full are 1.3 MB; their outlines, compressed, a few dozen KB)."""

    serializer_class = GridOutlineCollectionSerializer

    @extend_schema(
        operation_id="grid_outlines_list",
        summary="单元网格轮廓（GeoJSON，地图用）",
        description=(
            "与 `grids/` 相同的网格和筛选条件，只含编码、街道和形状，供地图绘制；"
            "网格详情按编码另取（`grids/{code}/`）。响应按 gzip 压缩。"
        ),
        filters=True,
        parameters=[_BBOX_PARAMETER, _LIMIT_PARAMETER],
        responses={200: GridOutlineCollectionSerializer, **error_responses(400, 401)},
        tags=["grids"],
    )
    def get(self, request: Request) -> HttpResponse:
        # The map asks the same view box on every visit: its compressed answer is kept until the grid
        # set changes. The key holds the viewer's scope as its SQL, so no one gets another's grids.
        scope = hashlib.sha256(str(self.get_queryset().query).encode()).hexdigest()
        asked = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()
        key = f"grids:outlines:{current_version()}:{scope}:{asked}"
        packed = cache.get(key)
        if packed is None:
            body = self.collection(
                request,
                lambda qs: qs.select_related(None).only("pk", "code", "subdistrict_id", "geometry"),
                outline_feature,
                exact=False,  # the bounding boxes suffice to draw: a grid just outside the view costs nothing
            ).data
            packed = gzip.compress(json.dumps(body, separators=(",", ":")).encode(), compresslevel=6)
            cache.set(key, packed, OUTLINES_KEPT_SECONDS)
        return _json_answer(request, packed)


def _json_answer(request: Request, packed: bytes) -> HttpResponse:
    """A gzip-compressed JSON body, sent as it is to a client that accepts gzip, unpacked otherwise."""
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    body = packed if accepts_gzip else gzip.decompress(packed)
    response = HttpResponse(body, content_type="application/json")
    if accepts_gzip:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding, Cookie, Authorization"
    return response


class GridDetail(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = GridFeatureSerializer
    lookup_field = "code"

    def get_queryset(self):
        return _with_inspectors(selectors.grids_visible_to(self.request.user))

    @extend_schema(
        operation_id="grids_retrieve",
        summary="单个单元网格（GeoJSON Feature）",
        responses={200: GridFeatureSerializer, **error_responses(401, 404)},
        tags=["grids"],
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(grid_feature(self.get_object()))


class LocateView(APIView):
    authentication_classes = API_AUTHENTICATION

    @extend_schema(
        operation_id="locate",
        summary="坐标定位网格",
        description="给出一个位置，返回它所在的单元网格及其社区、街道和责任中队。边界上的点归编码最小的网格。",
        parameters=[LocateQuerySerializer],
        responses={
            200: LocateResultSerializer,
            400: error_response(400),
            401: error_response(401),
            404: error_response(404, "grids.outside_jurisdiction", OUTSIDE_MESSAGE),
        },
        examples=[
            OpenApiExample(
                "located",
                response_only=True,
                status_codes=["200"],
                value={
                    "grid": {"id": 1, "code": "41010200100101", "name": "", "area_m2": 10000.0},
                    "community": {"id": 3, "code": "001", "name": "某某社区"},
                    "subdistrict": {"id": 2, "code": "001", "name": "某某街道办事处"},
                    "squad": {"id": 4, "name": "第一执法中队"},
                    "wgs84": {"lon": 113.62, "lat": 34.75},
                    "crs": "gcj02",
                },
            )
        ],
        tags=["grids"],
    )
    def get(self, request: Request) -> Response:
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        lon, lat, crs = query.validated_data["lon"], query.validated_data["lat"], query.validated_data["crs"]
        wlon, wlat = to_wgs84(lon, lat, crs)
        grid = selectors.locate_point(wlon, wlat, "wgs84")
        if grid is None:
            raise NotFound(OUTSIDE_MESSAGE, code=GridError.OUTSIDE_JURISDICTION)
        body = {
            "grid": {"id": grid.pk, "code": grid.code, "name": grid.name, "area_m2": grid.area_m2},
            "community": _unit(grid.community),
            "subdistrict": _unit(grid.subdistrict),
            "squad": _squad(grid.squad),
            "wgs84": {"lon": wlon, "lat": wlat},
            "crs": crs,
        }
        return Response(body)
