"""The offline base map's streets: loaded as GeoJSON line features, read back by map view.

Intranet installations often have no tile server, and grid outlines on a blank background make a
pin guesswork. Streets (the demo's generated ones, or a bureau's road centrelines from its survey
office) are drawn under the grids instead; a configured tile server (`CHENGGUAN_TILE_URL`) replaces them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from chengguan.core import audit
from chengguan.core.errors import ValidationFailed
from chengguan.grids.errors import GridError
from chengguan.grids.filters import BBox
from chengguan.grids.models import Street, StreetKind
from chengguan.grids.permissions import can_maintain_grids

# The most lines one view answers: a whole district's streets are a few hundred.
MAX_STREETS = 5000


@dataclass
class StreetsLoaded:
    loaded: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (feature number, message)


def _line(feature: dict) -> tuple[str, str, list[list[float]]]:
    """Name, kind and the points of one feature, or ValueError naming what is wrong with it."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("不是 GeoJSON Feature")
    geometry = feature.get("geometry") or {}
    if geometry.get("type") != "LineString":
        raise ValueError("几何类型须为 LineString")
    points = geometry.get("coordinates") or []
    if len(points) < 2:
        raise ValueError("线至少要有两个点")
    for point in points:
        if (
            not isinstance(point, list | tuple)
            or len(point) < 2
            or not (-180 <= float(point[0]) <= 180 and -90 <= float(point[1]) <= 90)
        ):
            raise ValueError("坐标须为 WGS-84 经纬度")
    props = feature.get("properties") or {}
    kind = props.get("kind") or StreetKind.MINOR
    if kind not in StreetKind.values:
        raise ValueError("kind 须为 major 或 minor")
    return str(props.get("name") or "")[:50], kind, [[float(p[0]), float(p[1])] for p in points]


def streets_load(*, actor, features: Iterable[dict], replace: bool = True) -> StreetsLoaded:
    """Load street lines (replacing the ones there by default). Bad features are reported by their
    number and skipped; the good ones load."""
    can_maintain_grids.refuse(actor, None)
    result = StreetsLoaded()
    rows = []
    for number, feature in enumerate(features, start=1):
        try:
            name, kind, points = _line(feature)
        except (ValueError, TypeError) as exc:
            result.problems.append((number, str(exc)))
            continue
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        rows.append(
            Street(
                name=name,
                kind=kind,
                geometry={"type": "LineString", "coordinates": points},
                min_lon=min(lons),
                min_lat=min(lats),
                max_lon=max(lons),
                max_lat=max(lats),
            )
        )
    if not rows and result.problems:
        message = "没有可载入的道路：" + "；".join(f"第 {n} 条：{m}" for n, m in result.problems[:5])
        raise ValidationFailed(message, code=GridError.BAD_STREETS, fields={"features": [message]})
    with transaction.atomic():
        removed = Street.objects.count() if replace else 0
        if replace:
            Street.objects.all().delete()
        Street.objects.bulk_create(rows, batch_size=500)
        result.loaded = len(rows)
        audit.record(
            actor=actor,
            action="grids.streets_loaded",
            obj=("grids.streets", "all"),
            before={"streets": removed} if replace else {},
            after={"loaded": result.loaded, "skipped": len(result.problems), "replace": replace},
        )
    return result


def streets_in(bbox: BBox, *, minor: bool) -> QuerySet[Street]:
    """The streets meeting `bbox`: the main roads only unless `minor` (zoomed in far enough)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    qs = Street.objects.filter(
        min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
    )
    if not minor:
        qs = qs.filter(kind=StreetKind.MAJOR)
    return qs.order_by("kind", "pk")
