"""GPS tracks packed compactly: each point is (seconds since the patrol started, longitude and latitude
in 1e-7 degrees WGS-84, accuracy in metres) in 14 bytes, little-endian, sorted by time. A day's track
at one point every 10 seconds is under 200 kB instead of megabytes of JSON."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import struct
from dataclasses import dataclass

_POINT = struct.Struct("<iiiH")
SCALE = 10_000_000
# A point counts for distance (and, later, on-post slots) only when its fix is this good.
GOOD_ACCURACY_M = 50
_EARTH_M = 6_371_008.8


@dataclass(frozen=True, order=True)
class Point:
    t: int  # seconds since the patrol started
    lon: float
    lat: float
    accuracy: int  # metres

    def at(self, start: dt.datetime) -> dt.datetime:
        return start + dt.timedelta(seconds=self.t)


def pack(points: list[Point]) -> bytes:
    return b"".join(
        _POINT.pack(p.t, round(p.lon * SCALE), round(p.lat * SCALE), min(max(p.accuracy, 0), 65535))
        for p in sorted(points)
    )


def unpack(data: bytes | memoryview | None) -> list[Point]:
    raw = bytes(data or b"")
    return [Point(t, lon / SCALE, lat / SCALE, acc) for t, lon, lat, acc in _POINT.iter_unpack(raw)]


def merge(old: list[Point], new: list[Point]) -> list[Point]:
    """The union by time: a point at a second already held is the same fix sent again."""
    by_t = {p.t: p for p in old}
    for p in new:
        by_t.setdefault(p.t, p)
    return [by_t[t] for t in sorted(by_t)]


def metres(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi, dlmb = phi2 - phi1, math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * _EARTH_M * math.asin(math.sqrt(h))


def length(points: list[Point]) -> float:
    """The track's length over its good fixes (a poor fix would add a zig-zag that was never walked)."""
    good = [p for p in points if p.accuracy <= GOOD_ACCURACY_M]
    return sum(metres(a, b) for a, b in itertools.pairwise(good))
