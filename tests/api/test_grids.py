"""Unit grids as GeoJSON, the bbox filter, and point → grid lookup through the API."""

from __future__ import annotations

from shapely.geometry import box, shape

from chengguan.core.coords import wgs84_to_bd09, wgs84_to_gcj02
from chengguan.org.roles import RoleCode
from tests.api.conftest import LAT0, LON0, assert_error
from tests.factories import CELL_DLAT, CELL_DLON, staff


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {feature["properties"]["code"] for feature in response.json()["features"]}


def test_grid_list_is_a_feature_collection(district, client_for):
    inspector = staff(district.com1, RoleCode.INSPECTOR, username="insp", full_name="钱监督")
    first = district.grids[(0, 0)]
    first.inspectors.add(inspector.user)
    response = client_for(district.leader).get("/api/v1/grids/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == 8
    assert body["truncated"] is False
    feature = next(f for f in body["features"] if f["properties"]["code"] == first.code)
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Polygon"
    assert shape(feature["geometry"]).equals(shape(first.geometry))
    props = feature["properties"]
    assert props["id"] == first.pk
    assert props["code"] == "41010200100101"
    assert props["subdistrict"] == {"id": district.sub1.pk, "code": "001", "name": "一号街道办事处"}
    assert props["community"] == {"id": district.com1.pk, "code": "001", "name": "甲社区"}
    assert props["squad"] == {"id": district.squad1.pk, "name": "第一执法中队"}
    assert props["area_m2"] == 10_000.0
    assert props["inspectors"] == ["钱监督"]


def test_grid_list_is_not_paginated_envelope(district, client_for):
    body = client_for(district.leader).get("/api/v1/grids/").json()
    assert "results" not in body
    assert "next" not in body


def test_squad_handler_sees_own_squads_grids(district, client_for):
    codes = _codes(client_for(district.handler1).get("/api/v1/grids/"))
    assert codes == {g.code for (col, _), g in district.grids.items() if col < 2}


def test_other_bureau_sees_none_of_our_grids(district, client_for):
    assert _codes(client_for(district.outsider).get("/api/v1/grids/")) == set()


def test_bbox_returns_exactly_the_grids_it_meets(district, client_for):
    # A box from the middle of cell (0,0) to the middle of cell (2,0): it meets cells 0, 1 and 2 of
    # the south row and none of the north row.
    bbox = (
        LON0 + 0.5 * CELL_DLON,
        LAT0 + 0.25 * CELL_DLAT,
        LON0 + 2.5 * CELL_DLON,
        LAT0 + 0.75 * CELL_DLAT,
    )
    codes = _codes(client_for(district.leader).get("/api/v1/grids/", {"bbox": ",".join(map(str, bbox))}))
    window = box(*bbox)
    expected = {g.code for g in district.grids.values() if window.intersects(shape(g.geometry))}
    assert codes == expected
    assert codes == {district.grids[(0, 0)].code, district.grids[(1, 0)].code, district.grids[(2, 0)].code}


def test_bbox_keeps_only_grids_whose_shape_meets_it(district, client_for):
    """An L-shaped grid's bounding box covers a corner its shape does not: a box there finds nothing."""
    from tests.factories import grid

    l_shape = {
        "type": "Polygon",
        "coordinates": [
            [
                [LON0, LAT0 + 3 * CELL_DLAT],
                [LON0 + 2 * CELL_DLON, LAT0 + 3 * CELL_DLAT],
                [LON0 + 2 * CELL_DLON, LAT0 + 4 * CELL_DLAT],
                [LON0 + CELL_DLON, LAT0 + 4 * CELL_DLAT],
                [LON0 + CELL_DLON, LAT0 + 5 * CELL_DLAT],
                [LON0, LAT0 + 5 * CELL_DLAT],
                [LON0, LAT0 + 3 * CELL_DLAT],
            ]
        ],
    }
    grid(district.com1, 9, l_shape, squad_org=district.squad1)
    empty_corner = (
        LON0 + 1.25 * CELL_DLON,
        LAT0 + 4.25 * CELL_DLAT,
        LON0 + 1.75 * CELL_DLON,
        LAT0 + 4.75 * CELL_DLAT,
    )
    api = client_for(district.leader)
    assert _codes(api.get("/api/v1/grids/", {"bbox": ",".join(map(str, empty_corner))})) == set()
    inside_arm = (
        LON0 + 0.25 * CELL_DLON,
        LAT0 + 4.25 * CELL_DLAT,
        LON0 + 0.5 * CELL_DLON,
        LAT0 + 4.5 * CELL_DLAT,
    )
    assert _codes(api.get("/api/v1/grids/", {"bbox": ",".join(map(str, inside_arm))})) == {"41010200100109"}


def test_bad_bbox_is_a_field_error(district, client_for):
    api = client_for(district.leader)
    for bad in ("1,2,3", "a,b,c,d", "113.7,34.7,113.6,34.8", "200,0,201,1", "nan,0,1,1"):
        body = assert_error(api.get("/api/v1/grids/", {"bbox": bad}), 400, "validation_failed")
        assert list(body["fields"]) == ["bbox"], bad


def test_grid_filters(district, client_for):
    api = client_for(district.leader)
    com2_codes = {g.code for (col, _), g in district.grids.items() if col >= 2}
    assert _codes(api.get("/api/v1/grids/", {"community": district.com2.pk})) == com2_codes
    assert _codes(api.get("/api/v1/grids/", {"subdistrict": district.sub2.pk})) == com2_codes
    assert _codes(api.get("/api/v1/grids/", {"squad": district.squad2.pk})) == com2_codes
    assert _codes(api.get("/api/v1/grids/", {"q": "410102002"})) == com2_codes
    assert _codes(api.get("/api/v1/grids/", {"code": "41010200100102"})) == {"41010200100102"}
    body = assert_error(api.get("/api/v1/grids/", {"squad": "x"}), 400, "validation_failed")
    assert list(body["fields"]) == ["squad"]


def test_limit_truncates_and_says_so(district, client_for):
    api = client_for(district.leader)
    body = api.get("/api/v1/grids/", {"limit": 3}).json()
    assert body["count"] == 3
    assert body["truncated"] is True
    assert [f["properties"]["code"] for f in body["features"]] == sorted(
        g.code for g in district.grids.values()
    )[:3]
    assert api.get("/api/v1/grids/", {"limit": 8}).json()["truncated"] is False
    assert_error(api.get("/api/v1/grids/", {"limit": 0}), 400, "validation_failed")
    assert_error(api.get("/api/v1/grids/", {"limit": 5001}), 400, "validation_failed")


def test_grid_list_query_count(district, client_for, django_assert_max_num_queries):
    inspectors = [staff(district.com1, RoleCode.INSPECTOR, username=f"insp{n}").user for n in range(4)]
    for g in district.grids.values():
        g.inspectors.add(*inspectors[:2])
    api = client_for(district.leader)
    with django_assert_max_num_queries(9):
        response = api.get("/api/v1/grids/")
    assert response.json()["count"] == 8


def test_grid_detail(district, client_for):
    g = district.grids[(3, 1)]
    body = client_for(district.leader).get(f"/api/v1/grids/{g.code}/").json()
    assert body["type"] == "Feature"
    assert body["properties"]["code"] == g.code
    assert body["properties"]["community"]["name"] == "乙社区"


def test_grid_detail_outside_scope_or_unknown_is_404(district, client_for):
    api = client_for(district.handler1)
    assert_error(api.get(f"/api/v1/grids/{district.grids[(3, 1)].code}/"), 404, "not_found")
    assert_error(api.get("/api/v1/grids/99999999999999/"), 404, "not_found")


# --- locate ----------------------------------------------------------------------------------


def _centre(col: int, row: int) -> tuple[float, float]:
    return LON0 + (col + 0.5) * CELL_DLON, LAT0 + (row + 0.5) * CELL_DLAT


def test_locate_wgs84(district, client_for):
    lon, lat = _centre(2, 1)
    response = client_for(district.handler1).get("/api/v1/locate", {"lon": lon, "lat": lat})
    assert response.status_code == 200
    body = response.json()
    target = district.grids[(2, 1)]
    assert body["grid"]["code"] == target.code
    assert body["grid"]["id"] == target.pk
    assert body["community"] == {"id": district.com2.pk, "code": "001", "name": "乙社区"}
    assert body["subdistrict"]["name"] == "二号街道办事处"
    assert body["squad"] == {"id": district.squad2.pk, "name": "第二执法中队"}
    assert body["wgs84"] == {"lon": lon, "lat": lat}
    assert body["crs"] == "wgs84"


def test_locate_gcj02_and_bd09_land_in_the_same_grid_as_wgs84(district, client_for):
    api = client_for(district.leader)
    for col, row in [(0, 0), (1, 1), (3, 0)]:
        lon, lat = _centre(col, row)
        wgs = api.get("/api/v1/locate", {"lon": lon, "lat": lat}).json()
        glon, glat = wgs84_to_gcj02(lon, lat)
        gcj = api.get("/api/v1/locate", {"lon": glon, "lat": glat, "crs": "gcj02"}).json()
        blon, blat = wgs84_to_bd09(lon, lat)
        bd = api.get("/api/v1/locate", {"lon": blon, "lat": blat, "crs": "bd09"}).json()
        assert (
            wgs["grid"]["code"]
            == gcj["grid"]["code"]
            == bd["grid"]["code"]
            == district.grids[(col, row)].code
        )
        assert abs(gcj["wgs84"]["lon"] - lon) < 1e-7
        assert abs(gcj["wgs84"]["lat"] - lat) < 1e-7


def test_gcj02_point_read_as_wgs84_would_miss(district, client_for):
    """The GCJ-02 shift near Zhengzhou is hundreds of metres: ignoring `crs` would land elsewhere."""
    lon, lat = _centre(0, 0)
    glon, glat = wgs84_to_gcj02(lon, lat)
    response = client_for(district.leader).get("/api/v1/locate", {"lon": glon, "lat": glat})
    assert_error(response, 404, "grids.outside_jurisdiction")


def test_locate_outside_is_404(district, client_for):
    body = assert_error(
        client_for(district.leader).get("/api/v1/locate", {"lon": 116.4, "lat": 39.9}),
        404,
        "grids.outside_jurisdiction",
    )
    assert body["message"] == "该位置不在本辖区范围内。"


def test_locate_bad_input_is_400_with_field_errors(district, client_for):
    api = client_for(district.leader)
    body = assert_error(api.get("/api/v1/locate", {"lat": 34.75}), 400, "validation_failed")
    assert body["fields"] == {"lon": ["请提供经度 lon。"]}
    body = assert_error(api.get("/api/v1/locate", {"lon": "abc", "lat": 34.75}), 400, "validation_failed")
    assert body["fields"] == {"lon": ["经度必须是数字。"]}
    body = assert_error(api.get("/api/v1/locate", {"lon": 113.6, "lat": 95}), 400, "validation_failed")
    assert body["fields"] == {"lat": ["纬度必须是 -90 到 90 之间的数字。"]}
    body = assert_error(api.get("/api/v1/locate", {"lon": "nan", "lat": 34.7}), 400, "validation_failed")
    assert list(body["fields"]) == ["lon"]
    body = assert_error(
        api.get("/api/v1/locate", {"lon": 113.6, "lat": 34.7, "crs": "mars"}), 400, "validation_failed"
    )
    assert body["fields"] == {"crs": ["不支持的坐标系“mars”，可选 wgs84、gcj02、bd09。"]}


def test_locate_needs_authentication(district, api):
    assert_error(api.get("/api/v1/locate", {"lon": 113.62, "lat": 34.75}), 401, "not_authenticated")
