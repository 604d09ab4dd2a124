"""API (in the OpenAPI schema, uniform errors) and the web pages."""

from __future__ import annotations

import random

from rest_framework.test import APIClient

from chengguan.merchants import services
from chengguan.merchants.models import Merchant
from chengguan.org.system import system_actor
from tests.merchants.conftest import merchant_fields


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_create_list_and_update_through_the_api(district):
    c = api(district.users["inspector"])
    fields = merchant_fields(random.Random(1), district, 3)
    resp = c.post("/api/v1/merchants/", fields, format="json")
    assert resp.status_code == 201, resp.json()
    body = resp.json()
    assert body["grid"] == district.grids[3].code and "****" in body["phone"]
    listed = c.get("/api/v1/merchants/", {"q": fields["credit_code"]}).json()
    assert listed["count"] == 1
    resp = c.patch(f"/api/v1/merchants/{body['id']}/", {"frontage_m": "15.0"}, format="json")
    assert resp.status_code == 200 and resp.json()["frontage_m"] == "15.0"


def test_errors_are_code_message_fields(district):
    c = api(district.users["inspector"])
    fields = merchant_fields(random.Random(2), district, 0, credit_code="91410102JURQ283FQA")
    resp = c.post("/api/v1/merchants/", fields, format="json")
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"code", "message", "fields"} and "credit_code" in body["fields"]


def test_signing_through_the_api_and_illegal_steps_are_409(district):
    m = services.merchant_create(actor=system_actor(), **merchant_fields(random.Random(3), district, 0))
    letter = services.letter_prepare(actor=system_actor(), merchant=m, year=2026)
    c = api(district.users["squad_leader"])
    resp = c.post(f"/api/v1/merchants/letters/{letter.pk}/refuse/", {"reason": "拒绝签字"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "refused"
    assert "sign" in resp.json()["actions"]
    resp = c.post(
        f"/api/v1/merchants/letters/{letter.pk}/sign/",
        {"signer_name": "王", "method": "paper"},
        format="json",
    )
    assert resp.status_code == 400 and resp.json()["code"] == "letter.no_scan"
    resp = c.post(f"/api/v1/merchants/letters/{letter.pk}/refuse/", {"reason": "x"}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "letter.invalid_transition"


def test_letter_and_import_jobs_are_in_the_schema_and_start(district):
    c = api(district.users["admin"])
    schema = c.get("/api/v1/schema/")
    text = schema.content.decode()
    for path in (
        "/api/v1/merchants/",
        "/api/v1/merchants/jobs/import/",
        "/api/v1/merchants/jobs/letters/",
        "/api/v1/merchants/letters/{id}/sign/",
    ):
        assert path in text
    resp = c.post("/api/v1/merchants/jobs/letters/", {"year": 2026, "format": "zip"}, format="json")
    assert resp.status_code == 202 and resp.json()["status"] == "queued"
    denied = api(district.users["inspector"]).post(
        "/api/v1/merchants/jobs/letters/", {"year": 2026}, format="json"
    )
    assert denied.status_code == 403 and denied.json()["code"] == "merchant.forbidden"


def test_pages_render_for_staff(district, client):
    m = services.merchant_create(actor=system_actor(), **merchant_fields(random.Random(4), district, 0))
    services.letter_prepare(actor=system_actor(), merchant=m, year=2026)
    client.force_login(district.users["leader"])
    for url in (
        "/merchants/",
        f"/merchants/{m.pk}/",
        "/merchants/import/",
        "/merchants/letters/",
        "/merchants/coverage/?level=grid",
        "/merchants/new/",
        f"/merchants/{m.pk}/edit/",
    ):
        resp = client.get(url)
        assert resp.status_code == 200, url
    assert m.name in client.get("/merchants/").content.decode()
    geo = client.get("/merchants/coverage/grids.geojson").json()
    assert len(geo["features"]) == 8
    export = client.get("/merchants/export.xlsx")
    assert export.content[:2] == b"PK"
    assert client.get("/merchants/import/template.xlsx").content[:2] == b"PK"


def test_the_import_page_starts_a_job_and_shows_its_progress(district, client, tmp_path):
    from chengguan.core import jobs
    from chengguan.merchants.importer import template_workbook

    client.force_login(district.users["admin"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = client.post("/merchants/import/", {"file": SimpleUploadedFile("t.xlsx", template_workbook())})
    assert resp.status_code == 302
    job_id = int(resp["Location"].rstrip("/").split("/")[-1])
    job = jobs.run_job(job_id)
    assert job.status == "done", job.error
    page = client.get(f"/merchants/jobs/{job_id}/progress/").content.decode()
    assert "已完成" in page
    assert job.result["created"] == 1 and job.result["bad_count"] == 0
    assert Merchant.objects.get().credit_code == "91410102JURQ283FQM"


def test_the_merchant_page_names_its_history_steps_and_who_took_them(district, client):
    """Issue 19 item 18: the history said "merchant.update" and the login of whoever edited."""
    admin = district.users["admin"]
    m = services.merchant_create(actor=admin, **merchant_fields(random.Random(4), district, 0))
    client.force_login(admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/merchants/{m.pk}/").content.decode()
    assert "merchant.create" not in html
    assert "Merchant registered" in html
    assert admin.profile.full_name in html
