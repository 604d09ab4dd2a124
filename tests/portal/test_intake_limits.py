"""One limiter for all public intake (issue 11 item 4, defects 6 and 10): the portal's page, the
citizen API, Open311 and the outside channels count in the same cache per phone number and per
client address, and answer 429 with a clear error; staff relaying a call are not counted.
Anonymous idempotency keys are scoped by client, so two reporters never get each other's case."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.services import case_report
from chengguan.channels.services import work_order_receive
from chengguan.core.clock import pinned
from chengguan.core.errors import DomainError
from chengguan.org.roles import RoleCode as R
from tests.cases.conftest import QUIET_MOMENT
from tests.portal.test_citizen import post_report
from tests.portal.test_open311 import BASE

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _quiet():
    with pinned(QUIET_MOMENT):
        yield


def open311_post(client, district, key, *, phone: str = "", device_id: str = "", **meta):
    lon, lat = district.point(0)
    data = {
        "api_key": key,
        "service_code": district.days_category.code,
        "lat": str(lat),
        "long": str(lon),
        "description": "路边有一堆垃圾",
        "phone": phone,
        "device_id": device_id,
    }
    return client.post(f"{BASE}/requests.json", data, **meta)


def _api(user, ip: str = "10.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=ip)
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _citizen_report(district, client, phone: str = PHONE, **headers):
    lon, lat = district.point(0)
    body = {
        "category": district.hours_category.code,
        "description": "路边垃圾",
        "source": "citizen",
        "lon": lon,
        "lat": lat,
        "reporter_phone": phone,
    }
    return client.post("/api/v1/cases/", body, format="json", **headers)


def test_the_citizen_api_is_limited_per_phone_number(district):
    """Defect 6: 12 quick posts with one phone number were 12 × 201."""
    client = _api(district.users[R.CITIZEN])
    answers = [_citizen_report(district, client).status_code for _ in range(12)]
    assert answers == [201] * 5 + [429] * 7
    refused = _citizen_report(district, client)
    assert refused.json()["code"] == "limits.rate_limited" and "频繁" in refused.json()["message"]
    assert Case.objects.count() == 5
    assert _citizen_report(district, client, phone="13700000000").status_code == 201


def test_the_citizen_api_is_limited_per_client_address(district, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"report_ip": (3, 3600)}
    client = _api(district.users[R.CITIZEN], ip="10.9.9.9")
    answers = [_citizen_report(district, client, phone=f"1370000000{i}").status_code for i in range(4)]
    assert answers == [201, 201, 201, 429]
    other = _api(district.users["other_citizen"], ip="10.9.9.8")
    assert _citizen_report(district, other, phone="13600000000").status_code == 201


def test_one_phone_number_is_counted_across_every_public_intake(district, client, api_key, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"report_phone": (3, 86400)}
    assert post_report(client, district, phone=PHONE, ip="10.1.0.1").status_code == 302
    assert _citizen_report(district, _api(district.users[R.CITIZEN], "10.1.0.2")).status_code == 201
    assert open311_post(client, district, api_key, phone=PHONE, REMOTE_ADDR="10.1.0.3").status_code == 200
    # The allowance is used up, whichever door the next report knocks on.
    assert post_report(client, district, phone=PHONE, ip="10.1.0.4").status_code == 429
    assert _citizen_report(district, _api(district.users[R.CITIZEN], "10.1.0.5")).status_code == 429
    refused = open311_post(client, district, api_key, phone=PHONE, REMOTE_ADDR="10.1.0.6")
    assert refused.status_code == 429 and refused.json()[0]["code"] == 429
    assert Case.objects.count() == 3


def test_staff_relaying_calls_are_not_counted(district):
    operator = _api(district.users[R.OPERATOR])
    assert {_citizen_report(district, operator).status_code for _ in range(7)} == {201}


def test_an_outside_channel_is_limited_per_complainant(district, settings):
    settings.CHENGGUAN_PORTAL_LIMITS = {"channel_phone": (2, 86400)}
    lon, lat = district.point(0)
    operator = district.users[R.OPERATOR]

    def receive(n: int):
        return work_order_receive(
            actor=operator,
            channel="hotline_12345",
            external_id=f"GD{n}",
            content="垃圾",
            category=district.days_category.code,
            complainant_phone=PHONE,
            lon=lon,
            lat=lat,
        )

    receive(1), receive(2)
    with pytest.raises(DomainError) as refused:
        receive(3)
    assert refused.value.status == 429 and refused.value.code == "limits.rate_limited"
    assert not receive(1).created  # an item already received is still answered


def _anonymous(district, key: str, scope: str):
    lon, lat = district.point(0)
    return case_report(
        actor=None,
        source=CaseSource.CITIZEN,
        category=district.hours_category,
        description="井盖缺失",
        lon=lon,
        lat=lat,
        idempotency_key=key,
        client_scope=scope,
    )


def test_anonymous_idempotency_keys_are_scoped_by_client(district):
    """Defect 10: two anonymous clients with the same key got one case, the second the first's."""
    first = _anonymous(district, "retry-1", "session:aaa")
    other = _anonymous(district, "retry-1", "session:bbb")
    assert first.created and other.created and first.case != other.case
    again = _anonymous(district, "retry-1", "session:aaa")
    assert not again.created and again.case == first.case
    # Without anything to tell the client apart, the key is not kept: never someone else's case.
    a, b = _anonymous(district, "retry-2", ""), _anonymous(district, "retry-2", "")
    assert a.case != b.case


def test_open311_retries_are_answered_per_device(client, district, api_key):
    def send(device: str):
        return open311_post(client, district, api_key, device_id=device, HTTP_IDEMPOTENCY_KEY="k-1")

    first, retry, other = send("phone-a"), send("phone-a"), send("phone-b")
    ids = [r.json()[0]["service_request_id"] for r in (first, retry, other)]
    assert ids[0] == ids[1] != ids[2]
    assert first.json()[0]["token"] == retry.json()[0]["token"] != other.json()[0]["token"]
    assert Case.objects.count() == 2
