"""Point→grid lookup agrees with a brute-force point-in-polygon scan, on borders too."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from chengguan.core.coords import from_wgs84
from chengguan.grids.codes import make_grid_code
from chengguan.grids.index import get_index
from chengguan.grids.models import Grid
from chengguan.grids.selectors import locate_point, locate_units
from chengguan.grids.services import grid_update
from chengguan.org.system import system_actor
from tests.grids.conftest import COLS, ROWS, cell_geometry


def brute_force(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """For each point, the id of the smallest-code grid whose polygon covers it (boundary included)."""
    points = shapely.points(lons, lats)
    answer = np.full(len(lons), -1, dtype=np.int64)
    for grid in Grid.objects.order_by("code"):
        hit = shapely.covers(shape(grid.geometry), points) & (answer == -1)
        answer[hit] = grid.pk
    return answer


def random_points(district, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Interior points, points exactly on shared edges and corners, and points outside."""
    xs, ys = np.array(district.xs), np.array(district.ys)
    width, height = xs[-1] - xs[0], ys[-1] - ys[0]
    parts = []
    k = n // 5
    # Anywhere in and around the district (about a third fall outside).
    parts.append(
        (
            rng.uniform(xs[0] - width / 4, xs[-1] + width / 4, k),
            rng.uniform(ys[0] - height / 4, ys[-1] + height / 4, k),
        )
    )
    # On vertical grid lines (shared east/west borders and the district's own edge).
    parts.append((rng.choice(xs, k), rng.uniform(ys[0], ys[-1], k)))
    # On horizontal grid lines.
    parts.append((rng.uniform(xs[0], xs[-1], k), rng.choice(ys, k)))
    # On lattice corners, where up to four grids meet.
    parts.append((rng.choice(xs, k), rng.choice(ys, k)))
    # Just outside: on the grid lines extended beyond the district.
    rest = n - 4 * k
    parts.append((rng.choice(xs, rest), rng.choice([ys[0] - height / 3, ys[-1] + height / 3], rest)))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def test_ten_thousand_points_agree_with_brute_force(district):
    rng = np.random.default_rng(20260101)
    lons, lats = random_points(district, 10_000, rng)
    located = get_index().locate_many(lons, lats)
    expected = brute_force(lons, lats)
    assert len(located) == 10_000
    assert (located == expected).all()
    # The sample really exercises both sides of the question.
    assert (located == -1).sum() > 1000
    assert (located != -1).sum() > 5000


def test_locate_one_by_one_matches_locate_many(district):
    rng = np.random.default_rng(7)
    lons, lats = random_points(district, 500, rng)
    index = get_index()
    many = index.locate_many(lons, lats)
    singles = [index.locate(lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    assert [-1 if s is None else s for s in singles] == many.tolist()
    codes = dict(Grid.objects.values_list("pk", "code"))
    assert all(index.code_of(grid_id) == codes[grid_id] for grid_id in set(many.tolist()) - {-1})


def test_shared_border_goes_to_the_smaller_code(district):
    west, east = district.cells[(0, 1)], district.cells[(1, 1)]
    mid_lat = (district.ys[1] + district.ys[2]) / 2
    grid = locate_point(district.xs[1], mid_lat)
    assert grid.code == min(west.code, east.code)
    # Between two communities of different sub-districts the rule is the same.
    left, right = district.cells[(3, 0)], district.cells[(4, 0)]
    grid = locate_point(district.xs[4], (district.ys[0] + district.ys[1]) / 2)
    assert grid.code == min(left.code, right.code) == left.code


def test_corner_of_four_grids_goes_to_the_smallest_code(district):
    corner_cells = [district.cells[(c, r)] for c in (1, 2) for r in (1, 2)]
    grid = locate_point(district.xs[2], district.ys[2])
    assert grid.code == min(cell.code for cell in corner_cells)
    # Sequence numbers run from the north-east, so the winner is not simply the south-west cell.
    assert grid.pk != district.cells[(1, 1)].pk


def test_district_edge_belongs_to_the_edge_grid_and_beyond_is_outside(district):
    edge = locate_point(district.xs[0], (district.ys[0] + district.ys[1]) / 2)
    assert edge == district.cells[(0, 0)]
    assert locate_point(district.xs[0] - 1e-7, district.ys[0] + 1e-5) is None
    assert locate_point(116.39, 39.9) is None  # Beijing is not in our district.


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_chinese_map_coordinates_land_in_the_same_grid(district, crs):
    rng = np.random.default_rng(42)
    for _ in range(50):
        col, row = int(rng.integers(COLS)), int(rng.integers(ROWS))
        # Stay 5 m clear of the border so the round trip through the map offset cannot cross it.
        lon = rng.uniform(district.xs[col] + 5e-5, district.xs[col + 1] - 5e-5)
        lat = rng.uniform(district.ys[row] + 5e-5, district.ys[row + 1] - 5e-5)
        map_lon, map_lat = from_wgs84(lon, lat, crs)
        assert locate_point(map_lon, map_lat, crs=crs) == district.cells[(col, row)]
        # Read as if it were GPS, the same numbers would be hundreds of metres off.
        assert locate_point(map_lon, map_lat) != district.cells[(col, row)]


def test_index_is_rebuilt_after_a_grid_changes(district):
    far_cell = cell_geometry(district.xs, district.ys, 0, 0)
    ring = [[x + 0.01, y] for x, y in far_cell["coordinates"][0]]
    target = district.cells[(0, 0)]
    probe = ((ring[0][0] + ring[1][0]) / 2, (ring[0][1] + ring[2][1]) / 2)
    assert locate_point(*probe) is None
    before = get_index()
    assert get_index() is before  # nothing changed: the cached index is reused

    grid_update(actor=system_actor(), grid=target, geometry={"type": "Polygon", "coordinates": [ring]})

    assert locate_point(*probe) == target
    old_centre = ((district.xs[0] + district.xs[1]) / 2, (district.ys[0] + district.ys[1]) / 2)
    assert locate_point(*old_centre) is None
    assert get_index() is not before


def test_locate_rejects_an_unknown_coordinate_system(district):
    from chengguan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        locate_point(113.62, 34.75, crs="mercator")
    assert err.value.code == "grid.unknown_crs"


def test_empty_district_locates_nothing(db):
    assert locate_point(113.62, 34.75) is None
    assert get_index().locate_many([113.62, 0.0], [34.75, 0.0]).tolist() == [-1, -1]


def test_intake_lookup_gives_the_grid_and_its_units_and_follows_a_reassignment(district):
    """Case intake reads the grid's units from the cached index; a grid moved to another community
    must be stamped with the new units on the very next report."""
    centre = ((district.xs[0] + district.xs[1]) / 2, (district.ys[0] + district.ys[1]) / 2)
    grid = locate_point(*centre)
    units = locate_units(*centre)
    assert (units.id, units.code, units.community_id, units.subdistrict_id, units.squad_id) == (
        grid.pk,
        grid.code,
        grid.community_id,
        grid.subdistrict_id,
        grid.squad_id,
    )
    assert units.bureau_id == grid.community.bureau_id == district.bureau.pk
    other = district.communities[1]  # same sub-district: the grid code stays valid
    assert other.pk != grid.community_id

    grid_update(actor=system_actor(), grid=grid, code=make_grid_code(other, 99), community=other, squad=None)

    moved = locate_units(*centre)
    assert (moved.community_id, moved.subdistrict_id, moved.squad_id) == (other.pk, other.parent_id, None)
