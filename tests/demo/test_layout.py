"""The demo's territory plan (pure geometry): sizes, tiling, contiguity and determinism."""

from __future__ import annotations

import pytest
from shapely import unary_union
from shapely.geometry import Polygon, shape

from chengguan.demo import geometry
from chengguan.demo.layout import MAX_GRIDS_PER_COMMUNITY, plan_layout


@pytest.fixture(scope="module")
def district():
    return plan_layout(1, "district")


@pytest.fixture(scope="module")
def city():
    return plan_layout(1, "city")


def _codes(layout) -> list[str]:
    return [
        f"{d.spec.county_code}{s.code}{c.code}{seq:02d}"
        for d in layout.districts
        for s in d.subdistricts
        for c in s.communities
        for seq in range(1, len(c.cells) + 1)
    ]


def test_district_has_the_promised_size(district):
    (zhongyuan,) = district.districts
    communities = [c for s in zhongyuan.subdistricts for c in s.communities]
    assert zhongyuan.spec.county_code == "410102"
    assert district.cell_count >= 2_000
    assert len(zhongyuan.subdistricts) == 10
    assert 70 <= len(communities) <= 90
    assert max(len(c.cells) for c in communities) <= MAX_GRIDS_PER_COMMUNITY


def test_district_lies_in_zhongyuan(district):
    lon = district.lon0 + sum(i for i, _ in district.all_cells()) / district.cell_count * geometry.DLON
    lat = district.lat0 + sum(j for _, j in district.all_cells()) / district.cell_count * geometry.DLAT
    assert abs(lon - 113.62) < 0.03
    assert abs(lat - 34.75) < 0.03


def test_city_has_twenty_thousand_grids_in_real_zhengzhou_districts(city):
    assert city.cell_count >= 20_000
    assert [d.spec.county_code for d in city.districts] == ["410102", "410103", "410104", "410105", "410108"]
    for d in city.districts:
        assert all(len(c.cells) <= MAX_GRIDS_PER_COMMUNITY for s in d.subdistricts for c in s.communities)
    codes = _codes(city)
    assert len(codes) == len(set(codes)) == city.cell_count
    assert all(len(code) == 14 and code.isdigit() for code in codes)


def test_no_cell_is_used_twice(city):
    cells = city.all_cells()
    assert len(cells) == len(set(cells))


def test_district_cells_tile_one_polygon_without_holes(district):
    polygons = [shape(district.geojson(cell)) for cell in district.all_cells()]
    union = unary_union(polygons)
    assert isinstance(union, Polygon)
    assert list(union.interiors) == []
    assert union.area == pytest.approx(sum(p.area for p in polygons), rel=1e-9)


def test_neighbouring_cells_share_exact_edges():
    lon0, lat0 = 113.62, 34.75
    west = geometry.cell_ring(lon0, lat0, (7, -3))
    east = geometry.cell_ring(lon0, lat0, (8, -3))
    north = geometry.cell_ring(lon0, lat0, (7, -2))
    assert {tuple(west[1]), tuple(west[2])} == {tuple(east[0]), tuple(east[3])}
    assert {tuple(west[2]), tuple(west[3])} == {tuple(north[0]), tuple(north[1])}


def test_cells_are_about_100_metres_square(district):
    from chengguan.grids.geometry import area_m2

    area = area_m2(shape(district.geojson(district.all_cells()[0])))
    assert area == pytest.approx(10_000, rel=0.01)


@pytest.mark.parametrize("size", ["district", "city"])
def test_every_area_is_one_piece(size, district, city):
    layout = district if size == "district" else city
    for d in layout.districts:
        assert (
            len(geometry.components({c for s in d.subdistricts for m in s.communities for c in m.cells})) == 1
        )
        for s in d.subdistricts:
            assert len(geometry.components({c for m in s.communities for c in m.cells})) == 1
            for m in s.communities:
                assert len(geometry.components(set(m.cells))) == 1, m.name


def test_names_are_unique_within_a_district(district):
    (zhongyuan,) = district.districts
    names = [c.name for s in zhongyuan.subdistricts for c in s.communities]
    assert len(names) == len(set(names))
    assert all(name.endswith("社区") for name in names)


def test_same_seed_same_plan_other_seed_other_plan(district):
    assert plan_layout(1, "district") == district
    other = plan_layout(2, "district")
    assert other != district
    assert set(other.all_cells()) != set(district.all_cells())


def test_unknown_size_is_refused():
    with pytest.raises(ValueError, match="unknown demo size"):
        plan_layout(1, "province")
