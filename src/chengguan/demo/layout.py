"""The demo's territory as plain data: bureaus → sub-districts → communities → cells. No database.

`plan_layout(seed, size)` is deterministic for a seed, so the same seed always gives the same names,
codes and geometry; the generator turns the plan into rows.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from chengguan.demo import geometry
from chengguan.demo.geometry import DLAT, DLON, Cell
from chengguan.demo.names import DISTRICTS, DistrictSpec, community_names

SIZES = ("small", "district", "city")
# A 2-digit sequence number allows 99 grids per community (CJ/T 213's 14-digit code).
MAX_GRIDS_PER_COMMUNITY = 99


@dataclass(frozen=True)
class SizeSpec:
    districts: int
    cells_per_district: int
    subdistricts: int | None  # None: every name of the district
    cells_per_community: int


SIZE_SPECS = {
    "small": SizeSpec(districts=1, cells_per_district=48, subdistricts=2, cells_per_community=12),
    "district": SizeSpec(districts=1, cells_per_district=2_400, subdistricts=10, cells_per_community=30),
    "city": SizeSpec(districts=5, cells_per_district=4_300, subdistricts=None, cells_per_community=32),
}


@dataclass(frozen=True)
class CommunityPlan:
    code: str
    name: str
    cells: tuple[Cell, ...]  # in sequence order: grid n is cells[n - 1]


@dataclass(frozen=True)
class SubdistrictPlan:
    code: str
    short: str  # 林山寨
    communities: tuple[CommunityPlan, ...]

    @property
    def name(self) -> str:
        return f"{self.short}街道办事处"

    @property
    def cell_count(self) -> int:
        return sum(len(c.cells) for c in self.communities)


@dataclass(frozen=True)
class DistrictPlan:
    spec: DistrictSpec
    subdistricts: tuple[SubdistrictPlan, ...]

    @property
    def cell_count(self) -> int:
        return sum(s.cell_count for s in self.subdistricts)


@dataclass(frozen=True)
class Layout:
    seed: int
    size: str
    lon0: float  # south-west corner of cell (0, 0)
    lat0: float
    districts: tuple[DistrictPlan, ...]

    def geojson(self, cell: Cell) -> dict:
        return geometry.cell_geojson(self.lon0, self.lat0, cell)

    @property
    def cell_count(self) -> int:
        return sum(d.cell_count for d in self.districts)

    def all_cells(self) -> list[Cell]:
        return [
            cell for d in self.districts for s in d.subdistricts for c in s.communities for cell in c.cells
        ]


def _origin(specs: tuple[DistrictSpec, ...]) -> tuple[float, float]:
    """Anchor the lattice so cell (0, 0) sits at the middle of the chosen districts, on round numbers."""
    lon = sum(s.centre[0] for s in specs) / len(specs)
    lat = sum(s.centre[1] for s in specs) / len(specs)
    return round(lon, 4), round(lat, 4)


def _anchor(spec: DistrictSpec, origin: tuple[float, float]) -> tuple[float, float]:
    return ((spec.centre[0] - origin[0]) / DLON, (spec.centre[1] - origin[1]) / DLAT)


def plan_layout(seed: int, size: str) -> Layout:
    """The whole territory for `size` ("small", "district" or "city")."""
    if size not in SIZE_SPECS:
        raise ValueError(f"unknown demo size {size!r}; choose one of {', '.join(SIZES)}")
    spec = SIZE_SPECS[size]
    rng = random.Random(f"chengguan-demo:{seed}:{size}")
    district_specs = DISTRICTS[: spec.districts]
    origin = _origin(district_specs)
    territory = geometry.blob_cells(rng, spec.cells_per_district * spec.districts)
    if spec.districts == 1:
        district_cells = [sorted(territory)]
    else:
        # Start each district's seed at its real position relative to the others, scaled so the
        # group fits the outline; k-means then balances their areas.
        raw = [_anchor(d, origin) for d in district_specs]
        reach = max(math.hypot(x, y) for x, y in raw) or 1.0
        radius = math.sqrt(len(territory) / math.pi) * 0.6
        anchors = [(x / reach * radius, y / reach * radius) for x, y in raw]
        regions = geometry.partition(territory, spec.districts, rng, anchors=anchors)
        district_cells = _match_regions_to_anchors(regions, anchors)
    districts = tuple(
        _plan_district(d, cells, spec, rng) for d, cells in zip(district_specs, district_cells, strict=True)
    )
    return Layout(seed=seed, size=size, lon0=origin[0], lat0=origin[1], districts=districts)


def _match_regions_to_anchors(
    regions: list[list[Cell]], anchors: list[tuple[float, float]]
) -> list[list[Cell]]:
    """Give each district the region whose centre is nearest its anchor (greedy, closest pairs first)."""
    centres = [(sum(i for i, _ in r) / len(r), sum(j for _, j in r) / len(r)) for r in regions]
    pairs = sorted(
        (math.dist(centres[r], anchors[a]), a, r) for a in range(len(anchors)) for r in range(len(regions))
    )
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for _dist, a, r in pairs:
        if a not in chosen and r not in used:
            chosen[a] = r
            used.add(r)
    return [regions[chosen[a]] for a in range(len(anchors))]


def _plan_district(spec: DistrictSpec, cells: list[Cell], size: SizeSpec, rng: random.Random) -> DistrictPlan:
    names = spec.subdistricts if size.subdistricts is None else spec.subdistricts[: size.subdistricts]
    pool = community_names(rng)
    subdistricts = []
    for number, sub_cells in enumerate(geometry.partition(cells, len(names), rng), start=1):
        wanted = max(1, round(len(sub_cells) / size.cells_per_community))
        parts = geometry.cut_communities(sub_cells, wanted, rng, MAX_GRIDS_PER_COMMUNITY)
        communities = tuple(
            CommunityPlan(code=f"{k:03d}", name=pool.pop(), cells=tuple(geometry.reading_order(part)))
            for k, part in enumerate(parts, start=1)
        )
        subdistricts.append(
            SubdistrictPlan(code=f"{number:03d}", short=names[number - 1], communities=communities)
        )
    return DistrictPlan(spec=spec, subdistricts=tuple(subdistricts))
