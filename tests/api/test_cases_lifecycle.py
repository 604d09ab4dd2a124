"""The closed loop over REST: every step with the right role, and refusals that change nothing;
evidence, supervision (督办), the inbox and reply templates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chengguan.cases.models import Case, CaseDelay, ReplyTemplate, Supervision
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests import factories
from tests.api.conftest import assert_error
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, report
from tests.cases.media import jpeg_upload

URL = "/api/v1/cases/"

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests


def _act(client, case_id: int, action: str, data: dict | None = None, fmt: str = "json"):
    return client.post(f"{URL}{case_id}/{action}/", data or {}, format=fmt)


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def _actions(body: dict) -> list[str]:
    return [a["action"] for a in body["available_actions"]]


def test_whole_lifecycle_over_rest_with_the_right_roles(district, as_user, quiet):
    users = district.users
    inspector, verifier = as_user(users[R.INSPECTOR]), as_user(users["other_inspector"])
    operator, dispatcher, handler = (as_user(users[r]) for r in (R.OPERATOR, R.DISPATCHER, R.HANDLER))
    lon, lat = district.point(0)

    created = inspector.post(
        URL,
        {
            "category": "200101",
            "description": "人行道上搭建彩钢棚",
            "lon": lon,
            "lat": lat,
            "source": "patrol",
            "photos": [jpeg_upload()],
        },
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="patrol-001",
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]

    body = _ok(operator.get(f"{URL}{case_id}/"))
    assert _actions(body) == ["file", "not_file", "merge"]
    body = _ok(_act(operator, case_id, "file"))
    assert body["state"] == "filed"
    assert body["proposed_unit"] == {"id": district.squad.pk, "name": "建设路中队"}
    assert _actions(body) == []

    body = _ok(_act(dispatcher, case_id, "dispatch"))
    assert body["state"] == "dispatched"
    assert body["handling_unit"]["id"] == district.squad.pk
    assert body["handling_due_at"] is not None

    assert _actions(_ok(handler.get(f"{URL}{case_id}/"))) == ["return", "accept"]
    assert _ok(_act(handler, case_id, "accept"))["state"] == "in_handling"
    body = _ok(
        _act(handler, case_id, "handle", {"result": "彩钢棚已拆除", "photos": [jpeg_upload()]}, "multipart")
    )
    assert body["state"] == "handled"
    assert body["handler"] == users[R.HANDLER].profile.full_name

    lon_photo, lat_photo = lon + 0.0003, lat  # about 27 m away: close enough
    body = _ok(
        _act(
            verifier,
            case_id,
            "verify",
            {
                "photo": jpeg_upload(),
                "photo_lon": lon_photo,
                "photo_lat": lat_photo,
                "photo_taken_at": (QUIET_MOMENT + dt.timedelta(minutes=1)).isoformat(),
            },
            "multipart",
        )
    )
    assert body["state"] == "verified"
    assert body["verifier"] == users["other_inspector"].profile.full_name
    assert body["verify_flags"] == []

    body = _ok(_act(operator, case_id, "close", {"disposition": "management"}))
    assert body["state"] == "closed"
    assert body["disposition_name"] == "管理"
    stages = [(e["stage"], e["kind"]) for e in body["evidence"]]
    assert stages == [("report", "photo"), ("handle", "photo"), ("verify", "photo")]
    assert [e["action"] for e in body["timeline"]] == [
        "case.report",
        "case.file",
        "case.dispatch",
        "case.accept",
        "case.handle",
        "case.verify",
        "case.close",
    ]
    assert [e["action_name"] for e in body["timeline"]][-1] == "结案"
    assert body["timeline"][2]["actor"] == users[R.DISPATCHER].profile.full_name
    assert "建设路中队" in body["timeline"][2]["summary"]
    assert Case.objects.get(pk=case_id).state == CaseState.CLOSED


def _counts():
    return AuditEvent.objects.count()


def test_an_illegal_action_is_409_and_changes_nothing(district, as_user, quiet):
    case = report(district)
    before = _counts()
    body = assert_error(
        _act(as_user(district.users[R.OPERATOR]), case.pk, "close", {"disposition": "service"}),
        409,
        "case.invalid_transition",
    )
    assert body["message"] == "案件当前状态为「已上报」，不能执行「结案」。"
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED
    assert case.disposition == ""
    assert _counts() == before


@pytest.mark.parametrize(
    ("who", "state", "action", "data", "code"),
    [
        (R.HANDLER, CaseState.REPORTED, "file", {}, "case.role_forbidden"),
        (R.INSPECTOR, CaseState.FILED, "dispatch", {}, "case.role_forbidden"),
        (R.OPERATOR, CaseState.CLOSED, "evaluate", {"score": 5}, "case.role_forbidden"),
    ],
)
def test_a_wrong_role_or_unit_is_403_and_changes_nothing(
    district, as_user, quiet, who, state, action, data, code
):
    case = drive(district, state)
    before = _counts()
    assert_error(_act(as_user(district.users[who]), case.pk, action, data), 403, code)
    assert Case.objects.get(pk=case.pk).state == state
    assert _counts() == before


def test_a_handler_of_another_unit_is_told_not_found_and_nothing_changes(district, as_user, quiet):
    """It cannot see the case, so it is answered as for any unseen case (issue 11, defect 9)."""
    case = drive(district, CaseState.DISPATCHED)
    before = _counts()
    assert_error(_act(as_user(district.users["other_handler"]), case.pk, "accept", {}), 404, "case.not_found")
    assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED
    assert _counts() == before


def test_the_verifier_must_not_be_the_handler(district, as_user, quiet):
    both = factories.staff(district.squad, R.HANDLER, R.INSPECTOR, username="handler_and_inspector").user
    case = drive(district, CaseState.IN_HANDLING)
    client = as_user(both)
    _ok(_act(client, case.pk, "handle", {"result": "已清理", "photos": [jpeg_upload()]}, "multipart"))
    assert "verify" not in _actions(_ok(client.get(f"{URL}{case.pk}/")))
    before = _counts()
    assert_error(
        _act(client, case.pk, "verify", {"photo": jpeg_upload()}, "multipart"),
        403,
        "case.verifier_is_handler",
    )
    assert _counts() == before


def test_bad_payloads_are_400_with_field_errors(district, as_user, quiet):
    users = district.users
    verified = drive(district, CaseState.VERIFIED)
    filed = drive(district, CaseState.FILED)
    in_handling = drive(district, CaseState.IN_HANDLING)
    operator = as_user(users[R.OPERATOR])
    before = _counts()
    body = assert_error(_act(operator, verified.pk, "close", {}), 400, "case.missing_fields")
    assert set(body["fields"]) == {"disposition"}
    body = assert_error(
        _act(operator, verified.pk, "close", {"disposition": "punish"}), 400, "validation_failed"
    )
    assert set(body["fields"]) == {"disposition"}
    body = assert_error(
        _act(as_user(users[R.DISPATCHER]), filed.pk, "dispatch", {"unit": "squad"}), 400, "validation_failed"
    )
    assert set(body["fields"]) == {"unit"}
    body = assert_error(
        _act(as_user(users[R.DISPATCHER]), filed.pk, "dispatch", {"unit": district.community.pk + 999}),
        400,
        "case.bad_unit",
    )
    assert body["fields"] == {"unit": ["请选择有效的处置单位。"]}
    body = assert_error(
        _act(as_user(users[R.HANDLER]), in_handling.pk, "handle", {"result": "已清理"}),
        400,
        "case.after_photo_required",
    )
    assert set(body["fields"]) == {"photos"}
    assert _counts() == before  # nothing was written by any of these
    assert Case.objects.get(pk=verified.pk).state == CaseState.VERIFIED


def test_unknown_case_is_404(district, as_user, quiet):
    assert_error(_act(as_user(district.users[R.OPERATOR]), 999999, "file"), 404, "case.not_found")


def test_return_redispatch_and_extension_round(district, as_user, quiet):
    users = district.users
    handler, dispatcher = as_user(users[R.HANDLER]), as_user(users[R.DISPATCHER])
    case = drive(district, CaseState.DISPATCHED)
    body = _ok(_act(handler, case.pk, "return", {"reason": "不属于本中队职责"}))
    assert body["state"] == "returned"
    assert body["handling_unit"] is None
    body = _ok(_act(dispatcher, case.pk, "dispatch", {"unit": district.squad.pk}))
    assert body["state"] == "dispatched"
    _ok(_act(handler, case.pk, "accept"))
    body = _ok(
        _act(
            handler,
            case.pk,
            "request_extension",
            {"amount": 1, "unit": "working_days", "reason": "待业主配合"},
        )
    )
    assert body["extensions"][0]["status"] == "pending"
    assert "request_extension" not in _actions(body)
    due_before = body["handling_due_at"]
    listed = {r["id"]: r for r in dispatcher.get(URL).json()["results"]}
    assert _actions(listed[case.pk]) == ["approve_extension", "refuse_extension"]
    body = _ok(_act(dispatcher, case.pk, "approve_extension", {"note": "同意"}))
    assert body["extensions"][0]["status_name"] == "已批准"
    assert body["handling_due_at"] > due_before
    assert body["timeline"][-1]["action"] == "case.approve_extension"


def test_a_late_step_needs_a_reason_which_is_kept(district, as_user):
    with clock.pinned(QUIET_MOMENT):
        case = report(district)
    operator = as_user(district.users[R.OPERATOR])
    # Filing has one working hour; at 11:00 the case is an hour late.
    with clock.pinned(QUIET_MOMENT + dt.timedelta(hours=2)):
        body = assert_error(_act(operator, case.pk, "file"), 400, "case.delay_reason_required")
        assert set(body["fields"]) == {"delay_reason"}
        body = _ok(_act(operator, case.pk, "file", {"delay_reason": "系统故障，补录"}))
    assert body["state"] == "filed"
    assert "系统故障，补录" in body["timeline"][-1]["summary"]
    assert CaseDelay.objects.get(case=case).reason == "系统故障，补录"


def test_evidence_upload(district, as_user, quiet):
    case = drive(district, CaseState.IN_HANDLING)
    client = as_user(district.users[R.HANDLER])
    before = _counts()
    response = client.post(
        f"{URL}{case.pk}/evidence/", {"file": jpeg_upload(), "stage": "handle"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["stage"] == "handle" and item["kind"] == "photo" and len(item["sha256"]) == 64
    assert _counts() == before + 1
    assert AuditEvent.objects.last().after["sha256"] == item["sha256"]
    bad = SimpleUploadedFile("notes.txt", b"just some text", content_type="image/jpeg")
    body = assert_error(
        client.post(f"{URL}{case.pk}/evidence/", {"file": bad}, format="multipart"), 400, "evidence.bad_type"
    )
    assert "file" in body["fields"]
    closed = drive(district, CaseState.CLOSED)
    assert_error(
        as_user(district.users[R.OPERATOR]).post(
            f"{URL}{closed.pk}/evidence/", {"file": jpeg_upload()}, format="multipart"
        ),
        409,
        "case.invalid_transition",
    )


def test_supervision_from_instruction_to_reply_and_rate(district, as_user, quiet):
    users = district.users
    leader, handler = as_user(users[R.LEADER]), as_user(users[R.HANDLER])
    case = drive(district, CaseState.IN_HANDLING)
    other = drive(district, CaseState.IN_HANDLING, grid=1)
    due = (QUIET_MOMENT + dt.timedelta(days=1)).isoformat()
    response = leader.post(
        f"{URL}{case.pk}/supervise/",
        {"level": "key", "instruction": "今日内处理完毕", "reply_due_at": due},
        format="json",
    )
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["level_name"] == "重点督办"
    assert item["case"]["number"] == case.number
    assert item["on_time"] is None and item["overdue"] is False
    leader.post(
        f"{URL}{other.pk}/supervise/", {"level": "normal", "instruction": "请尽快处理"}, format="json"
    )
    assert_error(
        handler.post(f"{URL}{case.pk}/supervise/", {"level": "key", "instruction": "x"}, format="json"),
        403,
        "supervision.forbidden",
    )
    assert as_user(users[R.LEADER]).get(URL, {"supervised": "true"}).json()["count"] == 2

    listed = handler.get("/api/v1/supervisions/", {"replied": "false"}).json()
    assert listed["count"] == 2
    reply = handler.post(
        f"/api/v1/supervisions/{item['id']}/reply/", {"reply": "已安排人员，今日完成"}, format="json"
    )
    body = _ok(reply)
    assert body["on_time"] is True
    assert body["replied_by"] == users[R.HANDLER].profile.full_name
    assert_error(
        handler.post(f"/api/v1/supervisions/{item['id']}/reply/", {"reply": "again"}, format="json"),
        409,
        "supervision.already_replied",
    )
    assert [s["id"] for s in handler.get("/api/v1/supervisions/", {"replied": "true"}).json()["results"]] == [
        item["id"]
    ]

    # A week later the second one was never answered: it is overdue and counts against the rate.
    with clock.pinned(QUIET_MOMENT + dt.timedelta(days=7)):
        overdue = leader.get("/api/v1/supervisions/", {"overdue": "true"}).json()["results"]
        assert [s["case"]["number"] for s in overdue] == [other.number]
        rate = _ok(leader.get("/api/v1/supervisions/rate", {"from": "2026-09-01", "to": "2026-09-30"}))
        assert (rate["due"], rate["on_time"], rate["rate"]) == (2, 1, 0.5)
        empty = _ok(leader.get("/api/v1/supervisions/rate", {"from": "2026-10-01", "to": "2026-10-31"}))
        assert (empty["due"], empty["rate"]) == (0, None)
    assert_error(
        leader.get("/api/v1/supervisions/rate", {"from": "2026-09-30", "to": "2026-09-01"}),
        400,
        "validation_failed",
    )
    detail = _ok(leader.get(f"{URL}{case.pk}/"))
    assert [s["level"] for s in detail["supervisions"]] == ["key"]
    assert [e["action"] for e in detail["timeline"]][-2:] == ["case.supervise", "case.supervision_reply"]
    assert Supervision.objects.count() == 2


def test_inbox_counts_by_urgency_at_the_right_moments(district, as_user):
    with clock.pinned(QUIET_MOMENT):
        early = drive(district, CaseState.FILED)
    with clock.pinned(QUIET_MOMENT + dt.timedelta(minutes=50)):
        late = drive(district, CaseState.FILED, grid=1)
        drive(district, CaseState.DISPATCHED)  # not the dispatcher's to do any more
    client = as_user(district.users[R.DISPATCHER])

    def inbox(minutes: int) -> dict:
        with clock.pinned(QUIET_MOMENT + dt.timedelta(minutes=minutes)):
            return client.get(f"{URL}inbox/").json()

    body = inbox(55)
    assert body["counts"] == {"total": 2, "normal": 1, "warning": 1, "overdue": 0}
    assert [r["number"] for r in body["results"]] == [early.number, late.number]  # soonest due first
    assert body["results"][0]["urgency"] == "warning"
    assert _actions(body["results"][0]) == ["dispatch"]
    assert inbox(100)["counts"] == {"total": 2, "normal": 0, "warning": 1, "overdue": 1}
    assert inbox(150)["counts"] == {"total": 2, "normal": 0, "warning": 0, "overdue": 2}
    assert as_user(district.users[R.HANDLER]).get(f"{URL}inbox/").json()["counts"]["total"] == 1


def test_reply_templates_by_category_and_purpose(district, as_user, quiet):
    own = ReplyTemplate.objects.create(
        category=district.hours_category, purpose="handling", text="违建已拆除。"
    )
    generic = ReplyTemplate.objects.create(purpose="handling", text="已处理完毕。")
    ReplyTemplate.objects.create(category=district.days_category, purpose="handling", text="垃圾已清运。")
    ReplyTemplate.objects.create(purpose="return", text="不属于本单位职责。")
    ReplyTemplate.objects.create(purpose="handling", text="停用的", is_active=False)
    client = as_user(district.users[R.HANDLER])
    rows = client.get("/api/v1/reply-templates/", {"category": "200101", "purpose": "handling"}).json()
    assert [r["id"] for r in rows] == [own.pk, generic.pk]
    everything = client.get("/api/v1/reply-templates/", {"category": "200101"}).json()
    assert {r["text"] for r in everything} == {"违建已拆除。", "已处理完毕。", "不属于本单位职责。"}
    assert_error(client.get("/api/v1/reply-templates/", {"category": "299999"}), 400, "case.unknown_category")
    assert_error(client.get("/api/v1/reply-templates/", {"purpose": "gossip"}), 400, "validation_failed")
    in_handling = drive(district, CaseState.IN_HANDLING)
    detail = client.get(f"{URL}{in_handling.pk}/").json()
    assert [t["text"] for t in detail["reply_templates"]["handling"]] == ["违建已拆除。", "已处理完毕。"]
