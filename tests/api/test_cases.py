"""Cases over REST: intake, the list and its filters, the detail, exports, the map and the schema."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chengguan.cases import export
from chengguan.cases.models import Case, ReplyTemplate
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.core.coords import wgs84_to_bd09, wgs84_to_gcj02
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.api.conftest import assert_error
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_bytes, jpeg_upload

URL = "/api/v1/cases/"

# The closed-loop district of tests/cases (a user for each role, two categories) replaces the API
# tests' own district here; evidence files go to a temporary MEDIA_ROOT.
district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests


def _intake(district, grid: int = 0, **extra) -> dict:
    lon, lat = district.point(grid)
    body = {
        "category": district.hours_category.code,
        "description": "人行道上堆放建筑垃圾",
        "lon": lon,
        "lat": lat,
        "source": "patrol",
    }
    body.update(extra)
    return body


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


# ---------------------------------------------------------------------------------------------
# Intake


def test_report_in_wgs84_lands_in_its_grid_and_units(district, as_user, quiet):
    response = as_user(district.users[R.INSPECTOR]).post(URL, _intake(district, grid=1), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "reported"
    assert body["state_name"] == "已上报"
    assert body["grid"]["code"] == district.grids[1].code
    assert body["community"] == {"id": district.community.pk, "name": "棉纺社区"}
    assert body["subdistrict"]["id"] == district.subdistrict.pk
    assert body["squad"]["id"] == district.squad.pk
    assert body["category"]["code"] == "200101"
    assert body["source_name"] == "监督员上报"
    assert body["input_crs"] == "wgs84"
    assert body["stage_due_at"] is not None
    assert Case.objects.get(pk=body["id"]).number == body["number"]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_report_in_chinese_map_coordinates_is_converted_to_wgs84(district, as_user, quiet, crs):
    lon, lat = district.point(2)
    convert = wgs84_to_gcj02 if crs == "gcj02" else wgs84_to_bd09
    map_lon, map_lat = convert(lon, lat)
    body = _intake(district, lon=map_lon, lat=map_lat, crs=crs)
    response = as_user(district.users[R.INSPECTOR]).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["grid"]["code"] == district.grids[2].code
    assert data["lon"] == pytest.approx(lon, abs=1e-5)
    assert data["lat"] == pytest.approx(lat, abs=1e-5)
    assert data["input_crs"] == crs


def test_map_coordinates_sent_as_wgs84_fall_outside_the_district(district, as_user, quiet):
    """GCJ-02 is offset by several hundred metres here: the default really is WGS-84."""
    map_lon, map_lat = wgs84_to_gcj02(*district.point(2))
    response = as_user(district.users[R.INSPECTOR]).post(
        URL, _intake(district, lon=map_lon, lat=map_lat), format="json"
    )
    body = assert_error(response, 400, "case.outside_jurisdiction")
    assert "lon" in body["fields"]
    assert Case.objects.count() == 0


def test_retry_with_the_same_idempotency_key_returns_the_first_case(district, as_user, quiet):
    client = as_user(district.users[R.INSPECTOR])
    first = client.post(URL, _intake(district), format="json", HTTP_IDEMPOTENCY_KEY="app-7f3a-0001")
    again = client.post(URL, _intake(district), format="json", HTTP_IDEMPOTENCY_KEY="app-7f3a-0001")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Case.objects.count() == 1
    other = client.post(URL, _intake(district), format="json", HTTP_IDEMPOTENCY_KEY="app-7f3a-0002")
    assert other.status_code == 201
    assert other.json()["number"] != first.json()["number"]


def test_the_intake_answer_is_the_case_as_read_back(district, as_user, quiet):
    """The 201 body is built from the row the service returned, without reading it again: it must be
    exactly what a retry (which reads the case back) answers, photos, phone and timeline included."""
    client = as_user(district.users[R.OPERATOR])
    body = _intake(district, source="hotline", reporter_name="王女士", reporter_phone="13812345678")
    body["photos"] = [jpeg_upload("a.jpg")]
    first = client.post(URL, body, format="multipart", HTTP_IDEMPOTENCY_KEY="desk-0001")
    body["photos"] = [jpeg_upload("a.jpg")]
    again = client.post(URL, body, format="multipart", HTTP_IDEMPOTENCY_KEY="desk-0001")
    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["reporter_phone"] == "138****5678"
    assert len(first.json()["evidence"]) == 1 and len(first.json()["timeline"]) == 1
    assert again.json() == first.json()


def test_multipart_report_stores_photos_with_hash_and_thumbnail(district, as_user, quiet):
    import hashlib

    data = jpeg_bytes()
    body = _intake(district)
    body["photos"] = [jpeg_upload("a.jpg"), jpeg_upload("b.jpg", color=(10, 10, 10))]
    response = as_user(district.users[R.INSPECTOR]).post(URL, body, format="multipart")
    assert response.status_code == 201, response.content
    evidence = response.json()["evidence"]
    assert len(evidence) == 2
    assert evidence[0]["kind"] == "photo"
    assert evidence[0]["stage"] == "report"
    assert evidence[0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert evidence[0]["url"].startswith("http://testserver/")
    assert evidence[0]["thumbnail_url"]


def test_four_digit_minor_code_with_kind_is_accepted(district, as_user, quiet):
    client = as_user(district.users[R.INSPECTOR])
    response = client.post(URL, _intake(district, category="0102", kind="event"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["category"]["code"] == "200102"
    body = assert_error(
        client.post(URL, _intake(district, category="0199"), format="json"), 400, "case.unknown_category"
    )
    assert "category" in body["fields"]


def test_bad_intake_lists_each_bad_field(district, as_user, quiet):
    client = as_user(district.users[R.INSPECTOR])
    body = assert_error(
        client.post(URL, {"lon": "east", "lat": 34.75, "crs": "utm", "source": "pigeon"}, format="json"),
        400,
        "validation_failed",
    )
    assert {"category", "description", "lon", "crs", "source"} <= set(body["fields"])
    body = assert_error(
        client.post(URL, _intake(district, category="299999"), format="json"), 400, "case.unknown_category"
    )
    assert body["fields"] == {"category": ["未知的部件/事件分类代码：299999"]}
    assert Case.objects.count() == 0


def test_a_source_the_role_may_not_use_is_forbidden(district, as_user, quiet):
    response = as_user(district.users[R.CITIZEN]).post(URL, _intake(district, source="patrol"), format="json")
    assert_error(response, 403, "case.source_not_allowed")
    assert (
        as_user(district.users[R.CITIZEN])
        .post(URL, _intake(district, source="citizen"), format="json")
        .status_code
        == 201
    )


def test_anonymous_callers_cannot_report_or_list(district, quiet):
    assert_error(APIClient().post(URL, _intake(district), format="json"), 401, "not_authenticated")
    assert_error(APIClient().get(URL), 401, "not_authenticated")


# ---------------------------------------------------------------------------------------------
# The list


def test_list_rows_carry_state_units_times_urgency_and_masked_phone(district, as_user, quiet):
    drive(district, CaseState.DISPATCHED, role=R.OPERATOR, reporter_phone="13912345678")
    response = as_user(district.users[R.OPERATOR]).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["state"] == "dispatched"
    assert row["state_name"] == "已派遣"
    assert row["handling_unit"] == {"id": district.squad.pk, "name": "建设路中队"}
    assert row["grid"]["code"] == district.grids[0].code
    assert row["handling_due_at"] is not None
    assert row["urgency"] == "normal"
    assert row["urgency_name"] == "正常"
    assert row["reporter_phone"] == "139****5678"
    assert row["available_actions"] == []  # the operator has nothing to do on a dispatched case


def test_available_actions_depend_on_the_caller(district, as_user, quiet):
    drive(district, CaseState.REPORTED)

    def actions(role) -> list[str]:
        rows = as_user(district.users[role]).get(URL).json()["results"]
        return [a["action"] for a in rows[0]["available_actions"]] if rows else []

    assert actions(R.OPERATOR) == ["file", "not_file", "merge"]
    assert actions(R.SHIFT_LEADER) == ["file", "not_file", "merge", "cancel"]
    assert actions(R.DISPATCHER) == []
    assert actions(R.INSPECTOR) == []
    assert actions(R.HANDLER) == []  # not dispatched to the squad yet: not even visible
    row = as_user(district.users[R.SHIFT_LEADER]).get(URL).json()["results"][0]
    assert {"action": "cancel", "name": "作废", "required": ["reason"]} in row["available_actions"]


def test_list_actions_agree_with_the_service_for_every_state_and_caller(district, as_user, quiet):
    """The list computes actions without a query per case; it must say what the service says."""
    from chengguan.cases.services import available_actions

    for state in [s for s in CaseState.values if s != CaseState.MERGED]:
        drive(district, state)
    pending = drive(district, CaseState.IN_HANDLING)
    case_transition(
        actor=district.users[R.HANDLER], case=pending, action="request_extension", amount=2, reason="待配合"
    )
    checked = 0
    for user in district.users.values():
        rows = as_user(user).get(URL).json()["results"]
        for row in rows:
            case = Case.objects.get(pk=row["id"])
            assert [a["action"] for a in row["available_actions"]] == available_actions(case, user), (
                user.username,
                case.state,
            )
            checked += bool(row["available_actions"])
    assert checked >= 10


def test_list_query_count_does_not_grow_with_the_page(district, as_user, quiet):
    dispatcher = district.users[R.DISPATCHER]
    client = as_user(dispatcher)
    for state in (CaseState.FILED, CaseState.IN_HANDLING):
        drive(district, state)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for state in (
        CaseState.FILED,
        CaseState.IN_HANDLING,
        CaseState.RETURNED,
        CaseState.HANDLED,
        CaseState.CLOSED,
    ):
        drive(district, state)
    pending = drive(district, CaseState.IN_HANDLING)
    case_transition(
        actor=district.users[R.HANDLER], case=pending, action="request_extension", amount=1, reason="待配合"
    )
    assert client.get(URL).json()["count"] == 8
    assert queries() == few
    # Token with user, profile, roles, unit, bureau, the count and the page.
    assert few == 7


def test_filters_by_state_category_grid_source_and_text(district, as_user, quiet):
    a = drive(district, CaseState.FILED, grid=0)
    b = drive(district, CaseState.REPORTED, grid=1, category=district.days_category, role=R.OPERATOR)
    c = drive(district, CaseState.DISPATCHED, grid=1, description="井盖缺失")
    client = as_user(district.users[R.LEADER])
    assert set(_numbers(client.get(URL, {"state": "filed"}))) == {a.number}
    assert set(_numbers(client.get(URL, {"state": ["filed", "dispatched"]}))) == {a.number, c.number}
    assert set(_numbers(client.get(URL, {"category": "200102"}))) == {b.number}
    assert set(_numbers(client.get(URL, {"major": "01"}))) == {a.number, b.number, c.number}
    assert set(_numbers(client.get(URL, {"grid": district.grids[1].code}))) == {b.number, c.number}
    assert set(_numbers(client.get(URL, {"source": "hotline"}))) == {b.number}
    assert set(_numbers(client.get(URL, {"unit": district.squad.pk}))) == {c.number}
    assert set(_numbers(client.get(URL, {"q": "井盖"}))) == {c.number}
    assert set(_numbers(client.get(URL, {"q": a.number[-4:]}))) == {a.number}
    assert set(_numbers(client.get(URL, {"community": district.community.pk}))) == {
        a.number,
        b.number,
        c.number,
    }
    assert set(_numbers(client.get(URL, {"open": "true", "supervised": "false"}))) == {
        a.number,
        b.number,
        c.number,
    }
    assert _numbers(client.get(URL, {"reported_from": "2026-09-16"})) == []
    assert len(_numbers(client.get(URL, {"reported_from": "2026-09-15", "reported_to": "2026-09-15"}))) == 3
    body = assert_error(client.get(URL, {"state": "lost", "unit": "x"}), 400, "validation_failed")
    assert set(body["fields"]) == {"state", "unit"}


def test_urgency_filter_follows_the_clock(district, as_user):
    """Filing has one working hour: reported at 09:00 a case warns from 09:48 and is overdue after 10:00."""
    with clock.pinned(QUIET_MOMENT):
        early = report(district)
    with clock.pinned(QUIET_MOMENT + dt.timedelta(minutes=55)):
        late = report(district, grid=1)
    client = as_user(district.users[R.OPERATOR])

    def by_urgency(moment) -> dict[str, set[str]]:
        with clock.pinned(moment):
            return {
                u: set(_numbers(client.get(URL, {"urgency": u}))) for u in ("normal", "warning", "overdue")
            }

    assert by_urgency(QUIET_MOMENT + dt.timedelta(minutes=56)) == {
        "normal": {late.number},
        "warning": {early.number},
        "overdue": set(),
    }
    assert by_urgency(QUIET_MOMENT + dt.timedelta(minutes=90)) == {
        "normal": {late.number},
        "warning": set(),
        "overdue": {early.number},
    }
    with clock.pinned(QUIET_MOMENT + dt.timedelta(minutes=105)):
        rows = {r["number"]: r for r in client.get(URL).json()["results"]}
    assert rows[early.number]["urgency"] == "overdue"
    assert rows[late.number]["urgency"] == "warning"
    assert rows[late.number]["urgency_name"] == "预警"


def test_list_is_scoped_by_the_caller(district, as_user, quiet):
    mine = drive(district, CaseState.DISPATCHED, grid=0)
    elsewhere = report(district, grid=3, role=R.OPERATOR)
    case_transition(actor=district.users[R.OPERATOR], case=elsewhere, action="file")
    case_transition(
        actor=district.users[R.DISPATCHER], case=elsewhere, action="dispatch", unit=district.department.pk
    )
    own = report(district, grid=2, role=R.CITIZEN, source="citizen")
    leader = set(_numbers(as_user(district.users[R.LEADER]).get(URL)))
    assert leader == {mine.number, elsewhere.number, own.number}
    # The department sees what was sent to it; the citizen sees their own report only.
    assert set(_numbers(as_user(district.users["other_handler"]).get(URL))) == {elsewhere.number}
    assert set(_numbers(as_user(district.users[R.CITIZEN]).get(URL))) == {own.number}
    assert set(_numbers(as_user(district.users["other_citizen"]).get(URL))) == set()


# ---------------------------------------------------------------------------------------------
# The detail


def test_detail_shows_phone_in_full_to_the_operator_and_audits_it(district, as_user, quiet):
    case = report(district, role=R.OPERATOR, reporter_name="王小明", reporter_phone="13912345678")
    before = AuditEvent.objects.count()
    body = as_user(district.users[R.OPERATOR]).get(f"{URL}{case.pk}/").json()
    assert body["reporter_phone"] == "13912345678"
    assert body["reporter_name"] == "王小明"
    assert body["reporter_phone_masked"] is False
    viewed = AuditEvent.objects.filter(action="case.reporter_phone_viewed")
    assert AuditEvent.objects.count() == before + 1
    assert viewed.get().actor == district.users[R.OPERATOR]
    body = as_user(district.users[R.DISPATCHER]).get(f"{URL}{case.pk}/").json()
    assert body["reporter_phone"] == "139****5678"
    assert body["reporter_name"] == "王**"
    assert body["reporter_phone_masked"] is True
    assert AuditEvent.objects.count() == before + 1
    # Reading the number is audited, but it is not a step of the case.
    assert [e["action"] for e in body["timeline"]] == ["case.report"]


def test_detail_has_timeline_evidence_duplicates_and_templates(district, as_user, quiet):
    first = report(district, description="桥下堆放垃圾")
    lon, lat = first.lon + 0.0002, first.lat  # about 18 m east
    second = report(district, lon=lon, lat=lat, description="桥下又有垃圾")
    own = ReplyTemplate.objects.create(
        category=district.hours_category, purpose="intake", text="符合立案标准。"
    )
    generic = ReplyTemplate.objects.create(purpose="intake", text="已受理。")
    ReplyTemplate.objects.create(purpose="handling", text="已清理完毕。")
    body = as_user(district.users[R.OPERATOR]).get(f"{URL}{second.pk}/").json()
    assert body["description"] == "桥下又有垃圾"
    assert body["lon"] == pytest.approx(lon)
    assert [d["number"] for d in body["duplicate_candidates"]] == [first.number]
    assert 10 < body["duplicate_candidates"][0]["distance_m"] < 50
    assert body["reply_templates"] == {
        "intake": [
            {"id": own.pk, "purpose": "intake", "category": "200101", "text": "符合立案标准。"},
            {"id": generic.pk, "purpose": "intake", "category": None, "text": "已受理。"},
        ]
    }
    timeline = body["timeline"]
    assert timeline[0]["action"] == "case.report"
    assert timeline[0]["action_name"] == "上报"
    assert timeline[0]["actor"] == district.users[R.INSPECTOR].profile.full_name
    # The dispatcher does not merge, so gets no duplicates and no intake phrases.
    other = as_user(district.users[R.DISPATCHER]).get(f"{URL}{second.pk}/").json()
    assert other["duplicate_candidates"] == []
    assert other["reply_templates"] == {}


def test_detail_of_a_case_out_of_scope_is_404(district, as_user, quiet):
    case = report(district, grid=0)
    assert_error(as_user(district.users["other_handler"]).get(f"{URL}{case.pk}/"), 404, "case.not_found")
    assert_error(as_user(district.users[R.CITIZEN]).get(f"{URL}{case.pk}/"), 404, "case.not_found")
    assert_error(as_user(district.users[R.OPERATOR]).get(f"{URL}999999/"), 404, "case.not_found")


# ---------------------------------------------------------------------------------------------
# Exports and the map


def test_csv_export_streams_filtered_rows_with_chinese_headers(district, as_user, quiet):
    a = drive(district, CaseState.CLOSED, grid=0, description='=HYPERLINK("http://x")')
    b = drive(district, CaseState.REPORTED, grid=1, category=district.days_category)
    response = as_user(district.users[R.LEADER]).get(f"{URL}export.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''%E6%A1%88%E4%BB%B6-20260915-0900.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == export.HEADERS
    assert rows[0][:3] == ["案件编号", "案件来源", "类型"]
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {a.number, b.number}
    closed = by_number[a.number]
    assert closed["状态"] == "已结案"
    assert closed["小类"] == "私搭乱建"
    assert closed["网格编码"] == district.grids[0].code
    assert closed["处置单位"] == "建设路中队"
    assert closed["处置方式（721）"] == "服务"
    assert closed["上报时间"] == "2026-09-15 09:00"
    assert closed["问题描述"].startswith("'=")  # never a live formula in Excel
    assert by_number[b.number]["时限状态"] == "正常"
    filtered = as_user(district.users[R.LEADER]).get(f"{URL}export.csv", {"category": "200102"})
    lines = b"".join(filtered.streaming_content).decode("utf-8").strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith(b.number)


def test_xlsx_export_has_the_same_rows(district, as_user, quiet):
    cases = [drive(district, CaseState.FILED, grid=i) for i in range(3)]
    response = as_user(district.users[R.LEADER]).get(f"{URL}export.xlsx", {"grid": district.grids[1].code})
    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == export.HEADERS
    assert [r[0] for r in rows[1:]] == [cases[1].number]


def test_export_refuses_bad_filters_as_json(district, as_user, quiet):
    assert_error(
        as_user(district.users[R.LEADER]).get(f"{URL}export.csv", {"urgency": "soon"}),
        400,
        "validation_failed",
    )


def test_map_aggregates_open_cases_per_grid(district, as_user):
    with clock.pinned(QUIET_MOMENT):
        drive(district, CaseState.FILED, grid=0)
        drive(district, CaseState.DISPATCHED, grid=0)
        drive(district, CaseState.REPORTED, grid=1, category=district.days_category)
        drive(district, CaseState.CLOSED, grid=1)
    # At 10:30 the case still waiting to be filed (one working hour) and the one waiting for dispatch
    # are late; the dispatched one has four working hours.
    with clock.pinned(QUIET_MOMENT + dt.timedelta(minutes=90)):
        body = as_user(district.users[R.LEADER]).get(f"{URL}map/").json()
        only_days = as_user(district.users[R.LEADER]).get(f"{URL}map/", {"category": "200102"}).json()
    assert body["type"] == "FeatureCollection"
    features = {f["id"]: f for f in body["features"]}
    g0, g1 = district.grids[0], district.grids[1]
    assert set(features) == {g0.code, g1.code}
    assert features[g0.code]["properties"] == {"grid_id": g0.pk, "code": g0.code, "total": 2, "overdue": 1}
    assert features[g1.code]["properties"] == {"grid_id": g1.pk, "code": g1.code, "total": 1, "overdue": 1}
    assert features[g0.code]["geometry"] == {
        "type": "Point",
        "coordinates": [g0.centroid_lon, g0.centroid_lat],
    }
    assert (body["total"], body["overdue"]) == (3, 2)
    assert [f["id"] for f in only_days["features"]] == [g1.code]


# ---------------------------------------------------------------------------------------------
# The schema


CASE_PATHS = {
    "/api/v1/cases/",
    "/api/v1/cases/{id}/",
    "/api/v1/cases/{id}/evidence/",
    "/api/v1/cases/{id}/supervise/",
    "/api/v1/cases/map/",
    "/api/v1/cases/inbox/",
    "/api/v1/cases/export.csv",
    "/api/v1/cases/export.xlsx",
    "/api/v1/supervisions/",
    "/api/v1/supervisions/rate",
    "/api/v1/supervisions/{id}/reply/",
    "/api/v1/reply-templates/",
}


def test_schema_documents_every_case_path_and_action(district, as_user):
    from chengguan.cases.states import CASE_MACHINE

    schema = as_user(district.users[R.LEADER]).get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    action_paths = {f"/api/v1/cases/{{id}}/{t.action}/" for t in CASE_MACHINE}
    assert len(action_paths) == 20  # with 核实 (check)
    assert CASE_PATHS | action_paths <= set(paths)
    close = paths["/api/v1/cases/{id}/close/"]["post"]
    assert "值班长" in close["description"] and "受理员" in close["description"]
    assert set(close["responses"]) >= {"200", "400", "401", "403", "404", "409"}
    body = schema["components"]["schemas"]["CaseCloseRequest"]
    assert body["required"] == ["disposition"]
    verify = paths["/api/v1/cases/{id}/verify/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in verify
    create = paths["/api/v1/cases/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    intake = schema["components"]["schemas"]["CaseIntakeRequest"]
    assert "wgs84" in intake["properties"]["crs"]["description"]
    listing = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {"state", "category", "grid", "unit", "source", "urgency", "reported_from", "q", "page"} <= listing


def test_the_xlsx_export_sends_its_first_bytes_before_the_rows_are_read(district, as_user, quiet):
    """Issue 19 item 21: the workbook was spooled whole (18 s for a year) before its first byte."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cases = [drive(district, CaseState.FILED, grid=i) for i in range(2)]
    response = as_user(district.users[R.LEADER]).get(f"{URL}export.xlsx")
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert first[:2] == b"PK" and not [q for q in queries if "cases_case" in q["sql"]]
    book = load_workbook(io.BytesIO(first + b"".join(chunks)))
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and not sheet["A2"].font.b
    assert {sheet.cell(row=r, column=1).value for r in (2, 3)} == {c.number for c in cases}
