"""`/api/v1/work-orders/`: intake idempotent on (channel, external id), field errors change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from chengguan.cases.models import Case, CaseSource
from chengguan.channels.models import WorkOrder
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R

NOW = dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(district, **extra) -> dict:
    lon, lat = district.point(1)
    return {
        "channel": "hotline_12345",
        "external_id": "GD20260930000017",
        "received_at": "2026-09-30T09:12:00+08:00",
        "content": "小区门口有人占道摆摊，影响通行",
        "category": district.days_category.code,
        "complainant_name": "王小红",
        "complainant_phone": "13812345678",
        "address": "建设西路100号",
        "lon": lon,
        "lat": lat,
        **extra,
    }


def test_posting_the_same_item_twice_opens_one_case(district):
    client = _client(district.users[R.OPERATOR])
    with pinned(NOW):
        first = client.post("/api/v1/work-orders/", _body(district), format="json")
        again = client.post(
            "/api/v1/work-orders/", _body(district, content="重发的内容不同也不改动"), format="json"
        )
    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert WorkOrder.objects.count() == Case.objects.count() == 1
    body = first.json()
    # Received on the eve of National Day: five working days end on 13 October (10 October is a
    # make-up working day), following 济南市12345市民服务热线条例 第二十四条.
    assert body["reply_due_at"].startswith("2026-10-13T18:00")
    assert body["complainant_phone"] == "138****5678" and body["complainant_name"] == "王**"
    case = Case.objects.get()
    assert case.source == CaseSource.HOTLINE and case.number == body["case_number"]
    assert case.feedback_due_at == WorkOrder.objects.get().reply_due_at
    assert AuditEvent.objects.filter(action="work_order.receive").count() == 1


def test_the_same_external_id_on_another_channel_is_another_item(district):
    client = _client(district.users[R.OPERATOR])
    with pinned(NOW):
        client.post("/api/v1/work-orders/", _body(district), format="json")
        deputy = client.post("/api/v1/work-orders/", _body(district, channel="deputy"), format="json")
    assert deputy.status_code == 201
    assert Case.objects.get(pk=WorkOrder.objects.get(channel="deputy").case_id).source == CaseSource.DEPUTY


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"channel": "weibo"}, "channel", None),
        ({"external_id": "  "}, "external_id", None),
        ({"category": "999999"}, "category", "case.unknown_category"),
        ({"complainant_phone": "12345"}, "reporter_phone", "case.bad_phone"),
        ({"received_at": "2026-10-09T09:00:00+08:00"}, "received_at", "work_order.future_time"),
        ({"lon": 100.0, "lat": 30.0}, "lon", "case.outside_jurisdiction"),
    ],
)
def test_bad_input_gets_a_field_error_and_changes_nothing(district, change, field, code):
    events = AuditEvent.objects.count()
    with pinned(NOW):
        response = _client(district.users[R.OPERATOR]).post(
            "/api/v1/work-orders/", _body(district, **change), format="json"
        )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["fields"]
    if code:
        assert body["code"] == code
    assert not WorkOrder.objects.exists() and not Case.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", [R.HANDLER, R.CITIZEN, R.INSPECTOR])
def test_only_intake_staff_receive_items(district, role):
    with pinned(NOW):
        response = _client(district.users[role]).post("/api/v1/work-orders/", _body(district), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "work_order.forbidden"
    assert not WorkOrder.objects.exists()


def test_the_list_masks_the_complainant_and_flags_overdue_items(district):
    with pinned(NOW):
        _client(district.users[R.OPERATOR]).post("/api/v1/work-orders/", _body(district), format="json")
    with pinned(dt.datetime(2026, 10, 14, 9, 0, tzinfo=SHANGHAI)):
        rows = _client(district.users[R.LEADER]).get("/api/v1/work-orders/").json()["results"]
    assert rows[0]["overdue"] is True
    assert "13812345678" not in str(rows)
    assert _client(district.users[R.CITIZEN]).get("/api/v1/work-orders/").json()["results"] == []


def test_the_endpoints_are_in_the_openapi_schema(district):
    schema = _client(district.users[R.LEADER]).get("/api/v1/schema/", {"format": "json"}).json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/work-orders/"])
    assert "get" in schema["paths"]["/api/v1/figures/"]
