"""The penalty-case REST API: the whole general procedure over HTTP, the caller's available actions,
409s that cite the article, field-level 400s that change nothing, the simple procedure's thresholds,
reviews, evidence, the deadlines of the week and the OpenAPI document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from chengguan.core.clock import SHANGHAI, pinned
from chengguan.enforcement.models import PenaltyCase
from chengguan.enforcement.states import PENALTY_MACHINE
from tests import factories
from tests.api.schema_check import SchemaCheckingClient
from tests.cases.media import jpeg_upload
from tests.enforcement.conftest import COMPANY, PERSON, complete_file, filed_case, notified_case

BASE = "/api/v1/penalty-cases/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def api(user) -> APIClient:
    """A client signed in as `user` whose every response must match the published schema."""
    client = SchemaCheckingClient()
    client.force_authenticate(user)
    return client


def at(day: dt.date):
    return pinned(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI))


def act(user, case_id: int, action: str, body: dict | None = None, day: dt.date | None = None):
    with at(day or dt.date(2026, 9, 14)):
        return api(user).post(f"{BASE}{case_id}/{action}/", body or {}, format="json")


def test_general_procedure_over_the_api_from_proposal_to_closing(office):
    o = office
    created = api(o.handler).post(
        BASE,
        {"facts": "占道经营", "parties": [PERSON, COMPANY], "officers": [o.handler.pk, o.handler2.pk]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    pk = body["id"]
    assert body["state"] == "proposed" and body["number"] is None
    assert {p["identifier"] for p in body["parties"]} == {"410102********1230", COMPANY["credit_code"]}
    assert body["available_actions"] == []  # a handler cannot approve filing

    steps = [
        (o.squad_leader, "approve_filing", {"filed_on": "2026-09-01"}, "investigating"),
        (
            o.handler,
            "submit_for_review",
            {
                "violated_provisions": "某条例第十四条",
                "legal_basis": "某条例第三十六条",
                "fine_amount": "5000",
            },
            "case_review",
        ),
        (o.legal_reviewer, "legal_review_pass", {"opinion": "事实清楚"}, "case_review"),
        (o.handler, "serve_notice", {"notice_served_on": "2026-09-07"}, "notified"),
        # The party waives the statement on Tue Sep 8: the three working days (to Sep 10) end early.
        (
            o.handler,
            "record_statement",
            {"statement_kind": "waived", "statement_on": "2026-09-08"},
            "notified",
        ),
        (o.leader, "decide", {"decision_on": "2026-09-10"}, "decided"),
        (o.handler, "serve_decision", {"decision_served_on": "2026-09-11"}, "executing"),
        (o.handler, "record_payment", {"paid_on": "2026-09-20"}, "paid"),
        (o.squad_leader, "close", {}, "closed"),
    ]
    for user, action, payload, state in steps:
        if action == "close":
            complete_file(o, PenaltyCase.objects.get(pk=pk))
        response = act(user, pk, action, payload, day=dt.date(2026, 9, 21))
        assert response.status_code == 200, (action, response.json())
        assert response.json()["state"] == state
    detail = api(o.leader).get(f"{BASE}{pk}/").json()
    assert detail["number"].startswith("中原城管罚立字〔2026〕")
    assert detail["decision_number"].startswith("中原城管罚决字〔2026〕")
    payment = next(d for d in detail["deadlines"] if d["period_id"] == "apl_fine_payment")
    assert payment["due_on"] == "2026-09-28" and payment["met_on"] == "2026-09-20"
    assert payment["article_text"] == "《行政处罚法》第67条第3款"


def test_available_actions_follow_role_and_state(office):
    case = filed_case(office, dt.date(2026, 9, 1))
    mine = api(office.handler).get(f"{BASE}{case.pk}/").json()["available_actions"]
    assert [a["action"] for a in mine] == ["submit_for_review"]
    assert mine[0]["required"] == ["violated_provisions", "legal_basis"]
    leader = [a["action"] for a in api(office.leader).get(f"{BASE}{case.pk}/").json()["available_actions"]]
    assert leader == ["suspend", "terminate", "transfer"]


def test_illegal_transition_is_a_409_with_a_clear_message(office):
    case = filed_case(office, dt.date(2026, 9, 1))
    response = act(office.leader, case.pk, "decide")
    assert response.status_code == 409
    assert response.json()["code"] == "penalty.invalid_transition"
    assert "调查取证" in response.json()["message"]


def test_decision_before_legal_review_or_inside_hearing_period_is_409(office):
    reviewed = notified_case(office, dt.date(2026, 9, 1), dt.date(2026, 9, 2), review_required=True)
    response = act(office.leader, reviewed.pk, "decide", {"decision_on": "2026-09-20"}, dt.date(2026, 9, 20))
    assert response.status_code == 409 and response.json()["code"] == "penalty.legal_review_missing"
    hearing = notified_case(office, dt.date(2026, 9, 1), dt.date(2026, 9, 14), hearing_offered=True)
    response = act(office.leader, hearing.pk, "decide", {"decision_on": "2026-09-18"}, dt.date(2026, 9, 18))
    assert response.status_code == 409 and response.json()["code"] == "penalty.hearing_period_open"
    assert "2026-09-20" in response.json()["message"]


def test_decision_after_90_days_needs_a_recorded_reason(office):
    case = notified_case(office, dt.date(2026, 6, 1), dt.date(2026, 6, 5))
    late = dt.date(2026, 9, 1)  # the 90 days ended on Monday 2026-08-31
    response = act(office.leader, case.pk, "decide", {"decision_on": "2026-09-01"}, late)
    assert response.status_code == 409 and response.json()["code"] == "penalty.decision_overdue"
    reason = "当事人下落不明，经公告送达"
    response = act(
        office.leader, case.pk, "decide", {"decision_on": "2026-09-01", "overdue_reason": reason}, late
    )
    assert response.status_code == 200
    assert response.json()["decision_overdue_reason"] == reason


def test_bad_fields_are_400_per_field_and_change_nothing(office):
    case = filed_case(office, dt.date(2026, 9, 1))
    response = act(office.handler, case.pk, "submit_for_review", {"fine_amount": "abc"})
    assert response.status_code == 400 and "fine_amount" in response.json()["fields"]
    response = act(office.handler, case.pk, "submit_for_review", {})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "violated_provisions": ["此项为必填项。"],
        "legal_basis": ["此项为必填项。"],
    }
    case.refresh_from_db()
    assert case.state == "investigating" and case.legal_basis == ""
    bad = api(office.handler).post(
        BASE, {"facts": "x", "parties": [{**PERSON, "id_number": "123"}], "officers": []}, format="json"
    )
    assert bad.status_code == 400 and "id_number" in bad.json()["fields"]


@pytest.mark.parametrize(
    ("party", "fine", "status"),
    [(PERSON, "200", 201), (PERSON, "201", 400), (COMPANY, "3000", 201), (COMPANY, "3001", 400)],
)
def test_simple_procedure_thresholds_over_the_api(office, party, fine, status):
    body = {"facts": "乱设摊点", "legal_basis": "某条例", "party": party, "fine_amount": fine}
    response = api(office.handler).post(f"{BASE}simple/", body, format="json")
    assert response.status_code == status
    if status == 400:
        assert response.json()["code"] == "penalty.simple_over_limit"
        assert "fine_amount" in response.json()["fields"]
        assert not PenaltyCase.objects.exists()


def test_reviews_and_surcharge_over_the_api(office):
    case = notified_case(office, dt.date(2026, 9, 1), dt.date(2026, 9, 2))
    act(office.leader, case.pk, "decide", {"decision_on": "2026-09-10"}, dt.date(2026, 9, 10))
    act(office.handler, case.pk, "serve_decision", {"decision_served_on": "2026-09-11"})
    recorded = api(office.legal_reviewer).post(
        f"{BASE}{case.pk}/reviews/", {"kind": "reconsideration", "applied_on": "2026-09-20"}, format="json"
    )
    assert recorded.status_code == 201
    concluded = api(office.legal_reviewer).post(
        f"{BASE}{case.pk}/reviews/{recorded.json()['id']}/conclude/",
        {"concluded_on": "2026-10-09", "outcome": "upheld"},
        format="json",
    )
    assert concluded.status_code == 200 and concluded.json()["outcome"] == "upheld"
    # Payment is due 2026-09-28 (15 days from 09-11 end on Saturday 09-26 and roll to Monday). The
    # reconsideration (09-20 to 10-09) covers 09-29..10-09, so on 2026-10-19 only 10-10..10-19 count:
    # 10 days × 3 % × 1,000 = 300 yuan.
    with at(dt.date(2026, 10, 19)):
        detail = api(office.leader).get(f"{BASE}{case.pk}/").json()
    assert detail["surcharge"] == "300.00"
    assert [r["outcome"] for r in api(office.leader).get(f"{BASE}{case.pk}/reviews/").json()] == ["upheld"]


def test_evidence_parties_and_deadlines_endpoints(office):
    case = filed_case(office, dt.date(2026, 9, 1))
    uploaded = api(office.handler).post(
        f"{BASE}{case.pk}/evidence/", {"file": jpeg_upload(), "description": "现场照片"}, format="multipart"
    )
    assert uploaded.status_code == 201 and len(uploaded.json()["sha256"]) == 64
    assert api(office.handler).get(f"{BASE}{case.pk}/parties/").json()[0]["name"] == "张**"
    deadlines = api(office.handler).get(f"{BASE}{case.pk}/deadlines/").json()
    assert deadlines == [
        {
            "period_id": "apl_decision_deadline",
            "name": "作出行政处罚决定期限（普通程序）",
            "article": "APL Art.60",
            "article_text": "《行政处罚法》第60条",
            "event": "filed",
            "start_on": "2026-09-01",
            "due_on": "2026-11-30",
            "met_on": None,
            "office_duty": True,
        }
    ]


def test_list_filters_and_hides_other_bureaus_and_the_public(office):
    filed_case(office, dt.date(2026, 6, 1))
    filed_case(office, dt.date(2026, 8, 3))
    with at(dt.date(2026, 9, 1)):
        overdue = api(office.leader).get(BASE, {"urgency": "overdue"}).json()
    assert overdue["count"] == 1 and overdue["results"][0]["urgency"] == "overdue"
    assert api(office.leader).get(BASE, {"q": "张三丰"}).json()["count"] == 2
    stranger = factories.staff(factories.bureau(name="别的局", code="410103"), "leader").user
    assert api(stranger).get(BASE).json()["count"] == 0
    citizen = factories.staff(office.bureau, "citizen").user
    assert api(citizen).get(BASE).status_code == 403


def test_deadlines_this_week_endpoint(office):
    notified_case(office, dt.date(2026, 9, 10), dt.date(2026, 9, 14), hearing_offered=True)
    with at(dt.date(2026, 9, 15)):
        rows = api(office.handler).get(f"{BASE}deadlines-this-week/").json()
    assert [(r["period_id"], r["due_on"]) for r in rows] == [("apl_hearing_request", "2026-09-20")]


def test_every_action_is_in_the_openapi_schema(office):
    schema = api(office.leader).get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for t in PENALTY_MACHINE:
        assert f"/api/v1/penalty-cases/{{id}}/{t.action}/" in paths
        assert "409" in paths[f"/api/v1/penalty-cases/{{id}}/{t.action}/"]["post"]["responses"]
    assert "/api/v1/penalty-cases/simple/" in paths


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_costs_the_same_queries_for_2_or_12_cases(office):
    for _ in range(2):
        filed_case(office, dt.date(2026, 9, 1))
    client = api(office.leader)
    _queries(client, BASE)  # the first request also caches the caller's roles on the user
    few = _queries(client, BASE)
    for _ in range(10):
        filed_case(office, dt.date(2026, 9, 1))
    assert _queries(client, BASE) == few


def test_documents_are_issued_in_their_stage_and_listed_on_the_case(office):
    case = filed_case(office, dt.date(2026, 9, 1))
    issued = api(office.handler).post(
        f"{BASE}{case.pk}/documents/", {"doc_type": "inquiry_record"}, format="json"
    )
    assert issued.status_code == 201, issued.json()
    assert issued.json()["name"] == "询问笔录" and "〔2026〕" in issued.json()["number"]
    early = api(office.handler).post(f"{BASE}{case.pk}/documents/", {"doc_type": "reminder"}, format="json")
    assert early.status_code == 409
    detail = api(office.handler).get(f"{BASE}{case.pk}/").json()
    assert [d["doc_type"] for d in detail["documents"]] == ["inquiry_record"]
