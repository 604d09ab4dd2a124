"""`/healthz` for the load balancer, `/metrics` behind staff or a token, and one JSON log line per
request with the user's id and nothing personal."""

from __future__ import annotations

import json
import logging

import pytest
from django.urls import reverse

from chengguan.ops.logs import JsonFormatter
from chengguan.org.roles import RoleCode
from tests import factories


@pytest.fixture
def staff_users(db):
    bureau = factories.bureau()
    return {
        "admin": factories.staff(bureau, RoleCode.ADMIN, username="admin").user,
        "handler": factories.staff(bureau, RoleCode.HANDLER, username="handler", phone="13912345678").user,
    }


def test_healthz_reports_each_check(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage", "disk"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"] == "embedded (no broker)"
    assert not list((tmp_path / "media").rglob("*.txt"))  # the storage probe cleans up


def test_healthz_fails_when_the_disk_is_nearly_full(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CHENGGUAN_HEALTH_MIN_FREE_MB = 10**9
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "fail"
    assert response.json()["checks"]["disk"]["ok"] is False


def test_healthz_checks_the_broker_when_there_is_one(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    assert client.get("/healthz").json()["checks"]["broker"] == {
        "ok": True,
        "detail": "connected",
        "ms": pytest.approx(0, abs=2000),
    }
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["broker"]["ok"] is False


def test_metrics_need_an_administrator_or_the_token(client, staff_users, settings):
    assert client.get("/metrics").status_code == 401
    client.force_login(staff_users["handler"])
    assert client.get("/metrics").status_code == 401
    client.force_login(staff_users["admin"])
    response = client.get("/metrics")
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "django_http_requests_latency_seconds_by_view_method" in text
    client.logout()
    settings.CHENGGUAN_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_metrics_show_the_state_of_the_scheduled_jobs(client, staff_users):
    from chengguan.ops import scheduler

    scheduler.run_now("sms.retry")
    client.force_login(staff_users["admin"])
    text = client.get("/metrics").content.decode()
    assert 'chengguan_job_last_success_timestamp_seconds{job="sms.retry"}' in text
    assert 'chengguan_job_last_run_failed{job="sms.retry"} 0.0' in text


def test_one_json_line_per_request_with_the_user_id_and_nothing_personal(client, staff_users, caplog):
    handler = staff_users["handler"]
    client.force_login(handler)
    with caplog.at_level(logging.INFO, logger="chengguan.request"):
        response = client.get(
            reverse("web:organisation-staff", args=[handler.profile.organisation.pk]),
            {"q": "13912345678"},
            HTTP_X_REQUEST_ID="req-1",
        )
    (record,) = [r for r in caplog.records if r.name == "chengguan.request"]
    line = json.loads(JsonFormatter().format(record))
    assert response["X-Request-ID"] == "req-1"
    assert line["request_id"] == "req-1" and line["user_id"] == handler.pk and line["status"] == 200
    assert line["route"] == "/org/<int:pk>/staff/" and line["method"] == "GET" and line["ms"] >= 0
    flat = json.dumps(line, ensure_ascii=False)
    assert "13912345678" not in flat and "handler" not in flat and handler.profile.full_name not in flat


def test_static_files_are_served_by_whitenoise_and_not_logged(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="chengguan.request"):
        response = client.get("/static/chengguan/app.css")
    assert response.status_code == 200
    assert not [r for r in caplog.records if r.name == "chengguan.request"]
