"""`chengguan grids import/export` and `chengguan locate` as an operator uses them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chengguan.core.coords import from_wgs84
from chengguan.grids.models import Grid
from tests.factories import square


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_locate_prints_code_community_and_subdistrict(district):
    grid = district.cells[(4, 1)]
    out, _err = run("locate", str(grid.centroid_lon), str(grid.centroid_lat))
    lines = out.splitlines()
    assert lines[0] == grid.code
    assert "汝河社区" in out
    assert "桐柏路街道" in out


def test_locate_converts_gcj02_input(district):
    grid = district.cells[(2, 3)]
    lon, lat = from_wgs84(grid.centroid_lon, grid.centroid_lat, "gcj02")
    out, _err = run("locate", f"{lon:.8f}", f"{lat:.8f}", "--crs", "gcj02")
    assert out.splitlines()[0] == grid.code
    assert "WGS-84" in out


def test_locate_outside_the_district_says_so_and_exits_1(district):
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("locate", "116.397", "39.909", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert out.getvalue() == ""
    assert "不在本辖区" in err.getvalue()
    assert "outside the jurisdiction" in err.getvalue()


def test_locate_rejects_an_unknown_crs(district):
    with pytest.raises(CommandError):
        run("locate", "113.62", "34.75", "--crs", "mercator")


def test_export_writes_a_feature_collection_and_filters_by_subdistrict(district, tmp_path):
    everything = tmp_path / "all.geojson"
    out, _err = run("grids", "export", str(everything))
    data = json.loads(everything.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == len(district.cells)
    assert str(len(district.cells)) in out

    tongbai = tmp_path / "002.geojson"
    run("grids", "export", str(tongbai), "--subdistrict", "002")
    codes = [f["properties"]["code"] for f in json.loads(tongbai.read_text(encoding="utf-8"))["features"]]
    assert codes and all(code.startswith("410102002") for code in codes)
    assert len(codes) == Grid.objects.filter(subdistrict=district.subdistricts[1]).count()


def test_import_prints_each_bad_feature_keeps_the_good_and_fails(district, tmp_path):
    north = district.ys[-1]
    path = tmp_path / "new.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": square(district.xs[0], north),
                        "properties": {"code": "41010200100180"},
                    },
                    {
                        "type": "Feature",
                        "geometry": square(district.xs[1], north),
                        "properties": {"code": "abc"},
                    },
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("grids", "import", str(path), "--no-progress", stdout=out, stderr=err)
    assert failure.value.returncode == 1
    assert "features[1] abc" in err.getvalue()
    assert "grid.code_format" in err.getvalue()
    assert "新增 1" in out.getvalue() and "rejected 1" in out.getvalue()
    assert Grid.objects.filter(code="41010200100180").exists()


def test_export_then_import_through_the_cli_changes_nothing(district, tmp_path):
    path = tmp_path / "grids.geojson"
    run("grids", "export", str(path))
    out, _err = run("grids", "import", str(path), "--no-progress")
    assert f"未变 {len(district.cells)}" in out
    assert "失败 0" in out


def test_import_of_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError) as failure:
        run("grids", "import", str(tmp_path / "nope.geojson"))
    assert "无法读取" in str(failure.value)
