"""The offline base map (issue 19 item 12): street lines loaded once, answered for a map's view box —
main roads when zoomed out, side streets too when zoomed in — to anyone, and drawn under every map."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.demo.layout import plan_layout
from chengguan.demo.streets import MAJOR_EVERY, street_features
from chengguan.grids.models import Street
from chengguan.grids.streets import streets_load
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from tests import factories

pytestmark = pytest.mark.django_db


def _line(name, kind, points):
    return {
        "type": "Feature",
        "properties": {"name": name, "kind": kind},
        "geometry": {"type": "LineString", "coordinates": points},
    }


ROADS = [
    _line("人民路", "major", [[113.60, 34.75], [113.64, 34.75]]),
    _line("", "minor", [[113.61, 34.74], [113.61, 34.76]]),
    _line("远郊路", "major", [[114.50, 35.50], [114.60, 35.50]]),
]


def test_a_map_gets_the_streets_of_its_view_box_by_zoom(client):
    streets_load(actor=system_actor(), features=ROADS)
    box = "113.59,34.73,113.65,34.77"
    near = client.get(f"/maps/streets.geojson?bbox={box}&zoom=16").json()
    assert sorted(f["properties"]["name"] for f in near["features"]) == ["", "人民路"]
    far = client.get(f"/maps/streets.geojson?bbox={box}&zoom=12").json()
    assert [f["properties"]["name"] for f in far["features"]] == ["人民路"]  # side streets from zoom 15


def test_a_bad_view_box_is_refused_with_the_field_named(client):
    response = client.get("/maps/streets.geojson?bbox=1,2,3")
    assert response.status_code == 400
    assert response.json()["code"] == "grid.bad_query" and "bbox" in response.json()["fields"]


def test_bad_lines_are_reported_by_number_and_the_good_ones_load():
    bad = _line("断头路", "major", [[113.6, 34.7]])
    result = streets_load(actor=system_actor(), features=[ROADS[0], bad, {"type": "Point"}])
    assert result.loaded == 1
    assert [n for n, _ in result.problems] == [2, 3]
    assert list(Street.objects.values_list("name", flat=True)) == ["人民路"]
    assert AuditEvent.objects.filter(action="grids.streets_loaded").count() == 1
    with pytest.raises(ValidationFailed):
        streets_load(actor=system_actor(), features=[bad])
    assert Street.objects.count() == 1  # a file with nothing good changes nothing


def test_only_an_administrator_loads_the_streets():
    bureau = factories.bureau()
    operator = factories.staff(bureau, R.OPERATOR).user
    with pytest.raises(PermissionDenied):
        streets_load(actor=operator, features=ROADS)
    assert not Street.objects.exists()


def test_the_command_loads_a_file_and_names_the_bad_lines(tmp_path, capsys):
    path = tmp_path / "roads.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [*ROADS, {"x": 1}]}), encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("grids", "streets", str(path))
    out = capsys.readouterr()
    assert "已载入 3 条道路" in out.out and "第 4 条道路" in out.err
    assert Street.objects.count() == 3


def test_the_demo_districts_streets_are_its_lattice_lines_with_named_main_roads():
    features = street_features(plan_layout(7, "small"))
    majors = [f for f in features if f["properties"]["kind"] == "major"]
    assert majors and all(f["properties"]["name"] for f in majors)
    assert len({f["properties"]["name"] for f in majors}) == len(majors)  # no two main roads share a name
    assert all(not f["properties"]["name"] for f in features if f["properties"]["kind"] == "minor")
    assert len(features) > MAJOR_EVERY * len(majors) - 2 * MAJOR_EVERY


def test_the_grid_map_layer_is_the_outlines_of_the_same_grids_compressed(district, client):
    """issue 19 item 13: the map loads outlines (code, sub-district, shape) gzip-compressed, the
    details of one grid on a click — the same grids, scoped the same, as `grids/`."""
    import gzip

    from chengguan.org.roles import RoleCode

    user = factories.staff(district.bureau, RoleCode.LEADER).user
    client.force_login(user)
    box = "113.6,34.7,113.7,34.8"
    full = client.get(f"/api/v1/grids/?bbox={box}").json()
    light = client.get(f"/api/v1/grid-outlines/?bbox={box}", HTTP_ACCEPT_ENCODING="gzip")
    assert light["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(light.content))
    assert sorted(f["id"] for f in body["features"]) == sorted(f["id"] for f in full["features"])
    assert body["count"] == len(district.grids)
    first = body["features"][0]
    assert set(first["properties"]) == {"id", "code", "subdistrict"}
    assert len(light.content) < len(json.dumps(full).encode()) / 3
    outsider = factories.staff(factories.bureau(name="二七区城市管理局", code="410103"), RoleCode.LEADER).user
    client.force_login(outsider)
    assert client.get(f"/api/v1/grid-outlines/?bbox={box}").json()["count"] == 0


def test_the_kept_outline_answer_follows_a_change_of_the_grid_set(district, client):
    """The compressed outlines are kept between visits, and a new grid shows on the next visit; a
    client that does not accept gzip gets the same body unpacked."""
    from chengguan.grids.codes import make_grid_code
    from chengguan.grids.services import grid_create
    from chengguan.org.roles import RoleCode
    from tests.grids.conftest import cell_geometry

    client.force_login(factories.staff(district.bureau, RoleCode.LEADER).user)
    url = "/api/v1/grid-outlines/?bbox=113.0,34.0,114.0,35.0"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == first.content
    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert "Content-Encoding" not in plain
    assert plain.json()["count"] == len(district.grids)

    east = [*district.xs, district.xs[-1] + factories.CELL_DLON]
    added = grid_create(
        actor=system_actor(),
        code=make_grid_code(district.communities[2], 90),
        community=district.communities[2],
        geometry=cell_geometry(east, district.ys, len(east) - 2, 0),
    )
    body = client.get(url, HTTP_ACCEPT_ENCODING="identity").json()
    assert body["count"] == len(district.grids) + 1
    assert added.code in {f["properties"]["code"] for f in body["features"]}
