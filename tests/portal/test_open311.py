"""Open311 GeoReport v2 through Django's test client: services, posting, reading back, errors."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command

from chengguan.cases.models import Case, CaseEvidence, CaseSource
from chengguan.org.system import system_actor
from chengguan.portal import services
from chengguan.portal.models import Open311Client
from tests.cases import flow
from tests.cases.media import jpeg_upload

BASE = "/open311/v2"


def _post(client, district, key, fmt="json", **overrides):
    lon, lat = district.point(0)
    data = {
        "api_key": key,
        "service_code": district.days_category.code,
        "lat": str(lat),
        "long": str(lon),
        "address_string": "建设路12号门前",
        "description": "路边有一堆垃圾，联系我 13812345678",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13812345678",
        "email": "wang@example.com",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_services_list_the_active_categories_in_json_and_xml(client, district):
    answer = client.get(f"{BASE}/services.json").json()
    codes = {s["service_code"]: s for s in answer}
    assert set(codes) == {"200101", "200102"}
    assert codes["200102"]["service_name"] == "暴露垃圾"
    assert codes["200102"]["metadata"] is True  # every service takes the priority attribute
    assert codes["200102"]["type"] == "realtime"

    xml = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert xml.tag == "services"
    assert sorted(n.findtext("service_code") for n in xml.findall("service")) == ["200101", "200102"]


def test_service_definition_and_unknown_code(client, district):
    answer = client.get(f"{BASE}/services/200102.json").json()
    assert answer["service_code"] == "200102"
    assert [a["code"] for a in answer["attributes"]] == ["priority"]
    missing = client.get(f"{BASE}/services/999999.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404
    xml = ET.fromstring(client.get(f"{BASE}/services/999999.xml").content)
    assert xml.tag == "errors" and xml.find("error").findtext("code") == "404"


def test_post_creates_an_open311_case_and_reads_back_without_personal_data(client, district, api_key):
    response = _post(client, district, api_key)
    assert response.status_code == 200, response.content
    [answer] = response.json()
    case = Case.objects.get(number=answer["service_request_id"])
    assert case.source == CaseSource.OPEN311
    assert case.category == district.days_category
    assert case.reporter_phone == "13812345678"
    assert case.reporter_name == "王小明"
    assert case.grid == district.grids[0]
    assert answer["service_notice"]

    body = client.get(f"{BASE}/requests/{case.number}.json")
    assert b"13812345678" not in body.content
    assert "wang@example.com" not in body.content.decode()
    assert "王小明" not in body.content.decode()
    [item] = body.json()
    assert item["status"] == "open"
    assert item["status_notes"] == "已收到，等待受理审核"
    assert item["service_code"] == "200102"
    assert item["description"].startswith("路边有一堆垃圾")
    assert "138****5678" in item["description"]
    assert item["lat"] == pytest.approx(case.lat)

    token = answer["token"]
    assert client.get(f"{BASE}/tokens/{token}.json").json() == [
        {"service_request_id": case.number, "token": token}
    ]


def test_post_in_xml_and_multipart_with_a_photo(client, district, api_key):
    response = _post(client, district, api_key, fmt="xml", media=jpeg_upload())
    assert response.status_code == 200, response.content
    root = ET.fromstring(response.content)
    number = root.find("request").findtext("service_request_id")
    case = Case.objects.get(number=number)
    assert CaseEvidence.objects.filter(case=case).count() == 1
    detail = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml").content)
    assert detail.tag == "service_requests"
    assert detail.find("request").findtext("status") == "open"


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"api_key": None}, 403),
        ({"api_key": "not-a-key"}, 403),
        ({"service_code": None}, 400),
        ({"service_code": "999999"}, 404),
        ({"lat": "north", "long": "east"}, 400),
        ({"lat": "95.0"}, 400),
        ({"lat": None}, 400),
        ({"lat": None, "long": None, "address_string": None}, 400),
        ({"lat": "39.9", "long": "116.4"}, 400),  # Beijing: outside the district
        ({"description": ""}, 400),
        ({"phone": "12345"}, 400),
    ],
)
def test_malformed_posts_get_the_error_list_and_create_nothing(client, district, api_key, overrides, status):
    before = Case.objects.count()
    response = _post(client, district, api_key, **overrides)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status
    assert error["description"]
    assert Case.objects.count() == before


def test_a_revoked_key_stops_working(client, district, api_key):
    services.open311_client_revoke(actor=system_actor(), client=Open311Client.objects.get())
    response = _post(client, district, api_key)
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_list_filters_and_status(client, district, api_key):
    first = _post(client, district, api_key).json()[0]["service_request_id"]
    second = _post(client, district, api_key, service_code="200101").json()[0]["service_request_id"]
    # Only Open311 requests are published through this API.
    flow.report(district, description="监督员发现的问题")
    case = Case.objects.get(number=first)
    flow.drive(district, "dispatched", case=case)

    everything = client.get(f"{BASE}/requests.json").json()
    assert {r["service_request_id"] for r in everything} == {first, second}
    dispatched = next(r for r in everything if r["service_request_id"] == first)
    assert dispatched["status_notes"] == "已派遣至建设路中队"
    assert dispatched["agency_responsible"] == "建设路中队"

    by_code = client.get(f"{BASE}/requests.json", {"service_code": "200101"}).json()
    assert [r["service_request_id"] for r in by_code] == [second]
    by_ids = client.get(f"{BASE}/requests.json", {"service_request_id": f"{first},{second}"}).json()
    assert len(by_ids) == 2
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []

    flow.drive(district, "closed", case=Case.objects.get(number=second))
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [(r["service_request_id"], r["status"], r["status_notes"]) for r in closed] == [
        (second, "closed", "已办结")
    ]
    future = client.get(f"{BASE}/requests.json", {"start_date": "2099-01-01T00:00:00Z"}).json()
    assert future == []
    bad = client.get(f"{BASE}/requests.json", {"status": "pending"})
    assert bad.status_code == 400


def test_jurisdiction_id_is_accepted_and_checked(client, district):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "410102"}).status_code == 200
    wrong = client.get(f"{BASE}/services.json", {"jurisdiction_id": "999999"})
    assert wrong.status_code == 404 and wrong.json()[0]["code"] == 404


def test_unknown_request_and_token_are_404(client, district):
    assert client.get(f"{BASE}/requests/4101022026999999.json").status_code == 404
    assert client.get(f"{BASE}/tokens/nope.xml").status_code == 404


def test_open311_key_command_prints_a_working_key_once(client, district, capsys):
    call_command("open311_key", "create", "随手拍")
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    stored = Open311Client.objects.get(name="随手拍")
    assert key not in stored.key_hash and stored.key_prefix == key[:8]
    assert _post(client, district, key).status_code == 200
    call_command("open311_key", "revoke", "随手拍")
    assert _post(client, district, key).status_code == 403
