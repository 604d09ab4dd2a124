"""Grid geometry: only closed, valid WGS-84 polygons; geodesic area; bbox and centre filled."""

from __future__ import annotations

import pytest

from chengguan.core.errors import ValidationFailed
from chengguan.grids.geometry import area_m2, grid_fields_from_geometry, shape_from_geojson
from tests.factories import square

CELL = square(113.62, 34.75)


def test_a_100_m_cell_has_about_ten_thousand_square_metres():
    fields = grid_fields_from_geometry(shape_from_geojson(CELL))
    assert fields["area_m2"] == pytest.approx(10_000, rel=0.01)
    assert fields["min_lon"] == pytest.approx(113.62)
    assert fields["min_lat"] == pytest.approx(34.75)
    assert fields["min_lon"] < fields["centroid_lon"] < fields["max_lon"]
    assert fields["min_lat"] < fields["centroid_lat"] < fields["max_lat"]


def test_area_does_not_depend_on_ring_orientation():
    ring = CELL["coordinates"][0]
    clockwise = {"type": "Polygon", "coordinates": [list(reversed(ring))]}
    assert area_m2(shape_from_geojson(clockwise)) == pytest.approx(area_m2(shape_from_geojson(CELL)))


def test_multipolygon_area_is_the_sum_of_its_parts():
    a, b = square(113.62, 34.75), square(113.63, 34.75, cols=2)
    multi = {"type": "MultiPolygon", "coordinates": [a["coordinates"], b["coordinates"]]}
    assert area_m2(shape_from_geojson(multi)) == pytest.approx(30_000, rel=0.01)


def refused(geometry) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as err:
        shape_from_geojson(geometry)
    assert err.value.fields["geometry"]
    return err.value


def test_open_ring_is_refused():
    ring = [list(p) for p in CELL["coordinates"][0][:-1]]
    assert refused({"type": "Polygon", "coordinates": [ring]}).code == "grid.geometry_not_closed"


def test_self_intersecting_polygon_is_refused():
    bowtie = [[113.62, 34.75], [113.63, 34.76], [113.63, 34.75], [113.62, 34.76], [113.62, 34.75]]
    assert refused({"type": "Polygon", "coordinates": [bowtie]}).code == "grid.geometry_invalid"


def test_projected_coordinates_are_refused():
    ring = [[500000, 3840000], [500100, 3840000], [500100, 3840100], [500000, 3840100], [500000, 3840000]]
    error = refused({"type": "Polygon", "coordinates": [ring]})
    assert error.code == "grid.geometry_range"
    assert "WGS-84" in error.message


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [113.62, 34.75]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[113.62, 34.75], [113.63, 34.75], [113.62, 34.75]]]},
        {"type": "Polygon", "coordinates": [[["a", 34.75]] * 4]},
        None,
    ],
)
def test_other_shapes_are_refused(geometry):
    assert refused(geometry).code.startswith("grid.geometry")
