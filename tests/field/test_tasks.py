"""My tasks in the field app: the caller's own 核实/签收/处置/核查 tasks (phones masked), steps taken
through the case machine with the device's key (a resend is answered once, never acted twice), the
409 with the case's new state when it moved on, the bureau's 核实 before filing, and a compressed
photo's EXIF as the device read it from the original."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chengguan.cases import services as case_services
from chengguan.cases import timeline
from chengguan.cases.models import Case, CaseEvidence, CaseSource, IntakeCheckSetting
from chengguan.cases.states import CaseState
from chengguan.core.errors import Conflict
from chengguan.core.models import AuditEvent
from chengguan.field.models import FieldAction
from chengguan.org import devices
from chengguan.org.roles import RoleCode
from tests import factories
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_bytes

R = RoleCode


def _phone(district, role) -> APIClient:
    _row, key = devices.issue(user=district.users[role], name="测试手机")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {key}")
    return client


def _act(client, case, action, *, key, photos=(), exif=None, **fields):
    data = {
        **fields,
        "photos": [SimpleUploadedFile(f"p{i}.jpg", b, "image/jpeg") for i, b in enumerate(photos)],
        "photo_sha256": [hashlib.sha256(b).hexdigest() for b in photos],
    }
    if exif is not None:
        data["photo_exif"] = [json.dumps(exif)]
    return client.post(
        f"/api/v1/field/tasks/{case.pk}/{action}", data, format="multipart", HTTP_IDEMPOTENCY_KEY=key
    )


@pytest.mark.django_db
def test_the_task_list_is_the_callers_own_with_phones_masked(district):
    handled = drive(district, CaseState.HANDLED)
    Case.objects.filter(pk=handled.pk).update(reporter_phone="13812345678", reporter_name="张三丰")
    dispatched = drive(district, CaseState.DISPATCHED)

    tasks = _phone(district, R.INSPECTOR).get("/api/v1/field/tasks").json()
    mine = {t["number"]: t for t in tasks}
    assert handled.number in mine and dispatched.number not in mine
    task = mine[handled.number]
    assert task["actions"] == ["verify", "rework"]
    assert task["reporter_phone"] != "13812345678" and "5678" in task["reporter_phone"]
    assert "13812345678" not in json.dumps(tasks, ensure_ascii=False)
    assert task["photos"] and task["photos"][0]["url"].startswith(f"/api/v1/field/tasks/{handled.pk}/photos/")
    photo = _phone(district, R.INSPECTOR).get(task["photos"][0]["url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"

    handler_tasks = _phone(district, R.HANDLER).get("/api/v1/field/tasks").json()
    assert {t["number"]: t["actions"] for t in handler_tasks}[dispatched.number] == ["accept"]
    # A handler of another unit neither sees the task nor reads its photos.
    other = _phone(district, "other_handler")
    assert dispatched.number not in {t["number"] for t in other.get("/api/v1/field/tasks").json()}
    assert other.get(task["photos"][0]["url"]).status_code == 404


@pytest.mark.django_db
def test_a_step_sent_twice_is_taken_once_and_answered_the_same(district):
    case = drive(district, CaseState.IN_HANDLING)
    phone = _phone(district, R.HANDLER)
    first = _act(phone, case, "handle", key="h-1", photos=[jpeg_bytes()], result="已清理完毕")
    assert first.status_code == 201, first.content
    events = AuditEvent.objects.filter(action="case.handle").count()
    again = _act(phone, case, "handle", key="h-1", photos=[jpeg_bytes()], result="已清理完毕")
    assert again.status_code == 200
    assert again.json()["replayed"] is True
    assert again.json()["state_after"] == first.json()["state_after"] == CaseState.HANDLED
    assert AuditEvent.objects.filter(action="case.handle").count() == events == 1
    assert FieldAction.objects.count() == 1
    assert CaseEvidence.objects.filter(case=case, stage="handle").count() == 1
    # The same key for another step is refused, not silently answered with the first.
    other = _act(phone, case, "accept", key="h-1")
    assert other.status_code == 409 and other.json()["code"] == "field.key_reused"


@pytest.mark.django_db
def test_a_step_on_a_case_that_moved_on_gets_409_with_its_state(district):
    case = drive(district, CaseState.HANDLED)
    colleague = factories.staff(district.centre, R.INSPECTOR, username="inspector2").user
    district.grids[0].inspectors.add(colleague)
    case_services.case_transition(actor=colleague, case=case, action="rework", reason="未清理干净")
    lon, lat = district.point(0)
    response = _act(
        _phone(district, R.INSPECTOR),
        case,
        "verify",
        key="v-1",
        photos=[jpeg_bytes()],
        photo_lon=lon,
        photo_lat=lat,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "case.invalid_transition"
    assert body["case"] == {
        "id": case.pk,
        "number": case.number,
        "state": CaseState.REWORK,
        "state_label": str(CaseState.REWORK.label),
    }
    assert FieldAction.objects.count() == 0


@pytest.mark.django_db
def test_a_public_report_waits_for_the_inspectors_check_where_the_bureau_asks(district):
    case = report(district, role=R.OPERATOR, source=CaseSource.CITIZEN)
    operator = district.users[R.OPERATOR]
    assert "check" not in case_services.available_actions(case, district.users[R.INSPECTOR])
    case_services.intake_check_set(
        actor=district.users[R.ADMIN], bureau=district.bureau, check_public_reports=True
    )
    assert IntakeCheckSetting.objects.get().check_public_reports
    case.refresh_from_db()
    assert "file" not in case_services.available_actions(case, operator)
    with pytest.raises(Conflict) as refused:
        case_services.case_transition(actor=operator, case=case, action="file")
    assert refused.value.code == "case.check_required"
    # A patrol report needs no check.
    patrol = report(district)
    assert "file" in case_services.available_actions(patrol, operator)

    phone = _phone(district, R.INSPECTOR)
    tasks = {t["number"]: t for t in phone.get("/api/v1/field/tasks").json()}
    assert tasks[case.number]["actions"] == ["check"]
    lon, lat = district.point(0)
    done = _act(
        phone,
        case,
        "check",
        key="c-1",
        photos=[jpeg_bytes()],
        finding="confirmed",
        photo_lon=lon,
        photo_lat=lat,
    )
    assert done.status_code == 201, done.content
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED and case.check_finding == "confirmed" and case.checked_at
    assert "check" not in case_services.available_actions(case, district.users[R.INSPECTOR])
    event = AuditEvent.objects.get(action="case.check")
    assert "核实结果：属实" in timeline.event_summary(event)
    case_services.case_transition(actor=operator, case=case, action="file")
    assert Case.objects.get(pk=case.pk).state == CaseState.FILED


@pytest.mark.django_db
def test_a_compressed_photo_keeps_the_exif_the_device_read_from_the_original(district):
    case = drive(district, CaseState.HANDLED)
    lon, lat = district.point(0)
    taken = dt.datetime.now(dt.UTC).replace(microsecond=0)
    stripped = jpeg_bytes(color=(10, 200, 30))  # no EXIF: as a canvas re-encoding leaves it
    response = _act(
        _phone(district, R.INSPECTOR),
        case,
        "verify",
        key="v-2",
        photos=[stripped],
        exif={"taken_at": taken.isoformat(), "lon": lon, "lat": lat},
    )
    assert response.status_code == 201, response.content
    assert response.json()["exif_flags"] == ["exif_from_device"]
    item = CaseEvidence.objects.get(case=case, stage="verify")
    assert item.sha256 == hashlib.sha256(stripped).hexdigest()
    assert item.taken_at == taken and abs(item.lon - lon) < 1e-9
    case.refresh_from_db()
    assert "no_time" not in case.verify_flags and "no_position" not in case.verify_flags
