"""Grid geometry: GeoJSON in WGS-84 lon/lat, validated before it is stored.

Areas are geodesic (on the WGS-84 ellipsoid via pyproj.Geod), so a 100 m × 100 m grid reports about
10,000 m² wherever it lies, without choosing a projection.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, shape

from chengguan.core.errors import ValidationFailed
from chengguan.grids.errors import GridError

GEOD = Geod(ellps="WGS84")
POLYGON_TYPES = ("Polygon", "MultiPolygon")


class GeometryInvalid(ValidationFailed):
    code = GridError.GEOMETRY_INVALID


def _fail(message: str, code: str = GridError.GEOMETRY_INVALID) -> GeometryInvalid:
    return GeometryInvalid(message, code=code, fields={"geometry": [message]})


def _check_ring(ring: Any, where: str) -> list[list[float]]:
    if not isinstance(ring, list | tuple) or len(ring) < 4:
        raise _fail(f"{where}至少需要 4 个坐标点（首尾相同）")
    points: list[list[float]] = []
    for pos in ring:
        if not isinstance(pos, list | tuple) or len(pos) < 2:
            raise _fail(f"{where}含有不是 [经度, 纬度] 的坐标")
        try:
            lon, lat = float(pos[0]), float(pos[1])
        except (TypeError, ValueError):
            raise _fail(f"{where}含有非数字坐标") from None
        if (
            isinstance(pos[0], bool)
            or isinstance(pos[1], bool)
            or not (math.isfinite(lon) and math.isfinite(lat))
        ):
            raise _fail(f"{where}含有非数字坐标")
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise _fail(
                f"{where}的坐标 ({lon}, {lat}) 超出经纬度范围（须为 WGS-84 经度、纬度）",
                GridError.GEOMETRY_RANGE,
            )
        points.append([lon, lat])
    if points[0] != points[-1]:
        raise _fail(f"{where}未闭合：首尾坐标必须相同", GridError.GEOMETRY_NOT_CLOSED)
    return points


def _check_polygon(rings: Any, where: str) -> list[list[list[float]]]:
    if not isinstance(rings, list | tuple) or not rings:
        raise _fail(f"{where}没有坐标环")
    return [_check_ring(ring, f"{where}第 {i + 1} 个环") for i, ring in enumerate(rings)]


def normalise_geojson(obj: Any) -> dict:
    """A clean GeoJSON geometry dict (lists of float pairs) or `ValidationFailed`.

    Accepts a geometry, a Feature or a JSON string of either. Rings are checked for closure here,
    because shapely would silently close an open ring.
    """
    if isinstance(obj, str):
        try:
            obj = json.loads(obj)
        except ValueError:
            raise _fail("几何不是合法的 GeoJSON 文本") from None
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        obj = obj.get("geometry")
    if not isinstance(obj, dict) or obj.get("type") not in POLYGON_TYPES:
        kind = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise _fail(f"网格几何须为 GeoJSON Polygon 或 MultiPolygon，收到 {kind}", GridError.GEOMETRY_TYPE)
    coords = obj.get("coordinates")
    if obj["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": _check_polygon(coords, "多边形")}
    if not isinstance(coords, list | tuple) or not coords:
        raise _fail("MultiPolygon 没有多边形")
    parts = [_check_polygon(part, f"第 {i + 1} 个多边形") for i, part in enumerate(coords)]
    return {"type": "MultiPolygon", "coordinates": parts}


def shape_from_geojson(obj: Any) -> Polygon | MultiPolygon:
    """The validated shapely geometry of a GeoJSON Polygon/MultiPolygon (WGS-84)."""
    geom = shape(normalise_geojson(obj))
    if geom.is_empty:
        raise _fail("网格几何为空", GridError.GEOMETRY_EMPTY)
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise _fail(f"网格几何无效（自相交或环嵌套错误）：{reason}")
    if geom.area == 0:
        raise _fail("网格几何面积为零", GridError.GEOMETRY_EMPTY)
    return geom


def area_m2(geom: Polygon | MultiPolygon) -> float:
    """Geodesic area on the WGS-84 ellipsoid, in square metres (orientation-independent)."""
    area, _perimeter = GEOD.geometry_area_perimeter(geom)
    return abs(area)


def grid_fields_from_geometry(geom: Polygon | MultiPolygon) -> dict[str, float]:
    """The derived columns of `Grid`: area, bounding box and a point guaranteed inside the grid.

    The "centroid" columns hold the centroid when it lies inside the grid and otherwise a
    representative point, so a marker placed there always falls in its own grid.
    """
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    centre = geom.centroid
    if not geom.covers(centre):
        centre = geom.representative_point()
    return {
        "area_m2": round(area_m2(geom), 2),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "centroid_lon": centre.x,
        "centroid_lat": centre.y,
    }


def geometry_digest(geojson: dict) -> str:
    """sha256 of the canonical JSON of a geometry; the audit trail stores this, not the polygon."""
    blob = json.dumps(geojson, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("ascii")).hexdigest()
