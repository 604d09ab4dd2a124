"""The demo district's streets for the offline base map: the lattice's cell edges are its streets
(the duty demo's patrols walk along them), every fifth line a named main road, the rest side streets.
Names are Zhengzhou-style road names; the layout is generated, not a real map."""

from __future__ import annotations

from chengguan.demo import geometry
from chengguan.demo.layout import Layout

MAJOR_EVERY = 5
MARGIN = 3  # cells beyond the territory: a city's streets do not stop at the district line

EAST_WEST = ("人民路", "建设路", "中原路", "淮河路", "陇海路", "航海路")
EAST_WEST += ("伏牛路", "棉纺路", "农业路", "黄河路", "金水路", "商都路")
NORTH_SOUTH = ("桐柏路", "嵩山路", "秦岭路", "大学路", "京广路", "紫荆山路")
NORTH_SOUTH += ("未来路", "文化路", "花园路", "经三路", "政七街", "工人路")


def _name(names: tuple[str, ...], k: int) -> str:
    """The k-th name of the list; past its end, the names again with 东/西-style ordinal suffixes."""
    base = names[k % len(names)]
    rounds = k // len(names)
    return base if rounds == 0 else f"{base[:-1]}{rounds + 1}{base[-1]}"


def street_features(layout: Layout) -> list[dict]:
    """GeoJSON line features along the lattice over the territory's bounding box."""
    cells = layout.all_cells()
    i0, i1 = min(i for i, _ in cells) - MARGIN, max(i for i, _ in cells) + 1 + MARGIN
    j0, j1 = min(j for _, j in cells) - MARGIN, max(j for _, j in cells) + 1 + MARGIN
    west, east = geometry.corner_lon(layout.lon0, i0), geometry.corner_lon(layout.lon0, i1)
    south, north = geometry.corner_lat(layout.lat0, j0), geometry.corner_lat(layout.lat0, j1)
    features = []
    majors_ew = majors_ns = 0
    for j in range(j0, j1 + 1):
        lat = geometry.corner_lat(layout.lat0, j)
        major = j % MAJOR_EVERY == 0
        name = _name(EAST_WEST, majors_ew) if major else ""
        majors_ew += major
        features.append(_feature(name, major, [[west, lat], [east, lat]]))
    for i in range(i0, i1 + 1):
        lon = geometry.corner_lon(layout.lon0, i)
        major = i % MAJOR_EVERY == 0
        name = _name(NORTH_SOUTH, majors_ns) if major else ""
        majors_ns += major
        features.append(_feature(name, major, [[lon, south], [lon, north]]))
    return features


def _feature(name: str, major: bool, points: list[list[float]]) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, "kind": "major" if major else "minor"},
        "geometry": {"type": "LineString", "coordinates": points},
    }
