"""Reads of unit grids: which grid holds a point, which grids lie in a box, which an actor may see."""

from __future__ import annotations

import math

from django.db.models import Max, Min, Q, QuerySet

from chengguan.core.coords import CRS_CHOICES, to_wgs84
from chengguan.core.errors import ValidationFailed
from chengguan.grids.errors import GridError
from chengguan.grids.index import GridUnits, get_index
from chengguan.grids.models import Grid
from chengguan.grids.permissions import sees_bureau_grids
from chengguan.org import selectors as org_selectors
from chengguan.org.models import OrgKind


def _with_units(qs: QuerySet[Grid]) -> QuerySet[Grid]:
    return qs.select_related("subdistrict", "community", "squad")


def locate_wgs84(lon: float, lat: float, crs: str = "wgs84") -> tuple[float, float]:
    """The WGS-84 position of an input coordinate, refusing unknown systems and non-numbers."""
    if crs not in CRS_CHOICES:
        raise ValidationFailed(
            f"不支持的坐标系“{crs}”，可选：{', '.join(CRS_CHOICES)}",
            code=GridError.UNKNOWN_CRS,
            fields={"crs": ["不支持"]},
        )
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValidationFailed(
            "经纬度必须是数字", code=GridError.BAD_COORDINATE, fields={"lon": ["须为数字"]}
        ) from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationFailed("经纬度超出范围", code=GridError.BAD_COORDINATE, fields={"lon": ["超出范围"]})
    return to_wgs84(lon, lat, crs)


def locate_point(lon: float, lat: float, crs: str = "wgs84") -> Grid | None:
    """The grid containing the point (given in `crs`), or None outside the jurisdiction.

    A point on a border shared by several grids belongs to the one with the smallest code.
    """
    wlon, wlat = locate_wgs84(lon, lat, crs)
    grid_id = get_index().locate(wlon, wlat)
    if grid_id is None:
        return None
    return _with_units(Grid.objects.filter(pk=grid_id)).first()


def locate_units(lon: float, lat: float, crs: str = "wgs84") -> GridUnits | None:
    """Like `locate_point`, but the grid's id, code and responsible units straight from the cached
    index, without a query: what case intake needs, on its hot path."""
    wlon, wlat = locate_wgs84(lon, lat, crs)
    index = get_index()
    grid_id = index.locate(wlon, wlat)
    return None if grid_id is None else index.units[grid_id]


def grids_in_bbox(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> QuerySet[Grid]:
    """Grids whose bounding box meets the given box (WGS-84), e.g. the part of the map on screen."""
    return _with_units(
        Grid.objects.filter(
            min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat
        )
    )


def grids_visible_to(actor) -> QuerySet[Grid]:
    """The grids an actor works with.

    Leader/admin and the command centre (operators, dispatchers, shift leaders, who route cases
    anywhere in the district): every grid of their bureau. Staff of a squad, sub-district or
    community: the grids that unit is responsible for (the bureau's own staff see the whole bureau
    through its subtree). Inspectors also see the grids they are assigned to. Superusers and the
    installation's system account see all.
    """
    if org_selectors.sees_everything(actor):
        return _with_units(Grid.objects.all())
    if not getattr(actor, "is_authenticated", False):
        return Grid.objects.none()
    assigned = Q(pk__in=Grid.inspectors.through.objects.filter(user_id=actor.pk).values("grid_id"))
    if sees_bureau_grids(actor):
        bureau = org_selectors.bureau_of(actor)
        if bureau is not None:
            return _with_units(Grid.objects.filter(Q(community__bureau=bureau) | assigned))
    unit_ids = (
        org_selectors.visible_organisations(actor)
        .filter(kind__in=[OrgKind.SQUAD, OrgKind.SUBDISTRICT, OrgKind.COMMUNITY])
        .values("pk")
    )
    by_unit = Q(community__in=unit_ids) | Q(subdistrict__in=unit_ids) | Q(squad__in=unit_ids)
    return _with_units(Grid.objects.filter(by_unit | assigned))


def visible_extent(actor) -> list[float] | None:
    """[west, south, east, north] of the grids `actor` works with, or None when there are none."""
    box = grids_visible_to(actor).aggregate(
        w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat")
    )
    return None if box["w"] is None else [box["w"], box["s"], box["e"], box["n"]]
