"""Patrols: started only on duty, points uploaded in idempotent batches and packed, points recorded
off duty dropped, the length measured over good fixes, other people's tracks viewed on the record."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.core.coords import wgs84_to_gcj02
from chengguan.core.models import AuditEvent
from chengguan.duty import services, tracks
from chengguan.duty.models import Patrol, Post
from tests import factories
from tests.duty.conftest import at, pattern
from tests.duty.test_onpost import _street

pytestmark = pytest.mark.django_db

LON, LAT = 113.62, 34.75
# About 100 m of longitude at this latitude.
DLON = 100 / 91_440


def _on_duty(force, officer=0, clock_out=None):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    a = services.shift_assign(
        actor=force.system,
        shift=roster.shifts.get(date=dt.date(2026, 10, 8)),
        staff=force.officers[officer],
        post=Post.OFFICER,
    )
    with clock.pinned(at(2026, 10, 8, 8)):
        services.clock_in(actor=force.officers[officer], assignment=a)
    return a


def _point(minute: int, k: float, accuracy: int = 10) -> dict:
    return {
        "time": at(2026, 10, 8, 9, minute).isoformat(),
        "lon": LON + k * DLON,
        "lat": LAT,
        "accuracy": accuracy,
    }


def test_packing_round_trips_to_a_centimetre():
    pts = [tracks.Point(0, 113.6212345, 34.7512345, 8), tracks.Point(10, 113.6213, 34.7513, 60)]
    packed = tracks.pack(pts)
    assert len(packed) == 28
    back = tracks.unpack(packed)
    assert [p.t for p in back] == [0, 10]
    assert abs(back[0].lon - 113.6212345) < 1e-7 and back[1].accuracy == 60


def test_a_patrol_starts_only_on_duty(force):
    with clock.pinned(at(2026, 10, 8, 9)), pytest.raises(Exception) as exc:
        services.patrol_start(actor=force.officers[0])
    assert exc.value.code == "duty.not_on_duty"


def test_upload_is_idempotent_and_measures_the_length(force):
    _on_duty(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 9)):
        patrol = services.patrol_start(actor=officer)
    with clock.pinned(at(2026, 10, 8, 9, 30)):
        batch = [_point(1, 0), _point(2, 1), _point(3, 2, accuracy=200), _point(4, 3)]
        first = services.patrol_upload(actor=officer, patrol=patrol, key="b1", points=batch)
        events = AuditEvent.objects.count()
        again = services.patrol_upload(actor=officer, patrol=patrol, key="b1", points=batch)
        assert again.pk == first.pk and AuditEvent.objects.count() == events
        services.patrol_upload(actor=officer, patrol=patrol, key="b2", points=[_point(4, 3), _point(5, 4)])
    patrol.refresh_from_db()
    assert patrol.point_count == 5  # the repeated fix at minute 4 is held once
    # 0→1→3→4 hundred-metre steps over the good fixes (the 200 m fix is not counted): 400 m.
    assert patrol.distance_m == pytest.approx(400, rel=0.01)
    assert len(bytes(patrol.points)) == 5 * 14


def test_points_after_clocking_out_are_dropped(force):
    a = _on_duty(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 9)):
        patrol = services.patrol_start(actor=officer)
    with clock.pinned(at(2026, 10, 8, 9, 3)):
        services.clock_out(actor=officer, assignment=a)
    with clock.pinned(at(2026, 10, 8, 9, 30)):
        batch = services.patrol_upload(
            actor=officer, patrol=patrol, key="k", points=[_point(1, 0), _point(2, 1), _point(10, 5)]
        )
    assert (batch.accepted, batch.dropped) == (2, 1)


def test_a_bad_point_refuses_the_batch_and_changes_nothing(force):
    _on_duty(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 9)):
        patrol = services.patrol_start(actor=officer)
    with clock.pinned(at(2026, 10, 8, 9, 30)), pytest.raises(Exception) as exc:
        services.patrol_upload(
            actor=officer,
            patrol=patrol,
            key="k",
            points=[_point(1, 0), {"time": "x", "lon": 1, "lat": 2}],
        )
    assert exc.value.code == "duty.bad_points" and "points[1]" in exc.value.fields
    patrol.refresh_from_db()
    assert patrol.point_count == 0 and not patrol.batches.exists()


def test_the_field_app_flow_through_the_api_with_gcj02_points(force):
    _on_duty(force)
    officer, viewer = force.officers[0], force.users["squad_leader"]
    api = APIClient()
    api.force_authenticate(officer)
    with clock.pinned(at(2026, 10, 8, 9)):
        r = api.post("/api/v1/duty/patrols/")
        assert r.status_code == 201, r.content
        pk = r.json()["id"]
        glon, glat = wgs84_to_gcj02(LON, LAT)
        body = {
            "key": "batch-1",
            "crs": "gcj02",
            "points": [
                {
                    "time": at(
                        2026,
                        10,
                        8,
                        9,
                        0,
                    ).isoformat(),
                    "lon": glon,
                    "lat": glat,
                    "accuracy": 5,
                }
            ],
        }
        r = api.post(f"/api/v1/duty/patrols/{pk}/points/", body, format="json")
        assert r.status_code == 200 and r.json()["accepted"] == 1
        assert api.post(f"/api/v1/duty/patrols/{pk}/points/", body, format="json").json()["point_count"] == 1
        assert api.post(f"/api/v1/duty/patrols/{pk}/end/").status_code == 200
        assert api.post(f"/api/v1/duty/patrols/{pk}/end/").json()["code"] == "duty.patrol_ended"
        stored = tracks.unpack(Patrol.objects.get(pk=pk).points)[0]
        assert abs(stored.lon - LON) < 1e-5 and abs(stored.lat - LAT) < 1e-5  # converted to WGS-84
        on_duty = api.get("/api/v1/duty/on-duty/").json()
        assert [row["staff"] for row in on_duty] == [officer.pk]
        other = APIClient()
        other.force_authenticate(viewer)
        events = AuditEvent.objects.filter(action="duty.track_view").count()
        assert len(other.get(f"/api/v1/duty/patrols/{pk}/track/").json()) == 1
        assert AuditEvent.objects.filter(action="duty.track_view").count() == events + 1
        outsider = APIClient()
        outsider.force_authenticate(force.users["other_bureau_admin"])
        assert outsider.get(f"/api/v1/duty/patrols/{pk}/track/").status_code == 404
        # Somebody else cannot upload to this patrol.
        r = other.post(f"/api/v1/duty/patrols/{pk}/points/", {**body, "key": "x"}, format="json")
        assert r.status_code == 403


def test_the_patrol_page_shows_the_track_its_length_duration_and_the_grids_covered(force, client):
    street = _street(force)  # two 100 m grids side by side, east of (LON, LAT)
    codes = sorted(g.code for g in street.grids.all())
    _on_duty(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 9)):
        patrol = services.patrol_start(actor=officer)
    mid = LAT + factories.CELL_DLAT / 2

    def fix(minute, hundreds, accuracy=10):
        return {
            "time": at(2026, 10, 8, 9, minute).isoformat(),
            "lon": LON + hundreds * DLON,
            "lat": mid,
            "accuracy": accuracy,
        }

    with clock.pinned(at(2026, 10, 8, 9, 30)):
        # In the first grid, in the second, a poor fix, then out of the street (250 m further east).
        points = [fix(1, 0.5), fix(2, 1.5), fix(3, 1.2, accuracy=300), fix(4, 4.0)]
        services.patrol_upload(actor=officer, patrol=patrol, key="k", points=points)

    client.force_login(force.users["squad_leader"])
    listing = client.get(reverse("duty:patrols")).content.decode()
    assert reverse("duty:patrol", args=[patrol.pk]) in listing
    seen = AuditEvent.objects.filter(action="duty.track_view").count()
    r = client.get(reverse("duty:patrol", args=[patrol.pk]))
    page = r.content.decode()
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="duty.track_view").count() == seen + 1  # another's track
    length = page.split('data-testid="patrol-length">')[1].split("<")[0]
    assert length == "0.35"  # 0.5 → 1.5 → 4.0 hundred metres; the poor fix is not counted
    assert "0 小时 04 分" in page  # still out: to the last point, four minutes in
    covered = page.split('data-testid="patrol-grids"')[1].split("</ul>")[0]
    assert all(code in covered for code in codes)
    config = page.split('id="patrol-map-config" type="application/json">')[1].split("</script>")[0]
    config = json.loads(config)
    assert len(config["track"]) == 3 and len(config["poor"]) == 1
    assert config["track"][0] == pytest.approx([mid, LON + 0.5 * DLON])  # [lat, lon], WGS-84 as stored
    assert sorted(f["properties"]["code"] for f in config["grids"]["features"]) == codes
