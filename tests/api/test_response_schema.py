"""The case and penalty APIs against their published schema: every response of a walk through the
endpoints matches it (the client checks each one), and the places where the schema used to say
something else than the API now agree — types of filters, file bodies, errors of the exports, bounds
of ids and amounts — and the schema is worded in the language asked for."""

from __future__ import annotations

import datetime as dt

import pytest

from chengguan.cases.models import Case, ReplyTemplate
from chengguan.cases.states import CaseState
from chengguan.core.evidence import CONTENT_TYPES
from chengguan.enforcement.models import PenaltyCase
from chengguan.org.roles import RoleCode as R
from tests.api.conftest import assert_error
from tests.api.schema_check import SchemaCheckingClient, openapi, operation_for
from tests.cases import conftest as case_fixtures
from tests.cases.flow import drive
from tests.cases.media import jpeg_upload
from tests.enforcement.conftest import COMPANY, PERSON, filed_case, office

URL = "/api/v1/cases/"
PENALTY = "/api/v1/penalty-cases/"

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests
__all__ = ["office"]  # the penalty tests' bureau, used as a fixture here


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _parameters(method: str, path: str) -> dict[str, dict]:
    return {p["name"]: p["schema"] for p in operation_for(method, path).get("parameters", [])}


def _body_schema(operation: dict, media: str) -> dict:
    ref = operation["requestBody"]["content"][media]["schema"]["$ref"]
    return openapi()["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_a_walk_through_the_case_endpoints_matches_the_schema(district, as_user, quiet):
    """Each call's response is checked by the client: status, content type and body."""
    operator, leader = as_user(district.users[R.OPERATOR]), as_user(district.users[R.LEADER])
    handler = as_user(district.users[R.HANDLER])
    ReplyTemplate.objects.create(purpose="intake", text="已受理。")
    created = operator.post(
        URL,
        {
            "category": "200101",
            "description": "垃圾",
            "lon": district.point(0)[0],
            "lat": district.point(0)[1],
        }
        | {"source": "hotline", "reporter_phone": "13912345678"},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert operator.get(f"{URL}{pk}/").status_code == 200
    assert operator.post(f"{URL}{pk}/reporter-phone/").json() == {"reporter_phone": "13912345678"}
    assert operator.post(f"{URL}{pk}/spam/", {"reason": "重复骚扰"}, format="json").status_code == 200
    assert operator.post(f"{URL}{pk}/unspam/", {"reason": "误判"}, format="json").status_code == 200
    assert operator.post(f"{URL}{pk}/file/", {}, format="json").status_code == 200
    in_handling = drive(district, CaseState.IN_HANDLING)
    upload = handler.post(
        f"{URL}{in_handling.pk}/evidence/", {"file": jpeg_upload(), "stage": "handle"}, format="multipart"
    )
    assert upload.status_code == 201
    supervised = leader.post(
        f"{URL}{in_handling.pk}/supervise/", {"level": "key", "instruction": "今日办结"}, format="json"
    )
    assert supervised.status_code == 201
    reply = handler.post(
        f"/api/v1/supervisions/{supervised.json()['id']}/reply/", {"reply": "已安排"}, format="json"
    )
    assert reply.status_code == 200
    for client, path, query in [
        (leader, URL, {"supervised": "true", "reported_from": "2026-09-01"}),
        (handler, f"{URL}inbox/", {}),
        (leader, f"{URL}map/", {"open": "true"}),
        (leader, f"{URL}{in_handling.pk}/", {}),
        (leader, "/api/v1/supervisions/", {"replied": "true"}),
        (leader, "/api/v1/supervisions/rate", {"from": "2026-09-01", "to": "2026-09-30"}),
        (operator, "/api/v1/reply-templates/", {"purpose": ""}),
    ]:
        assert client.get(path, query).status_code == 200, path
    assert_error(leader.get(URL, {"page": 99}), 404, "not_found")


def test_export_errors_are_json_whatever_the_client_asks_for(district, as_user, quiet):
    leader = as_user(district.users[R.LEADER])
    for path in ("export.csv", "export.xlsx"):
        assert "format" not in _parameters("get", f"{URL}{path}")
        assert_error(
            leader.get(f"{URL}{path}", {"urgency": "soon"}, HTTP_ACCEPT="text/csv, */*"),
            400,
            "validation_failed",
        )
    drive(district, CaseState.FILED)
    response = leader.get(f"{URL}export.csv", {"format": "json"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_list_filters_are_typed_and_a_bad_yes_no_is_refused(district, as_user, quiet):
    params = _parameters("get", URL)
    assert params["reported_from"] == {"type": "string", "format": "date"}
    assert params["reported_to"] == {"type": "string", "format": "date"}
    assert params["supervised"]["type"] == params["open"]["type"] == "boolean"
    supervision = _parameters("get", "/api/v1/supervisions/")
    assert supervision["replied"]["type"] == supervision["overdue"]["type"] == "boolean"
    leader = as_user(district.users[R.LEADER])
    body = assert_error(leader.get(URL, {"supervised": "maybe"}), 400, "filter.bad_boolean")
    assert set(body["fields"]) == {"supervised"}
    assert_error(leader.get("/api/v1/supervisions/", {"overdue": "null"}), 400, "filter.bad_boolean")
    assert_error(leader.get("/api/v1/supervisions/rate", {"to": ""}), 400, "validation_failed")


def test_file_actions_document_multipart_with_the_evidence_types(district):
    for action, json_too in (("handle", True), ("rework", True), ("verify", False)):
        content = operation_for("post", f"{URL}1/{action}/")["requestBody"]["content"]
        assert ("application/json" in content) is json_too
        form = content["multipart/form-data"]
        assert set(form["encoding"]) <= {"photos", "photo"}
        for encoding in form["encoding"].values():
            assert encoding["contentType"].split(", ") == list(CONTENT_TYPES)
        if json_too:
            json_body = _body_schema(operation_for("post", f"{URL}1/{action}/"), "application/json")
            assert "photos" not in json_body["properties"]
    evidence = operation_for("post", f"{URL}1/evidence/")["requestBody"]["content"]
    assert list(evidence) == ["multipart/form-data"]
    assert "application/pdf" not in evidence["multipart/form-data"]["encoding"]["file"]["contentType"]


def test_a_pdf_is_refused_as_evidence_as_the_schema_says(district, as_user, quiet):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = drive(district, CaseState.IN_HANDLING)
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf")
    response = as_user(district.users[R.HANDLER]).post(
        f"{URL}{case.pk}/evidence/", {"file": pdf}, format="multipart"
    )
    body = assert_error(response, 400, "evidence.bad_type")
    assert set(body["fields"]) == {"file"}


def test_intake_documents_its_category_codes_and_refuses_unknown_ones(district, as_user, quiet):
    intake = _body_schema(operation_for("post", URL), "application/json")
    assert intake["properties"]["category"]["pattern"]
    assert intake["properties"]["kind"]["allOf"] == [{"$ref": "#/components/schemas/CategoryKindEnum"}]
    assert "case.unknown_category" in operation_for("post", URL)["responses"]["400"]["description"]
    lon, lat = district.point(0)
    client = as_user(district.users[R.INSPECTOR])
    body = {"category": "12", "description": "x", "source": "patrol", "lon": lon, "lat": lat}
    assert_error(client.post(URL, body, format="json"), 400, "validation_failed")
    assert not Case.objects.exists()


def test_the_schema_is_worded_in_the_language_asked_for(district, as_user):
    client = as_user(district.users[R.LEADER])
    chinese = client.get("/api/v1/schema/", {"format": "json"}).json()
    english = client.get("/api/v1/schema/", {"format": "json", "lang": "en"}).json()
    path = "/api/v1/cases/{id}/cancel/"
    assert chinese["paths"][path]["post"]["summary"].startswith("作废")
    assert english["paths"][path]["post"]["summary"].startswith("Cancel")
    assert "Required fields: reason." in english["paths"][path]["post"]["description"]


# ---------------------------------------------------------------------------------------------
# Penalty cases


def _penalty_client(user) -> SchemaCheckingClient:
    client = SchemaCheckingClient()
    client.force_authenticate(user)
    return client


def test_penalty_bodies_are_json_with_their_rules_in_the_schema(office):
    propose = operation_for("post", PENALTY)
    assert list(propose["requestBody"]["content"]) == ["application/json"]
    body = _body_schema(propose, "application/json")
    assert body["properties"]["parties"]["minItems"] == 1
    assert {"required": ["origin_case"]} in body["anyOf"]
    simple = _body_schema(operation_for("post", f"{PENALTY}simple/"), "application/json")
    assert simple["properties"]["fine_amount"]["type"] == "number"
    client = _penalty_client(office.handler)
    no_facts = client.post(PENALTY, {"parties": [PERSON], "officers": []}, format="json")
    assert_error(no_facts, 400, "penalty.missing_fields")
    huge = client.post(PENALTY, {"facts": "占道", "parties": [PERSON], "officers": [10**30]}, format="json")
    assert set(assert_error(huge, 400, "validation_failed")["fields"]) == {"officers.0"}
    blank = {"facts": "乱设摊点", "legal_basis": "某条例", "party": COMPANY, "fine_amount": ""}
    body = assert_error(client.post(f"{PENALTY}simple/", blank, format="json"), 400, "validation_failed")
    assert set(body["fields"]) == {"fine_amount"}
    assert not PenaltyCase.objects.exists()


def test_a_walk_through_the_penalty_endpoints_matches_the_schema(office):
    case = filed_case(office, dt.date(2026, 9, 1))
    client = _penalty_client(office.handler)
    for path in ("", f"{case.pk}/", f"{case.pk}/parties/", f"{case.pk}/deadlines/", "deadlines-this-week/"):
        assert client.get(f"{PENALTY}{path}").status_code == 200, path
    assert client.get(f"{PENALTY}{case.pk}/documents/").status_code == 200
    evidence = client.post(
        f"{PENALTY}{case.pk}/evidence/",
        {"file": jpeg_upload(), "description": "现场照片"},
        format="multipart",
    )
    assert evidence.status_code == 201
    submitted = client.post(
        f"{PENALTY}{case.pk}/submit_for_review/",
        {"violated_provisions": "某条例第十四条", "legal_basis": "某条例"},
        format="json",
    )
    assert submitted.status_code == 200
    assert_error(client.get(PENALTY, {"page": 9}), 404, "not_found")
