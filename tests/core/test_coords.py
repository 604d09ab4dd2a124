"""Conversion between WGS-84 (stored), GCJ-02 (Chinese web maps, WeChat) and BD-09 (Baidu)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chengguan.core.coords import CRS_CHOICES, UnknownCrs, from_wgs84, to_wgs84
from chengguan.core.errors import ValidationFailed

ZHENGZHOU = (113.62, 34.75)
TOLERANCE = 1e-6  # degrees, about 0.1 m


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance; exact enough over a few kilometres."""
    lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(b[0] - a[0]) * math.cos(lat) * 6_371_000
    dy = math.radians(b[1] - a[1]) * 6_371_000
    return math.hypot(dx, dy)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_round_trip_near_zhengzhou_is_exact_to_a_tenth_of_a_metre(crs):
    shown = from_wgs84(*ZHENGZHOU, crs)
    back = to_wgs84(*shown, crs)
    assert abs(back[0] - ZHENGZHOU[0]) < TOLERANCE
    assert abs(back[1] - ZHENGZHOU[1]) < TOLERANCE


@settings(max_examples=200, deadline=None)
@given(
    lon=st.floats(min_value=113.5, max_value=113.75),
    lat=st.floats(min_value=34.65, max_value=34.85),
    crs=st.sampled_from(["gcj02", "bd09"]),
)
def test_round_trip_anywhere_in_the_district(lon, lat, crs):
    back = to_wgs84(*from_wgs84(lon, lat, crs), crs)
    assert abs(back[0] - lon) < TOLERANCE
    assert abs(back[1] - lat) < TOLERANCE


def test_gcj02_shifts_zhengzhou_by_a_few_hundred_metres_to_the_east():
    """GCJ-02 displaces points in China by roughly 100–700 m; around Zhengzhou it is about 570 m,
    mostly eastwards, which is why GCJ-02 input must be converted before locating a grid."""
    gcj = from_wgs84(*ZHENGZHOU, "gcj02")
    assert 300 < _metres(ZHENGZHOU, gcj) < 800
    assert gcj[0] > ZHENGZHOU[0]


def test_bd09_lies_further_from_wgs84_than_gcj02():
    gcj = from_wgs84(*ZHENGZHOU, "gcj02")
    bd = from_wgs84(*ZHENGZHOU, "bd09")
    assert 500 < _metres(gcj, bd) < 1500
    assert _metres(ZHENGZHOU, bd) > _metres(ZHENGZHOU, gcj)


@pytest.mark.parametrize("point", [(139.69, 35.68), (2.35, 48.86), (-74.0, 40.7)])
def test_points_outside_china_are_not_shifted_by_gcj02(point):
    assert from_wgs84(*point, "gcj02") == point
    assert to_wgs84(*point, "gcj02") == point


@pytest.mark.parametrize("crs", CRS_CHOICES)
def test_wgs84_is_stored_as_given(crs):
    shown = from_wgs84(*ZHENGZHOU, crs)
    if crs == "wgs84":
        assert shown == ZHENGZHOU
    else:
        assert shown != ZHENGZHOU


@pytest.mark.parametrize("crs", ["WGS84", "epsg:4326", "", None])
def test_an_unknown_coordinate_system_is_refused_with_a_clear_error(crs):
    with pytest.raises(UnknownCrs) as info:
        to_wgs84(*ZHENGZHOU, crs)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, ValidationFailed)
    assert info.value.code == "coords.unknown_crs"
    assert "坐标系" in info.value.message
    with pytest.raises(ValueError):
        from_wgs84(*ZHENGZHOU, crs)
