"""Reading a GPX 1.0/1.1 track (a device's or another app's export) into timed points. The standard
library's parser is enough for the three things we read (trkpt lat/lon, time, hdop); a file with a
DOCTYPE is refused outright, so no entity can expand."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
# GPX carries no accuracy in metres, only the dilution of precision: a fix's horizontal error is
# taken as HDOP × 5 m (a consumer receiver's typical range error); a point without HDOP is taken as
# a good fix of DEFAULT_ACCURACY_M.
METRES_PER_HDOP = 5
DEFAULT_ACCURACY_M = 10


class GpxError(ValueError):
    pass


@dataclass(frozen=True)
class GpxPoint:
    time: dt.datetime
    lon: float
    lat: float
    accuracy: int


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(data: bytes) -> list[GpxPoint]:
    """The timed points of every track segment (and route points), sorted by time."""
    if len(data) > MAX_BYTES:
        raise GpxError("too large")
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise GpxError("doctype")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise GpxError(str(exc)) from None
    if _local(root.tag) != "gpx":
        raise GpxError("not gpx")
    out = []
    for el in root.iter():
        if _local(el.tag) not in ("trkpt", "rtept"):
            continue
        children = {_local(c.tag): (c.text or "").strip() for c in el}
        if not children.get("time"):
            continue
        try:
            moment = dt.datetime.fromisoformat(children["time"].replace("Z", "+00:00"))
            lon, lat = float(el.attrib["lon"]), float(el.attrib["lat"])
            hdop = float(children["hdop"]) if children.get("hdop") else None
        except (KeyError, ValueError):
            raise GpxError("bad point") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise GpxError("bad point")
        accuracy = round(hdop * METRES_PER_HDOP) if hdop is not None else DEFAULT_ACCURACY_M
        out.append(GpxPoint(moment, lon, lat, accuracy))
    if not out:
        raise GpxError("no points")
    return sorted(out, key=lambda p: p.time)
