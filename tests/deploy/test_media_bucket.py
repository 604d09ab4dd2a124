"""Uploads in an S3-compatible bucket (issue 12 item 6: app servers hold no state). The bucket is a
real S3 endpoint over HTTP (moto's server), reached through django-storages exactly as the city's
object storage would be: a report's photo lands in the bucket, the case page streams it back to
those who may see it, the health check writes and reads the bucket, and a backup names the bucket
instead of copying it."""

from __future__ import annotations

import hashlib
import socket
import uuid

import boto3
import pytest
from django.core.files.storage import storages
from django.test import Client
from rest_framework.test import APIClient

from chengguan.cases.models import CaseEvidence
from chengguan.org.roles import RoleCode as R
from tests.cases import conftest as case_fixtures
from tests.cases.media import jpeg_bytes, jpeg_upload

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests

KEYS = {"access_key": "chengguan", "secret_key": "chengguan-secret"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    name = f"chengguan-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    settings.MEDIA_S3_BUCKET = name
    options = {"bucket_name": name, "endpoint_url": s3_endpoint, "region_name": "us-east-1", **KEYS}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "file_overwrite": False},
        },
    }
    assert type(storages["default"]).__name__ == "S3Storage"
    return client, name


def _objects(client, name: str) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listed}


def test_a_reported_photo_lands_in_the_bucket_and_comes_back_through_the_case_page(district, bucket):
    client_s3, name = bucket
    lon, lat = district.point(1)
    body = {"category": district.hours_category.code, "source": "patrol", "description": "井盖破损",
            "address": "建设路", "lon": lon, "lat": lat, "photos": [jpeg_upload("well.jpg")]}  # fmt: skip
    api = APIClient()
    api.force_authenticate(district.users[R.INSPECTOR])
    response = api.post("/api/v1/cases/", body, format="multipart")
    assert response.status_code == 201, response.content
    evidence = CaseEvidence.objects.get()
    stored = _objects(client_s3, name)
    assert set(stored) == {evidence.file.name, evidence.thumbnail.name}
    assert hashlib.sha256(stored[evidence.file.name]).hexdigest() == evidence.sha256
    assert stored[evidence.file.name] == jpeg_bytes()
    page = Client()
    page.force_login(district.users[R.OPERATOR])
    number = response.json()["number"]
    got = page.get(f"/cases/{number}/evidence/{evidence.pk}/file/")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == jpeg_bytes()
    outsider = Client()
    outsider.force_login(district.users["other_citizen"])
    assert outsider.get(f"/cases/{number}/evidence/{evidence.pk}/file/").status_code in (403, 404)


def test_the_health_check_writes_and_reads_the_bucket(district, bucket):
    client_s3, name = bucket
    body = Client().get("/healthz").json()
    assert body["checks"]["storage"]["ok"] is True, body
    assert body["checks"]["storage"]["detail"] == "S3Storage"
    assert _objects(client_s3, name) == {}  # the probe cleans up after itself


def test_a_backup_names_the_bucket_instead_of_copying_it(district, bucket, tmp_path, settings):
    from chengguan.ops import backup

    _client_s3, name = bucket
    settings.CHENGGUAN_BACKUP_KEY_FILE = str(tmp_path / "backup.key")
    result = backup.backup(tmp_path / "sets")
    assert result.manifest["media_storage"] == f"s3://{name}"
    assert result.manifest["media"] == []
