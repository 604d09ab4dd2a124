"""The on-post rate (在岗率) of a strict-control street: the share of its required hours, counted in
15-minute slots, during which at least one on-duty member of staff was inside it. A slot counts when
a point of a track with accuracy ≤ 50 m falls inside the street's grids during that slot and its
owner was on duty (clocked in during a rostered shift) at that moment — a point recorded off duty
never counts, whatever its source."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from shapely import prepared
from shapely.geometry import Point as ShapelyPoint
from shapely.ops import unary_union

from chengguan.core.clock import SHANGHAI
from chengguan.duty.tracks import GOOD_ACCURACY_M, Point

SLOT = dt.timedelta(minutes=15)


def required_slots(starts: dt.time, ends: dt.time, first: dt.date, last: dt.date) -> list[dt.datetime]:
    """The starts of the required 15-minute slots from day `first` to `last` (inclusive); hours that
    end before they start run past midnight into the next day."""
    slots: list[dt.datetime] = []
    day = first
    while day <= last:
        begin = dt.datetime.combine(day, starts, SHANGHAI)
        end = dt.datetime.combine(day, ends, SHANGHAI)
        if end <= begin:
            end += dt.timedelta(days=1)
        moment = begin
        while moment + SLOT <= end:
            slots.append(moment)
            moment += SLOT
        day += dt.timedelta(days=1)
    return slots


def area(geometries: Iterable) -> object:
    """The street's area: the union of its grids' shapes, prepared for many point tests."""
    from chengguan.grids.geometry import shape_from_geojson

    return prepared.prep(unary_union([shape_from_geojson(g) for g in geometries]))


@dataclass(frozen=True)
class Track:
    started_at: dt.datetime
    points: list[Point]
    on_duty: list[tuple[dt.datetime, dt.datetime]]


def covered(slots: list[dt.datetime], street_area, tracks: Iterable[Track]) -> set[dt.datetime]:
    """The slots of `slots` (sorted) in which some good, on-duty point of `tracks` lies in the area."""
    hit: set[dt.datetime] = set()
    if not slots:
        return hit
    for track in tracks:
        for p in track.points:
            if p.accuracy > GOOD_ACCURACY_M:
                continue
            moment = p.at(track.started_at)
            i = bisect.bisect_right(slots, moment) - 1
            if i < 0 or moment >= slots[i] + SLOT or slots[i] in hit:
                continue
            if not any(s <= moment < e for s, e in track.on_duty):
                continue
            if street_area.contains(ShapelyPoint(p.lon, p.lat)):
                hit.add(slots[i])
    return hit
