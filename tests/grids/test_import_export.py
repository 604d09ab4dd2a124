"""GeoJSON import reports each bad feature and keeps the good ones; export→import round-trips."""

from __future__ import annotations

import copy

import pytest

from chengguan.core.errors import PermissionDenied
from chengguan.core.models import AuditEvent
from chengguan.grids.index import current_version
from chengguan.grids.models import Grid
from chengguan.grids.selectors import locate_point
from chengguan.grids.services import grids_export, grids_import
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from tests import factories
from tests.factories import square


def feature(code, geometry, **props):
    properties = {"code": code, **props} if code is not None else props
    return {"type": "Feature", "geometry": geometry, "properties": properties}


@pytest.fixture
def mixed_file(district):
    """Eight features north of the district: two good, six bad in six different ways."""
    inspector = factories.staff(district.communities[0], RoleCode.INSPECTOR, username="zhang_jdy")
    north = district.ys[-1]

    def cell(col):
        return square(district.xs[col], north)

    bowtie = {
        "type": "Polygon",
        "coordinates": [[[113.62, 34.8], [113.63, 34.81], [113.63, 34.8], [113.62, 34.81], [113.62, 34.8]]],
    }
    features = [
        feature("41010200100160", cell(0), name="好网格一"),
        feature("4101020010016", cell(1)),  # 13 digits
        feature("41010200100261", cell(2), community="001"),  # code says community 002
        feature("41010200100162", bowtie),  # self-intersecting
        feature("41010200900163", cell(3)),  # no such sub-district/community
        feature(None, cell(4), name="没有编码"),
        feature(
            "41010200200164",
            cell(5),
            name="好网格二",
            squad="建设路中队",
            inspectors=[inspector.user.username],
        ),
        feature("41010200100165", cell(5), squad="不存在中队"),
    ]
    return {"type": "FeatureCollection", "features": features}


def test_import_reports_each_bad_feature_and_saves_the_good_ones(district, mixed_file):
    before = Grid.objects.count()
    ticks = []
    report = grids_import(actor=system_actor(), features=mixed_file["features"], progress=ticks.append)

    assert report.imported == 2
    assert report.updated == 0
    assert Grid.objects.count() == before + 2
    assert len(ticks) == len(mixed_file["features"])
    errors = {e.index: e for e in report.errors}
    assert sorted(errors) == [1, 2, 3, 4, 5, 7]
    assert "grid.code_format" in errors[1].reasons[0]
    assert errors[2].code == "41010200100261"
    assert any("grid.code_mismatch" in r and "社区" in r for r in errors[2].reasons)
    assert "grid.geometry_invalid" in errors[3].reasons[0]
    assert "grid.unknown_community" in errors[4].reasons[0]
    assert errors[5].code == "" and "grid.code_required" in errors[5].reasons[0]
    assert "grid.unknown_squad" in errors[7].reasons[0]
    # None of the bad ones slipped in.
    assert not Grid.objects.filter(code__in=["41010200100261", "41010200100162", "41010200100165"]).exists()

    second = Grid.objects.get(code="41010200200164")
    assert second.community == district.communities[2]
    assert second.squad == district.squad
    assert [u.username for u in second.inspectors.all()] == ["zhang_jdy"]
    # The new grids are found by the index straight away.
    centre = second.centroid_lon, second.centroid_lat
    assert locate_point(*centre) == second


def test_reimporting_the_same_file_changes_nothing(district, mixed_file):
    grids_import(actor=system_actor(), features=mixed_file["features"])
    events, version, count = AuditEvent.objects.count(), current_version(), Grid.objects.count()
    report = grids_import(actor=system_actor(), features=mixed_file)
    assert (report.imported, report.updated, report.unchanged) == (0, 0, 2)
    assert len(report.errors) == 6
    assert (AuditEvent.objects.count(), current_version(), Grid.objects.count()) == (events, version, count)


def test_import_updates_an_existing_grid_in_place(district):
    grid = district.cells[(0, 0)]
    item = grids_export(Grid.objects.filter(pk=grid.pk))["features"][0]
    item["properties"]["name"] = "更名后的网格"
    report = grids_import(actor=system_actor(), features=[item])
    assert (report.imported, report.updated) == (0, 1)
    assert Grid.objects.get(pk=grid.pk).name == "更名后的网格"
    assert AuditEvent.objects.filter(action="grid.update", object_id=str(grid.pk)).count() == 1


def test_same_code_twice_in_one_file_is_reported(district):
    cell = square(district.xs[0], district.ys[-1])
    report = grids_import(
        actor=system_actor(), features=[feature("41010200100170", cell), feature("41010200100170", cell)]
    )
    assert report.imported == 1
    assert report.errors[0].index == 1
    assert "grid.code_duplicate_in_file" in report.errors[0].reasons[0]


def test_export_then_import_round_trips(district):
    exported = grids_export(Grid.objects.all())
    assert len(exported["features"]) == len(district.cells)
    first = exported["features"][0]["properties"]
    assert set(first) >= {
        "code",
        "name",
        "subdistrict",
        "subdistrict_name",
        "community",
        "community_name",
        "squad",
        "area_m2",
        "inspectors",
    }
    assert first["subdistrict_name"] == "建设路街道"

    Grid.objects.all().delete()
    report = grids_import(actor=system_actor(), features=copy.deepcopy(exported))
    assert report.errors == []
    assert report.imported == len(district.cells)
    assert grids_export(Grid.objects.all()) == exported


def test_only_admins_may_import(district, mixed_file):
    inspector = factories.staff(district.communities[0], RoleCode.INSPECTOR).user
    with pytest.raises(PermissionDenied):
        grids_import(actor=inspector, features=mixed_file["features"])
    admin = factories.staff(district.bureau, RoleCode.ADMIN).user
    assert grids_import(actor=admin, features=mixed_file["features"]).imported == 2


def test_admin_imports_only_into_their_own_bureau(district):
    other = factories.bureau(name="二七区城市管理局", code="410103")
    sub = factories.subdistrict(other, code="001")
    factories.community(sub, code="001")
    admin = factories.staff(district.bureau, RoleCode.ADMIN).user
    report = grids_import(actor=admin, features=[feature("41010300100101", square(113.5, 34.7))])
    assert report.imported == 0
    assert "grid.unknown_community" in report.errors[0].reasons[0]
