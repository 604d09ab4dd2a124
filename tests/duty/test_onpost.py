"""The on-post rate of a strict-control street against a hand count; GPX import; track retention."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.core.coords import wgs84_to_gcj02
from chengguan.core.models import AuditEvent
from chengguan.duty import services, tracks
from chengguan.duty.models import Patrol, Post, StreetKind
from tests import factories
from tests.duty.conftest import at, pattern

pytestmark = pytest.mark.django_db

LON, LAT = 113.62, 34.75
# The street is two 100 m grids side by side; a point at x hundred metres east, mid-height.
IN_1, IN_2, OUTSIDE = 0.5, 1.5, 4.0


def _x(hundreds: float) -> float:
    return LON + hundreds * factories.CELL_DLON


def _street(force):
    sub = factories.subdistrict(force.bureau)
    comm = factories.community(sub)
    grids = [
        factories.grid(comm, 1, factories.square(LON, LAT)),
        factories.grid(comm, 2, factories.square(_x(1), LAT)),
    ]
    return services.street_define(
        actor=force.users["admin"],
        bureau=force.bureau,
        name="人民路",
        kind=StreetKind.STRICT,
        grids=grids,
        starts=dt.time(9),
        ends=dt.time(11),
    )


def _roster(force):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    shift = roster.shifts.get(date=dt.date(2026, 10, 8))
    return [
        services.shift_assign(actor=force.system, shift=shift, staff=o, post=Post.OFFICER)
        for o in force.officers[:3]
    ]


def _patrol(force, officer, start, points):
    """A patrol row with its points (minutes after 09:00, hundreds of metres east, accuracy)."""
    pts = [
        tracks.Point(
            int((at(2026, 10, 8, 9) + dt.timedelta(minutes=m) - start).total_seconds()),
            _x(x),
            LAT + 0.0004,
            acc,
        )
        for m, x, acc in points
    ]
    return Patrol.objects.create(
        bureau=force.bureau,
        unit=force.squad,
        staff=officer,
        started_at=start,
        points=tracks.pack(pts),
        point_count=len(pts),
    )


def test_the_on_post_rate_equals_a_hand_count(force):
    street = _street(force)
    a0, _a1, a2 = _roster(force)
    o0, o1, o2 = force.officers[:3]
    with clock.pinned(at(2026, 10, 8, 8)):
        services.clock_in(actor=o0, assignment=a0)
        services.clock_in(actor=o2, assignment=a2)
    with clock.pinned(at(2026, 10, 8, 10)):
        services.clock_out(actor=o2, assignment=a2)
    # Officer 0, on duty all morning: inside in slots 0 (09:05) and 1 (09:20), leaves the street in
    # slot 2 (09:35, 400 m east), comes back in slot 3 (09:50); a poor fix (80 m) inside in slot 4;
    # inside again in slot 7 (10:50); a point before the required hours (08:50) does not count.
    _patrol(
        force,
        o0,
        at(2026, 10, 8, 8, 45),
        [
            (-10, IN_1, 10),
            (5, IN_1, 10),
            (20, IN_2, 30),
            (35, OUTSIDE, 10),
            (50, IN_2, 10),
            (65, IN_1, 80),
            (110, IN_1, 10),
        ],
    )
    # Officer 1 is rostered but never clocked in: off duty, inside in slot 5 (10:20) — not counted.
    _patrol(force, o1, at(2026, 10, 8, 10), [(80, IN_1, 5)])
    # Officer 2 clocked out at 10:00: inside at 09:55 (slot 3, already held) and 10:35 (slot 6, off duty).
    _patrol(force, o2, at(2026, 10, 8, 9, 30), [(55, IN_1, 5), (95, IN_2, 5)])

    from chengguan.duty import selectors

    rate = selectors.on_post_rate(force.users["leader"], street, dt.date(2026, 10, 8), dt.date(2026, 10, 8))
    # Hand count: 8 required slots (09:00–11:00); slots 0, 1, 3 and 7 have an on-duty good point inside.
    assert (rate.required, rate.covered) == (8, 4)
    assert rate.rate == 0.5 and rate.required_hours == 2 and rate.covered_hours == 1
    local = [(s.astimezone(clock.SHANGHAI).time(), e.astimezone(clock.SHANGHAI).time()) for s, e in rate.gaps]
    assert local == [
        (dt.time(9, 30), dt.time(9, 45)),
        (dt.time(10), dt.time(10, 45)),
    ]
    # The next day has no track at all: 0 of 8; both days together: 4 of 16.
    two = selectors.on_post_rate(force.users["leader"], street, dt.date(2026, 10, 8), dt.date(2026, 10, 9))
    assert (two.required, two.covered) == (16, 4) and [d.covered for d in two.days] == [4, 0]

    api = APIClient()
    api.force_authenticate(force.users["squad_leader"])
    r = api.get(f"/api/v1/duty/streets/{street.pk}/on-post-rate/?date_from=2026-10-08")
    assert r.status_code == 200, r.content
    assert (r.json()["required"], r.json()["covered"], r.json()["rate"]) == (8, 4, 0.5)
    assert api.get("/api/v1/duty/streets/").json()["results"][0]["grids"] == sorted(
        g.code for g in street.grids.all()
    )
    outsider = APIClient()
    outsider.force_authenticate(force.users["other_bureau_admin"])
    assert outsider.get(f"/api/v1/duty/streets/{street.pk}/on-post-rate/").status_code == 404


def test_a_night_street_runs_past_midnight():
    from chengguan.duty import onpost

    slots = onpost.required_slots(dt.time(22), dt.time(2), dt.date(2026, 10, 8), dt.date(2026, 10, 8))
    assert len(slots) == 16 and slots[-1] == at(2026, 10, 9, 1, 45)


def test_only_the_office_names_streets(force):
    with pytest.raises(Exception) as exc:
        services.street_define(
            actor=force.users["handler"],
            bureau=force.bureau,
            name="x",
            kind=StreetKind.MODEL,
            grids=[],
            starts=dt.time(9),
            ends=dt.time(10),
        )
    assert exc.value.code == "duty.forbidden"


def _gpx(points, crs_convert=False) -> bytes:
    rows = []
    for moment, lon, lat, hdop in points:
        if crs_convert:
            lon, lat = wgs84_to_gcj02(lon, lat)
        extra = f"<hdop>{hdop}</hdop>" if hdop is not None else ""
        rows.append(
            f'<trkpt lat="{lat:.8f}" lon="{lon:.8f}"><ele>90</ele>'
            f"<time>{moment.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}</time>{extra}</trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>巡查</name><trkseg>'
        + "".join(rows)
        + "</trkseg></trk></gpx>"
    ).encode()


def test_a_gpx_track_is_imported_once_in_gcj02_keeping_only_duty_points(force):
    a0, _a1, _a2 = _roster(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 9)):
        services.clock_in(actor=officer, assignment=a0)
    data = _gpx(
        [
            (at(2026, 10, 8, 7, 50), _x(0), LAT, 1.0),  # before the shift: off duty, dropped
            (at(2026, 10, 8, 9, 10), _x(0), LAT, 1.0),
            (at(2026, 10, 8, 9, 11), _x(1), LAT, None),
            (at(2026, 10, 8, 9, 12), _x(2), LAT, 2.0),
        ],
        crs_convert=True,
    )
    with clock.pinned(at(2026, 10, 8, 12)):
        batch = services.patrol_import_gpx(
            actor=officer, staff=officer, data=data, crs="gcj02", filename="t.gpx"
        )
        events = AuditEvent.objects.filter(action="duty.patrol_import").count()
        again = services.patrol_import_gpx(actor=officer, staff=officer, data=data, crs="gcj02")
    assert (batch.accepted, batch.dropped) == (3, 1) and again.pk == batch.pk and events == 1
    patrol = batch.patrol
    assert patrol.started_at == at(2026, 10, 8, 9, 10) and patrol.ended_at == at(2026, 10, 8, 9, 12)
    pts = tracks.unpack(patrol.points)
    assert abs(pts[0].lon - _x(0)) < 1e-5 and abs(pts[0].lat - LAT) < 1e-5  # back to WGS-84
    assert [p.accuracy for p in pts] == [5, 10, 10]
    assert patrol.distance_m == pytest.approx(200, rel=0.02)
    with pytest.raises(Exception) as exc:
        services.patrol_import_gpx(actor=force.officers[1], staff=officer, data=data)
    assert exc.value.code == "duty.not_your_patrol"
    with pytest.raises(Exception) as exc:
        services.patrol_import_gpx(actor=officer, staff=officer, data=b"<!DOCTYPE x [<!ENTITY a 'b'>]><gpx/>")
    assert exc.value.code == "duty.bad_gpx"


def test_the_gpx_api_imports_a_file(force):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a0, _a1, _a2 = _roster(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 9)):
        services.clock_in(actor=officer, assignment=a0)
    api = APIClient()
    api.force_authenticate(officer)
    with clock.pinned(at(2026, 10, 8, 12)):
        r = api.post(
            "/api/v1/duty/patrols/import-gpx/",
            {"file": SimpleUploadedFile("a.gpx", _gpx([(at(2026, 10, 8, 9, 30), LON, LAT, 1)]))},
            format="multipart",
        )
    assert r.status_code == 201, r.content
    assert r.json()["accepted"] == 1


def test_old_track_points_are_deleted_after_the_retention_period(force, settings):
    settings.CHENGGUAN_DUTY_TRACK_RETENTION_DAYS = 30
    old = _patrol(force, force.officers[0], at(2026, 9, 1, 9), [(0, IN_1, 5)])
    new = _patrol(force, force.officers[0], at(2026, 9, 20, 9), [(0, IN_1, 5)])
    from chengguan.duty.scheduled import tracks_purge

    now = at(2026, 10, 8, 3, 20)
    assert tracks_purge(now) == {"purged": 1}
    assert tracks_purge(now) == {"purged": 0}
    old.refresh_from_db()
    new.refresh_from_db()
    assert bytes(old.points) == b"" and old.purged_at == now and old.point_count == 1
    assert len(bytes(new.points)) == 14 and new.purged_at is None
    assert AuditEvent.objects.filter(action="duty.tracks_purge").count() == 1
    with pytest.raises(Exception) as exc:
        services.tracks_purge(actor=force.users["handler"], bureau=force.bureau)
    assert exc.value.code == "duty.forbidden"


def test_the_purge_command(force, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.CHENGGUAN_DUTY_TRACK_RETENTION_DAYS = 1
    _patrol(force, force.officers[0], at(2026, 9, 1, 9), [(0, IN_1, 5)])
    out = StringIO()
    with clock.pinned(at(2026, 10, 8)):
        call_command("duty", "purge-tracks", stdout=out)
    assert "1" in out.getvalue()
