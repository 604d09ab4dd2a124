"""The demo lattice: ~100 m × 100 m cells over an irregular outline, cut into neighbourhoods.

Pure geometry, no database. Cells are indexed by integers (i east, j north) on one lattice anchored
at a fixed south-west corner; a corner's coordinate is computed from its integer index alone, so two
neighbouring cells share exactly the same edge coordinates and the grids tile without gaps or
overlaps. Areas are cut by nearest seed point (k-means on cell centres, i.e. Voronoi regions of the
final seeds), then made contiguous, so sub-districts and communities look like real irregular
neighbourhoods on the map.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterable

import numpy as np

Cell = tuple[int, int]

METRES_PER_DEG_LAT = 111_320.0
REFERENCE_LAT = 34.75
CELL_METRES = 100.0
DLAT = CELL_METRES / METRES_PER_DEG_LAT
DLON = CELL_METRES / (METRES_PER_DEG_LAT * math.cos(math.radians(REFERENCE_LAT)))
# Rounding a corner to 1e-8° (about 1 mm) keeps GeoJSON short; it is a function of the index only,
# so shared edges stay identical.
COORD_DECIMALS = 8


def corner_lon(lon0: float, i: int) -> float:
    return round(lon0 + i * DLON, COORD_DECIMALS)


def corner_lat(lat0: float, j: int) -> float:
    return round(lat0 + j * DLAT, COORD_DECIMALS)


def cell_ring(lon0: float, lat0: float, cell: Cell) -> list[list[float]]:
    """The closed, counter-clockwise exterior ring of one cell (GeoJSON order: lon, lat)."""
    i, j = cell
    w, e = corner_lon(lon0, i), corner_lon(lon0, i + 1)
    s, n = corner_lat(lat0, j), corner_lat(lat0, j + 1)
    return [[w, s], [e, s], [e, n], [w, n], [w, s]]


def cell_geojson(lon0: float, lat0: float, cell: Cell) -> dict:
    return {"type": "Polygon", "coordinates": [cell_ring(lon0, lat0, cell)]}


# --- the outline -------------------------------------------------------------------------------


def _neighbours4(cell: Cell) -> Iterable[Cell]:
    i, j = cell
    return ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1))


def components(cells: set[Cell]) -> list[set[Cell]]:
    """4-connected components, largest first (ties broken by the smallest cell, for determinism)."""
    seen: set[Cell] = set()
    found: list[set[Cell]] = []
    for start in cells:
        if start in seen:
            continue
        part = {start}
        queue = deque([start])
        seen.add(start)
        while queue:
            for nb in _neighbours4(queue.popleft()):
                if nb in cells and nb not in seen:
                    seen.add(nb)
                    part.add(nb)
                    queue.append(nb)
        found.append(part)
    found.sort(key=lambda part: (-len(part), min(part)))
    return found


def _fill_holes(cells: set[Cell]) -> set[Cell]:
    """Add every cell not reachable from outside the bounding box through empty cells."""
    imin = min(i for i, _ in cells) - 1
    imax = max(i for i, _ in cells) + 1
    jmin = min(j for _, j in cells) - 1
    jmax = max(j for _, j in cells) + 1
    outside = {(imin, jmin)}
    queue = deque(outside)
    while queue:
        for nb in _neighbours4(queue.popleft()):
            i, j = nb
            if imin <= i <= imax and jmin <= j <= jmax and nb not in cells and nb not in outside:
                outside.add(nb)
                queue.append(nb)
    filled = set(cells)
    for i in range(imin, imax + 1):
        for j in range(jmin, jmax + 1):
            if (i, j) not in outside:
                filled.add((i, j))
    return filled


def _fill_pinches(cells: set[Cell]) -> set[Cell]:
    """Close every 2×2 block whose only two cells touch at a corner (it would pinch the outline)."""
    cells = set(cells)
    changed = True
    while changed:
        changed = False
        for i, j in sorted(cells):
            for di in (1, -1):
                diag = (i + di, j + 1)
                side_a, side_b = (i + di, j), (i, j + 1)
                if diag in cells and side_a not in cells and side_b not in cells:
                    cells.add(side_a)
                    changed = True
    return cells


def clean_outline(cells: set[Cell]) -> set[Cell]:
    """One 4-connected piece with no holes and no corner-only contacts: its union is one simple polygon."""
    current = set(cells)
    while True:
        largest = components(current)[0]
        fixed = _fill_pinches(_fill_holes(largest))
        if fixed == current:
            return current
        current = fixed


def blob_cells(rng: random.Random, target: int, centre: Cell = (0, 0)) -> set[Cell]:
    """At least `target` cells inside a noisy-radius outline around `centre` (cell units).

    The radius wobbles with a few random harmonics so the district looks like a real one rather
    than a disc; the base radius is found by bisection so the cell count lands just above target.
    """
    harmonics = [
        (k, rng.uniform(0.04, 0.16) / math.sqrt(k), rng.uniform(0, 2 * math.pi)) for k in range(2, 7)
    ]

    def radius_factor(theta: np.ndarray) -> np.ndarray:
        out = np.ones_like(theta)
        for k, amp, phase in harmonics:
            out += amp * np.cos(k * theta + phase)
        return out

    def inside(base: float) -> tuple[np.ndarray, np.ndarray]:
        span = math.ceil(base * 1.8) + 2
        ii, jj = np.meshgrid(np.arange(-span, span + 1), np.arange(-span, span + 1), indexing="ij")
        x, y = ii + 0.5, jj + 0.5
        mask = np.hypot(x, y) <= base * radius_factor(np.arctan2(y, x))
        return ii[mask], jj[mask]

    # Bisect on the raw count (cheap), then clean once and grow a little if cleaning fell short.
    lo, hi = 1.0, math.sqrt(target / math.pi) * 2 + 3
    while hi - lo > 0.05:
        mid = (lo + hi) / 2
        if len(inside(mid)[0]) >= target:
            hi = mid
        else:
            lo = mid
    while True:
        ii, jj = inside(hi)
        cells = clean_outline({(int(a) + centre[0], int(b) + centre[1]) for a, b in zip(ii, jj, strict=True)})
        if len(cells) >= target:
            return cells
        hi *= 1.01


# --- cutting an area into neighbourhoods --------------------------------------------------------


def _kmeans(points: np.ndarray, seeds: np.ndarray, rounds: int = 12) -> np.ndarray:
    """Labels of `points` by nearest centre after a few Lloyd rounds (Voronoi of the final centres)."""
    centres = seeds.astype(float).copy()
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(rounds):
        d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels = d2.argmin(axis=1)
        for k in range(len(centres)):
            members = points[labels == k]
            if len(members):
                centres[k] = members.mean(axis=0)
            else:  # an empty region restarts at the point farthest from its own centre
                far = int(d2[np.arange(len(points)), labels].argmax())
                centres[k] = points[far]
    return labels


def _make_contiguous(labels: dict[Cell, int]) -> dict[Cell, int]:
    """Give every stray piece of a region to the neighbour it shares most edges with."""
    labels = dict(labels)
    while True:
        by_label: dict[int, set[Cell]] = {}
        for cell, label in labels.items():
            by_label.setdefault(label, set()).add(cell)
        strays = [(label, part) for label, cells in by_label.items() for part in components(cells)[1:]]
        if not strays:
            return labels
        strays.sort(key=lambda item: (len(item[1]), min(item[1])))
        label, part = strays[0]
        votes: dict[int, int] = {}
        for cell in part:
            for nb in _neighbours4(cell):
                other = labels.get(nb)
                if other is not None and other != label:
                    votes[other] = votes.get(other, 0) + 1
        winner = min(votes, key=lambda lab: (-votes[lab], lab))
        for cell in part:
            labels[cell] = winner


def partition(
    cells: Iterable[Cell], k: int, rng: random.Random, anchors: list[tuple[float, float]] | None = None
) -> list[list[Cell]]:
    """Cut `cells` into `k` contiguous regions of roughly equal size, ordered north-west first.

    `anchors` (cell coordinates) place the starting seeds, e.g. at real district centres; otherwise
    seeds are drawn from the cells.
    """
    ordered = sorted(cells)
    if k <= 1:
        return [ordered]
    if k > len(ordered):
        raise ValueError(f"cannot cut {len(ordered)} cells into {k} regions")
    points = np.array([(i + 0.5, j + 0.5) for i, j in ordered], dtype=float)
    seeds = np.array(anchors, dtype=float) if anchors else points[rng.sample(range(len(ordered)), k)]
    labels = _kmeans(points, seeds)
    by_cell = _make_contiguous({cell: int(label) for cell, label in zip(ordered, labels, strict=True)})
    regions: dict[int, list[Cell]] = {}
    for cell in ordered:
        regions.setdefault(by_cell[cell], []).append(cell)
    parts = list(regions.values())
    # North first, then west: the order in which codes 001, 002 … are handed out.
    parts.sort(key=lambda part: (-sum(j for _, j in part) / len(part), sum(i for i, _ in part) / len(part)))
    return parts


def reading_order(cells: Iterable[Cell]) -> list[Cell]:
    """North row first, west to east within a row: the order of a community's sequence numbers."""
    return sorted(cells, key=lambda c: (-c[1], c[0]))


def cut_communities(cells: list[Cell], k: int, rng: random.Random, max_cells: int) -> list[list[Cell]]:
    """At least `k` contiguous communities, none above `max_cells` cells (the 2-digit sequence limit)."""
    k = max(1, min(k, len(cells)))
    while True:
        parts = partition(cells, k, rng)
        if len(parts) == k and max(len(p) for p in parts) <= max_cells:
            return parts
        k += 1
