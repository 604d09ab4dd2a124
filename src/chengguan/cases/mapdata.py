"""What the workbench maps draw under the cases: the extent and sub-district outlines of the bureau
whose cases the viewer works on. The command centre (operators, dispatchers) is responsible for no
grid of its own yet reports and dispatches anywhere in the bureau, so this is the bureau's whole
jurisdiction, not `grids_visible_to`. Outlines are public geography, not case data."""

from __future__ import annotations

import shapely
from django.core.cache import cache
from django.db.models import Count, Max, Min
from shapely.geometry import mapping, shape

from chengguan.grids.models import Grid, GridSetVersion
from chengguan.org.models import Organisation
from chengguan.org.selectors import bureau_of


def _bureau_grids(bureau: Organisation | None):
    grids = Grid.objects.all()
    return grids if bureau is None else grids.filter(community__bureau=bureau)


def _version_key(bureau: Organisation | None) -> str:
    version = GridSetVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    agg = _bureau_grids(bureau).aggregate(n=Count("id"), last=Max("updated_at"))
    stamp = agg["last"].timestamp() if agg["last"] else 0
    return f"cases:jurisdiction:{getattr(bureau, 'pk', 'all')}:{version}:{agg['n']}:{stamp}"


def _build(bureau: Organisation | None) -> dict | None:
    grids = _bureau_grids(bureau)
    agg = grids.aggregate(
        n=Count("id"), w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), north=Max("max_lat")
    )
    if not agg["n"]:
        return None
    shapes: dict[int, list] = {}
    for sub_id, geometry in grids.values_list("subdistrict_id", "geometry").iterator(chunk_size=2000):
        shapes.setdefault(sub_id, []).append(shape(geometry))
    names = dict(Organisation.objects.filter(pk__in=shapes).values_list("pk", "name"))
    features = [
        {
            "type": "Feature",
            # Snapping to ~0.1 m closes the hairline gaps floating-point tiling leaves between cells.
            "geometry": mapping(shapely.union_all(polys, grid_size=1e-6).simplify(1e-5)),
            "properties": {"id": sub_id, "name": names.get(sub_id, "")},
        }
        for sub_id, polys in shapes.items()
    ]
    return {
        "extent": {"bbox": [agg["w"], agg["s"], agg["e"], agg["north"]], "count": agg["n"]},
        "outlines": {"type": "FeatureCollection", "features": features},
    }


def jurisdiction(actor) -> dict | None:
    """{"extent": {"bbox", "count"}, "outlines": FeatureCollection} of the viewer's bureau (cached
    until any grid changes); None when the bureau has no grids."""
    bureau = None if getattr(actor, "is_superuser", False) else bureau_of(actor)
    key = _version_key(bureau)
    found = cache.get(key)
    if found is None:
        found = _build(bureau) or {}
        cache.set(key, found, 24 * 3600)
    return found or None
