"""The field app's intake: a device token files a report with photos whose SHA-256 the server
checks; the same key sent again is the same case; the device's capture time and position are kept
beside the server's receive time, and a photo's EXIF that disagrees is flagged."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chengguan.cases.models import Case, CaseEvidence
from chengguan.core.models import AuditEvent
from chengguan.field.models import FieldReport
from chengguan.org import devices
from chengguan.org.roles import RoleCode
from tests.cases.media import jpeg_bytes


@pytest.fixture
def phone(district) -> APIClient:
    _row, key = devices.issue(user=district.users[RoleCode.INSPECTOR], name="测试手机")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {key}")
    return client


def _report(client, district, *, key="k-1", photos=(), hashes=None, category=None, **extra):
    lon, lat = district.point(0)
    data = {
        "category": category or district.days_category.code,
        "description": "人行道上堆放建筑垃圾",
        "lon": lon,
        "lat": lat,
        "accuracy_m": 8.5,
        "captured_at": "2026-09-15T09:30:00+08:00",
        "photos": [SimpleUploadedFile(f"p{i}.jpg", b, "image/jpeg") for i, b in enumerate(photos)],
        "photo_sha256": hashes if hashes is not None else [hashlib.sha256(b).hexdigest() for b in photos],
        **extra,
    }
    return client.post("/api/v1/field/reports", data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_report_with_a_photo_files_one_case_and_keeps_the_device_facts(phone, district):
    lon, lat = district.point(0)
    taken = dt.datetime(2026, 9, 15, 9, 29, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    photo = jpeg_bytes(taken_at=taken, lon=lon, lat=lat)
    response = _report(phone, district, photos=[photo])
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get()
    assert body["case"]["number"] == case.number
    assert case.source == "patrol"
    item = CaseEvidence.objects.get(case=case)
    assert item.sha256 == hashlib.sha256(photo).hexdigest()
    report = FieldReport.objects.get(case=case)
    assert report.accuracy_m == 8.5
    assert report.captured_at == dt.datetime(2026, 9, 15, 1, 30, tzinfo=dt.UTC)
    assert report.received_at is not None and report.device.name == "测试手机"
    assert report.exif_flags == []
    assert AuditEvent.objects.filter(action="field.report_received").count() == 1


@pytest.mark.django_db
def test_the_same_key_sent_again_is_the_same_case(phone, district):
    photo = jpeg_bytes()
    first = _report(phone, district, photos=[photo])
    again = _report(phone, district, photos=[photo])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["case"]["number"] == first.json()["case"]["number"]
    assert Case.objects.count() == 1 and FieldReport.objects.count() == 1
    assert CaseEvidence.objects.count() == 1


@pytest.mark.django_db
def test_a_photo_damaged_on_the_way_is_refused_and_nothing_is_filed(phone, district):
    response = _report(phone, district, photos=[jpeg_bytes()], hashes=["0" * 64])
    assert response.status_code == 400
    assert response.json()["code"] == "field.photo_hash_mismatch"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_photo_without_its_hash_is_refused(phone, district):
    response = _report(phone, district, photos=[jpeg_bytes()], hashes=[])
    assert response.status_code == 400
    assert response.json()["code"] == "field.photo_hash_missing"


@pytest.mark.django_db
def test_exif_that_disagrees_with_the_device_is_flagged(phone, district):
    lon, lat = district.point(0)
    far = jpeg_bytes(taken_at=dt.datetime(2026, 9, 14, 9, 0, tzinfo=dt.UTC), lon=lon + 0.01, lat=lat)
    response = _report(phone, district, photos=[far])
    assert response.status_code == 201, response.content
    flags = response.json()["exif_flags"]
    assert any(f.endswith("clock_gap") for f in flags)
    assert any(":far:" in f for f in flags)


@pytest.mark.django_db
def test_an_unknown_category_is_refused_with_its_reason(phone, district):
    response = _report(phone, district, category="999999")
    assert response.status_code == 400
    assert response.json()["code"] == "case.unknown_category"
    assert response.json()["message"]


@pytest.mark.django_db
def test_a_report_needs_the_device_key(phone, district):
    response = _report(phone, district, key="")
    assert response.status_code == 400
    assert response.json()["code"] == "field.key_required"


@pytest.mark.django_db
def test_the_taxonomy_comes_compact_and_whole(phone, district):
    response = phone.get("/api/v1/field/categories")
    assert response.status_code == 200
    assert {c["code"] for c in response.json()} == {"200101", "200102"}
    assert response.json()[0].keys() == {"code", "name", "major", "kind"}


@pytest.mark.django_db
def test_a_citizen_cannot_use_the_field_api(district):
    _row, key = devices.issue(user=district.users[RoleCode.CITIZEN], name="x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {key}")
    assert client.get("/api/v1/field/categories").status_code == 403
