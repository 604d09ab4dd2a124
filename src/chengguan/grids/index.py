"""The point→grid index: an STRtree over every grid, built once per process and rebuilt on change.

Grids are sorted by code before the tree is built, so a tree position is also the rank of the code;
a point on a shared border or corner matches several grids and goes to the lowest rank, i.e. the
grid with the smallest code, which makes the answer independent of query order or platform.
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import connection
from shapely import STRtree
from shapely.errors import GEOSException
from shapely.geometry import shape

from chengguan.grids.models import Grid, GridSetVersion

OUTSIDE = -1
# Above this many points a query is split across threads: shapely releases the GIL while it works.
_PARALLEL_THRESHOLD = 100_000
_CHUNK = 250_000


@dataclass(frozen=True)
class GridUnits:
    """A grid and the units responsible for it: what intake stamps on every new case."""

    id: int
    code: str
    community_id: int
    subdistrict_id: int
    squad_id: int | None
    bureau_id: int


@dataclass
class GridIndex:
    version: int
    ids: np.ndarray  # grid ids, ordered by code
    codes: list[str]
    geometries: np.ndarray
    units: dict[int, GridUnits] = field(default_factory=dict)
    tree: STRtree = field(init=False)

    def __post_init__(self) -> None:
        self.tree = STRtree(self.geometries)
        self.extent = shapely.total_bounds(self.geometries) if len(self.ids) else np.zeros(4)
        self._rank_of_id = {int(grid_id): rank for rank, grid_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(
        cls, version: int, rows: list[tuple], units: dict[int, GridUnits] | None = None
    ) -> GridIndex:
        """`rows` are (id, code, GeoJSON geometry) of every grid."""
        rows = sorted(rows, key=lambda row: row[1])
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        geometries = _geometries([row[2] for row in rows])
        shapely.prepare(geometries)
        return cls(
            version=version, ids=ids, codes=[row[1] for row in rows], geometries=geometries, units=units or {}
        )

    def _ranks(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """The smallest matching rank for each point, or `len(self)` when no grid covers it."""
        ranks = np.full(len(lons), len(self), dtype=np.int64)
        if len(self) == 0 or len(lons) == 0:
            return ranks
        min_lon, min_lat, max_lon, max_lat = self.extent
        near = np.flatnonzero((lons >= min_lon) & (lons <= max_lon) & (lats >= min_lat) & (lats <= max_lat))
        # Candidates whose bounding box holds the point, then the exact test on (prepared) polygons.
        # "intersects" is boundary-inclusive: a point on an edge or a vertex matches every grid
        # sharing it. Testing the candidate pairs with intersects_xy costs about a quarter less than
        # query(predicate="intersects"), which checks the same pairs one geometry at a time.
        cand, cand_rank = self.tree.query(shapely.points(lons[near], lats[near]))
        cand_point = near[cand]
        exact = shapely.intersects_xy(self.geometries[cand_rank], lons[cand_point], lats[cand_point])
        np.minimum.at(ranks, cand_point[exact], cand_rank[exact])
        return ranks

    def locate_many(self, lons, lats) -> np.ndarray:
        """Grid ids for arrays of WGS-84 lon/lat; `-1` where a point lies in no grid."""
        lons = np.asarray(lons, dtype=np.float64).ravel()
        lats = np.asarray(lats, dtype=np.float64).ravel()
        if lons.shape != lats.shape:
            raise ValueError("lons and lats must have the same length")
        n = len(lons)
        workers = min(os.cpu_count() or 1, 8)
        if n < _PARALLEL_THRESHOLD or workers < 2:
            ranks = self._ranks(lons, lats)
        else:
            bounds = [*range(0, n, _CHUNK), n]
            pieces = [(lons[a:b], lats[a:b]) for a, b in itertools.pairwise(bounds)]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                ranks = np.concatenate(list(pool.map(lambda piece: self._ranks(*piece), pieces)))
        inside = ranks < len(self)
        out = np.full(n, OUTSIDE, dtype=np.int64)
        out[inside] = self.ids[ranks[inside]]
        return out

    def locate(self, lon: float, lat: float) -> int | None:
        """The id of the grid containing (lon, lat) in WGS-84, or None outside every grid."""
        grid_id = int(self.locate_many([lon], [lat])[0])
        return None if grid_id == OUTSIDE else grid_id

    def code_of(self, grid_id: int) -> str:
        return self.codes[self._rank_of_id[int(grid_id)]]


def _geometries(geojsons: list[dict]) -> np.ndarray:
    """Shapely geometries for stored GeoJSON. Polygons without holes (nearly every grid) are built
    in one vectorised call, several times faster than `shape()` one by one."""
    out = np.empty(len(geojsons), dtype=object)
    simple = [
        k
        for k, g in enumerate(geojsons)
        if g.get("type") == "Polygon" and len(g.get("coordinates") or ()) == 1
    ]
    if simple:
        rings = [geojsons[k]["coordinates"][0] for k in simple]
        coords = np.array([pos[:2] for ring in rings for pos in ring], dtype=np.float64)
        ring_of = np.repeat(np.arange(len(rings)), [len(ring) for ring in rings])
        try:
            out[simple] = shapely.polygons(shapely.linearrings(coords, indices=ring_of))
        except (ValueError, GEOSException):
            out[:] = None  # a malformed ring somewhere: fall back to one at a time below
    for k, g in enumerate(geojsons):
        if out[k] is None:
            out[k] = shape(g)
    return out


_lock = threading.Lock()
_cached: GridIndex | None = None


def current_version() -> int:
    """The grid set's version. Asked on every intake, so it is one plain statement, not an ORM query."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


_VERSION_SQL = f"SELECT version FROM {GridSetVersion._meta.db_table} WHERE id = 1"


def build_index() -> GridIndex:
    """Read every grid and build a fresh index (the version is read first, so a concurrent write
    can only make the result older than its label, which the next `get_index()` call repairs).

    Unit assignments live on the grid row and change only through the grid services, which bump
    the version, so caching them here is as fresh as the geometry."""
    version = current_version()
    rows, units = [], {}
    columns = ("id", "code", "geometry", "community_id", "subdistrict_id", "squad_id", "community__bureau_id")
    for gid, code, geometry, community, subdistrict, squad, bureau in (
        Grid.objects.order_by("code").values_list(*columns).iterator(chunk_size=5000)
    ):
        rows.append((gid, code, geometry))
        units[gid] = GridUnits(gid, code, community, subdistrict, squad, bureau)
    return GridIndex.from_rows(version, rows, units)


def get_index() -> GridIndex:
    """This process's index, rebuilt when `GridSetVersion` has moved since it was built."""
    global _cached
    version = current_version()
    index = _cached
    if index is not None and index.version == version:
        return index
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = build_index()
        return _cached


def reset_cache() -> None:
    """Forget the cached index (tests: each test's database holds different grids)."""
    global _cached
    with _lock:
        _cached = None
