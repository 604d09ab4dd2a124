"""The duty API the field app and other clients use: 督察 findings (scoped, recorded by the force
inspectors, put right through the machine's actions), my shifts with clock in and out from a phone
(device token, the device's time of a tap queued offline, once per key), and the field app's track
(batches stored once, points off duty never stored)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.core.models import AuditEvent
from chengguan.duty import services, tracks
from chengguan.duty.models import Assignment, Finding, Patrol, PatrolBatch, Post
from chengguan.notifications.models import Notification
from chengguan.org import devices
from tests.cases.media import jpeg_bytes
from tests.duty.conftest import at, pattern

pytestmark = pytest.mark.django_db

LON, LAT = 113.62, 34.75
DLON = 100 / 91_440  # about 100 m of longitude here


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _phone(user) -> APIClient:
    """A client signed in as the field app is: `Authorization: Device <key>`."""
    _row, key = devices.issue(user=user, name="巡查手机")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Device {key}")
    return api


def _assignment(force, officer=0, day=dt.date(2026, 10, 8)) -> Assignment:
    """The officer on the 24-hour shift from 08:00 of `day`."""
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=day.replace(day=1))
    return services.shift_assign(
        actor=force.system,
        shift=roster.shifts.get(date=day),
        staff=force.officers[officer],
        post=Post.OFFICER,
    )


# -- findings -----------------------------------------------------------------------------------


def test_findings_are_recorded_by_force_inspectors_and_scoped_to_the_viewer(
    force, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    inspector = _api(force.users["force_inspector"])
    body = {
        "unit": force.squad.pk,
        "kind": "discipline",
        "discipline": "uniform",
        "person": force.officers[0].pk,
        "description": "未按规定着装",
        "place": "人民路与建设路口",
        "lon": LON,
        "lat": LAT,
        "photo": _jpeg("scene.jpg"),
    }
    with clock.pinned(at(2026, 10, 12, 10)), django_capture_on_commit_callbacks(execute=True):
        r = inspector.post("/api/v1/duty/findings/", body, format="multipart")
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["state"] == "rectifying" and made["has_photo"] and made["due_on"] == "2026-10-15"
    assert made["unit_name"] == "第一中队" and made["person_name"] == "队员0"
    assert Notification.objects.filter(recipient=force.users["squad_leader"], message="duty.finding_recorded")

    # A handler may not record one; a discipline finding without its item is refused with its field.
    r = _api(force.users["handler"]).post("/api/v1/duty/findings/", {**body, "photo": ""}, format="multipart")
    assert r.status_code == 403
    r = inspector.post(
        "/api/v1/duty/findings/",
        {"unit": force.squad.pk, "kind": "discipline", "description": "x", "place": "y"},
        format="json",
    )
    assert r.status_code == 400 and "discipline" in r.json()["fields"]
    assert Finding.objects.count() == 1

    pk = made["id"]
    # The squad sees it (with what it may do), the other squad and another bureau do not.
    mine = _api(force.users["squad_leader"]).get("/api/v1/duty/findings/").json()
    rows = mine["results"] if isinstance(mine, dict) else mine
    assert [f["id"] for f in rows] == [pk]
    assert rows[0]["available_actions"] == ["report", "contest"]
    other = _api(force.users["other_squad_leader"])
    listed = other.get("/api/v1/duty/findings/").json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
    assert other.get(f"/api/v1/duty/findings/{pk}/").status_code == 404
    assert _api(force.users["other_bureau_admin"]).get(f"/api/v1/duty/findings/{pk}/").status_code == 404
    assert _api(force.users["leader"]).get("/api/v1/duty/findings/?state=rectifying").json()
    assert inspector.get("/api/v1/duty/findings/?state=nonsense").status_code == 400


def _jpeg(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def test_a_finding_is_put_right_through_the_api_actions(force, django_capture_on_commit_callbacks):
    with clock.pinned(at(2026, 10, 12, 10)):
        f = services.finding_record(
            actor=force.users["force_inspector"],
            unit=force.squad,
            kind="not_on_post",
            description="岗位无人",
            place="人民路",
        )
    unit, inspector = _api(force.users["squad_leader"]), _api(force.users["force_inspector"])
    base = f"/api/v1/duty/findings/{f.pk}"
    # The inspector cannot close what was not reported: 409 with the machine's code.
    r = inspector.post(f"{base}/close/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "finding.invalid_transition"
    # The unit must say what it did.
    r = unit.post(f"{base}/report/", {}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "finding.missing_fields"
    with clock.pinned(at(2026, 10, 13, 9)), django_capture_on_commit_callbacks(execute=True):
        r = unit.post(f"{base}/report/", {"rectification": "已安排人员到岗"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "reported"
    # The inspectors are told, as when the unit reports on the page.
    assert Notification.objects.filter(
        recipient=force.users["force_inspector"], message="duty.finding_reported"
    )
    r = inspector.post(f"{base}/send_back/", {"reason": "现场仍无人"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "rectifying" and r.json()["sent_back"] == 1
    unit.post(f"{base}/report/", {"rectification": "已到岗并签到"}, format="json")
    r = inspector.post(f"{base}/close/", {"note": "复查合格"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "closed" and r.json()["available_actions"] == []
    assert AuditEvent.objects.filter(action__startswith="finding.").count() == 4


def test_every_duty_endpoint_of_the_issue_is_in_the_schema(client, force):
    import yaml

    client.force_login(force.users["admin"])
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    paths = set(schema["paths"])
    for name in ("rosters", "shifts", "logs", "patrols", "findings", "meetings", "notices"):
        assert f"/api/v1/duty/{name}/" in paths
        assert f"/api/v1/duty/{name}/{{id}}/" in paths
    for extra in (
        "/api/v1/duty/findings/{id}/report/",
        "/api/v1/duty/findings/{id}/close/",
        "/api/v1/duty/assignments/",
        "/api/v1/duty/assignments/{id}/clock-in/",
        "/api/v1/duty/assignments/{id}/clock-out/",
        "/api/v1/duty/track-points/",
    ):
        assert extra in paths
    assert "post" in schema["paths"]["/api/v1/duty/findings/"]


# -- clock in and out from the field app --------------------------------------------------------


def test_a_phone_lists_my_shifts_and_clocks_in_and_out(force):
    a = _assignment(force)
    phone = _phone(force.officers[0])
    with clock.pinned(at(2026, 10, 8, 7)):
        mine = phone.get("/api/v1/duty/assignments/").json()
        assert [row["id"] for row in mine] == [a.pk]
        assert _t(mine[0]["clock_in_from"]) == at(2026, 10, 8, 7, 30) and not mine[0]["on_duty"]
        assert mine[0]["shift"]["unit"] == "第一中队"
        r = phone.post(f"/api/v1/duty/assignments/{a.pk}/clock-in/", {}, format="json")
        assert r.status_code == 409 and r.json()["code"] == "duty.too_early"  # the web's rule
    with clock.pinned(at(2026, 10, 8, 7, 45)):
        r = phone.post(
            f"/api/v1/duty/assignments/{a.pk}/clock-in/", {}, format="json", HTTP_IDEMPOTENCY_KEY="tap-1"
        )
        assert r.status_code == 200 and _t(r.json()["clock_in_at"]) == at(2026, 10, 8, 7, 45)
    with clock.pinned(at(2026, 10, 8, 9)):
        assert phone.get("/api/v1/duty/assignments/").json()[0]["on_duty"]
        r = phone.post(f"/api/v1/duty/assignments/{a.pk}/clock-out/", {}, format="json")
        assert r.status_code == 200 and _t(r.json()["clock_out_at"]) == at(2026, 10, 8, 9)
    event = AuditEvent.objects.filter(action="duty.clock_in").get()
    assert event.after["device"] is not None  # which phone, on the record
    # Somebody else's assignment is not found.
    assert _phone(force.officers[1]).post(f"/api/v1/duty/assignments/{a.pk}/clock-in/").status_code == 404


def test_a_clock_in_queued_offline_counts_at_the_device_time_once(force):
    a = _assignment(force)
    phone = _phone(force.officers[0])
    tapped = at(2026, 10, 8, 8, 2)
    url = f"/api/v1/duty/assignments/{a.pk}/clock-in/"
    with clock.pinned(at(2026, 10, 8, 10, 30)):  # sent when the network came back
        first = phone.post(url, {"at": tapped.isoformat()}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        again = phone.post(url, {"at": tapped.isoformat()}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    a.refresh_from_db()
    assert a.clock_in_at == tapped and a.clock_in_received_at == at(2026, 10, 8, 10, 30)
    assert AuditEvent.objects.filter(action="duty.clock_in").count() == 1
    # A different tap for the same shift is the web's conflict.
    with clock.pinned(at(2026, 10, 8, 10, 31)):
        r = phone.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert r.status_code == 409 and r.json()["code"] == "duty.already_in"
    # The duty rule at the device's time: on duty from 08:02, so a patrol point at 08:05 counts.
    assert services.selectors.is_on_duty(force.officers[0], at(2026, 10, 8, 8, 5)) is not None


@pytest.mark.parametrize(
    "tapped, code",
    [
        (at(2026, 10, 7, 9), "duty.device_time"),  # more than a day before it reached the server
        (at(2026, 10, 8, 12), "duty.device_time"),  # later than the server's clock
        (at(2026, 10, 8, 7), "duty.too_early"),  # the rule, at the device's time
    ],
)
def test_a_device_time_out_of_bounds_or_against_the_rule_is_refused(force, tapped, code):
    a = _assignment(force)
    phone = _phone(force.officers[0])
    with clock.pinned(at(2026, 10, 8, 11)):
        r = phone.post(
            f"/api/v1/duty/assignments/{a.pk}/clock-in/",
            {"at": tapped.isoformat()},
            format="json",
            HTTP_IDEMPOTENCY_KEY="k",
        )
    assert r.json()["code"] == code and r.status_code in (400, 409)
    a.refresh_from_db()
    assert a.clock_in_at is None


# -- the field app's track ----------------------------------------------------------------------


def _fix(h: int, m: int, k: float, accuracy: int = 8) -> dict:
    return {
        "time": at(2026, 10, 8, h, m).isoformat(),
        "lon": LON + k * DLON,
        "lat": LAT,
        "accuracy": accuracy,
    }


def test_a_track_batch_sent_twice_is_stored_once(force):
    a = _assignment(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 8)):
        services.clock_in(actor=officer, assignment=a)
    phone = _phone(officer)
    body = {"key": "batch-1", "points": [_fix(9, 0, 0), _fix(9, 1, 1), _fix(9, 2, 2)]}
    with clock.pinned(at(2026, 10, 8, 9, 5)):
        first = phone.post("/api/v1/duty/track-points/", body, format="json")
        again = phone.post("/api/v1/duty/track-points/", body, format="json")
    assert first.status_code == again.status_code == 200, first.content
    assert first.json() == again.json()
    assert first.json()["accepted"] == 3 and first.json()["dropped"] == 0
    patrol = Patrol.objects.get()
    assert (
        patrol.source == "field" and patrol.assignment_id == a.pk and patrol.started_at == at(2026, 10, 8, 8)
    )
    assert patrol.point_count == 3 and patrol.distance_m == pytest.approx(200, rel=0.01)
    assert PatrolBatch.objects.count() == 1
    assert AuditEvent.objects.filter(action="duty.patrol_upload").count() == 1
    # The next batch joins the same patrol; clocking out ends it.
    with clock.pinned(at(2026, 10, 8, 9, 10)):
        phone.post("/api/v1/duty/track-points/", {"key": "batch-2", "points": [_fix(9, 3, 3)]}, format="json")
        services.clock_out(actor=officer, assignment=a)
    patrol.refresh_from_db()
    assert patrol.point_count == 4 and patrol.ended_at == at(2026, 10, 8, 9, 10)
    assert Patrol.objects.count() == 1


def test_points_recorded_off_duty_are_never_stored(force):
    a = _assignment(force)
    officer = force.officers[0]
    phone = _phone(officer)
    # Not clocked in: the whole batch is refused and nothing is made.
    with clock.pinned(at(2026, 10, 8, 9, 5)):
        r = phone.post("/api/v1/duty/track-points/", {"key": "b0", "points": [_fix(9, 0, 0)]}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "duty.not_on_duty"
    assert not Patrol.objects.exists() and not PatrolBatch.objects.exists()
    # Clocked in at 09:10 and out at 09:20: only the points in between are kept.
    with clock.pinned(at(2026, 10, 8, 9, 10)):
        services.clock_in(actor=officer, assignment=a)
    with clock.pinned(at(2026, 10, 8, 9, 20)):
        services.clock_out(actor=officer, assignment=a)
    with clock.pinned(at(2026, 10, 8, 9, 30)):
        points = [_fix(9, 5, 0), _fix(9, 12, 1), _fix(9, 15, 2), _fix(9, 25, 3)]
        r = phone.post("/api/v1/duty/track-points/", {"key": "b1", "points": points}, format="json")
    assert r.status_code == 200 and (r.json()["accepted"], r.json()["dropped"]) == (2, 2)
    patrol = Patrol.objects.get()
    kept = [p.at(patrol.started_at) for p in tracks.unpack(patrol.points)]
    assert kept == [at(2026, 10, 8, 9, 12), at(2026, 10, 8, 9, 15)]
    assert patrol.ended_at == at(2026, 10, 8, 9, 20)
    # A bad point refuses the batch whole.
    with clock.pinned(at(2026, 10, 8, 9, 30)):
        r = phone.post(
            "/api/v1/duty/track-points/",
            {"key": "b2", "points": [_fix(9, 13, 0), {"time": "x", "lon": 1, "lat": 2}]},
            format="json",
        )
    assert r.status_code == 400


def test_the_field_track_is_shown_on_the_patrol_page(force, client):
    a = _assignment(force)
    officer = force.officers[0]
    with clock.pinned(at(2026, 10, 8, 8)):
        services.clock_in(actor=officer, assignment=a)
    with clock.pinned(at(2026, 10, 8, 9, 5)):
        services.track_upload(actor=officer, key="b", points=[_fix(9, 0, 0), _fix(9, 1, 1), _fix(9, 2, 2)])
    patrol = Patrol.objects.get()
    client.force_login(force.users["squad_leader"])
    assert reverse("duty:patrol", args=[patrol.pk]) in client.get(reverse("duty:patrols")).content.decode()
    page = client.get(reverse("duty:patrol", args=[patrol.pk])).content.decode()
    assert page.split('data-testid="patrol-length">')[1].split("<")[0] == "0.20"
