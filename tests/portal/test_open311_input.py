"""Open311 refuses what it cannot store faithfully, in its own error list (issue 11, defects 1, 2, 8):
control characters and NUL (a 500 on PostgreSQL before), over-long fields (cut silently before), a
bad e-mail, a link that is not http(s), and a body too large for Django (its HTML 400 page before).
Old rows holding control characters still give well-formed XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from chengguan.cases.models import Case
from chengguan.core.models import AuditEvent
from tests.portal.test_open311 import BASE, _post

pytestmark = pytest.mark.django_db


def _refused(response, status: int = 400) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    [error] = response.json()
    assert error["code"] == status
    return error["description"]


@pytest.mark.parametrize(
    "field", ["description", "first_name", "last_name", "address_string", "media_url", "device_id", "email"]
)
@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1f", "\x85"])
def test_a_control_character_in_any_text_field_is_refused_naming_the_field(
    client, district, api_key, field, char
):
    before = (Case.objects.count(), AuditEvent.objects.count())
    description = _refused(_post(client, district, api_key, **{field: f"abc{char}def"}))
    assert field in description and "控制字符" in description
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"media_url": "ftp://example.com/a.jpg"}, "media_url"),
        ({"first_name": "名" * 100_000}, "first_name"),
        ({"device_id": "d" * 5_000}, "device_id"),
        ({"address_string": "路" * 201}, "address_string"),
        ({"phone": "1" * 21}, "phone"),
    ],
)
def test_bad_or_too_long_fields_are_refused_not_cut(client, district, api_key, overrides, field):
    before = Case.objects.count()
    assert field in _refused(_post(client, district, api_key, **overrides))
    assert Case.objects.count() == before


def test_a_one_megabyte_description_gets_the_open311_error_list(client, district, api_key):
    for fmt in ("json", "xml"):
        response = _post(client, district, api_key, fmt=fmt, description="垃圾" * 500_000)
        assert response.status_code == 413
        if fmt == "json":
            assert response.json()[0]["code"] == 413
        else:
            assert ET.fromstring(response.content).find("error").findtext("code") == "413"
    assert not Case.objects.exists()


def test_a_description_over_the_case_limit_is_refused(client, district, api_key):
    assert "description" in _refused(_post(client, district, api_key, description="垃" * 2001))


def test_good_email_and_https_link_are_kept(client, district, api_key):
    response = _post(client, district, api_key, media_url="https://example.com/a.jpg")
    assert response.status_code == 200, response.content
    case = Case.objects.get(number=response.json()[0]["service_request_id"])
    assert case.open311.media_url == "https://example.com/a.jpg"
    assert case.open311.email == "wang@example.com"


def test_a_nul_in_a_query_parameter_is_an_open311_error(client, district):
    assert "service_request_id" in _refused(client.get(f"{BASE}/requests.json?service_request_id=a%00b"))


def test_old_rows_with_control_characters_give_well_formed_xml(client, district, api_key):
    response = _post(client, district, api_key)
    number = response.json()[0]["service_request_id"]
    # A row stored before the check (the trigger-free table of cases may be written by SQL).
    Case.objects.filter(number=number).update(description="路边\x0b垃圾\x1f堆积", address="建设路\x1c号")
    for path in (f"{BASE}/requests.xml", f"{BASE}/requests/{number}.xml"):
        body = client.get(path)
        assert body.status_code == 200
        root = ET.fromstring(body.content)  # malformed XML raised here before
        assert root.find("request").findtext("description") == "路边垃圾堆积"


ID_NUMBER = "41010219900307123X"


def test_id_and_phone_numbers_in_a_description_are_masked_in_json_and_xml(client, district, api_key):
    """Issue 11 defect 8: the ID number was shown in full on requests/{id}.json."""
    response = _post(client, district, api_key, description=f"摊主身份证{ID_NUMBER}，电话13812345678，占道")
    number = response.json()[0]["service_request_id"]
    for path in (f"{BASE}/requests/{number}.json", f"{BASE}/requests/{number}.xml", f"{BASE}/requests.json"):
        body = client.get(path).content.decode()
        assert ID_NUMBER not in body and "13812345678" not in body, path
        assert "410102********123X" in body and "138****5678" in body, path
