"""The real PyPI client `georeport` against a running server (pytest-django's live_server).

The client only reads, so the request is posted form-encoded with `requests`, as the spec describes.
"""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from chengguan.cases.models import Case


@pytest.fixture
def root(transactional_db, live_server) -> str:
    return f"{live_server.url}/open311/v2"


def _form(district, key: str, **overrides) -> dict:
    lon, lat = district.point(1)
    return {
        "api_key": key,
        "service_code": "200102",
        "lat": str(lat),
        "long": str(lon),
        "description": "小区门口垃圾桶满溢",
        "phone": "13900001111",
        **overrides,
    }


def test_client_reads_services_definition_and_a_posted_request(root, district, api_key):
    client = GeoReport(root, jurisdiction="410102")
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"200101", "200102"}
    definition = client.get_service_definition("200102")
    assert definition["service_code"] == "200102"
    assert [(a["code"], [v["key"] for v in a["values"]]) for a in definition["attributes"]] == [
        ("priority", ["urgent", "normal"])
    ]

    form = _form(district, api_key, **{"attribute[priority]": "urgent"})
    posted = requests.post(f"{root}/requests.json", data=form, timeout=30)
    assert posted.status_code == 200
    number = posted.json()[0]["service_request_id"]
    assert Case.objects.get(number=number).priority == "urgent"

    one = client.get_service_request(number)
    assert one["service_request_id"] == number
    assert one["status"] == "open"
    assert one["service_code"] == "200102"
    listed = client.get_service_requests(status="open")
    assert [r["service_request_id"] for r in listed] == [number]
    assert "13900001111" not in str(one) + str(listed)

    xml_client = GeoReport(root, output_format="xml")
    assert xml_client.get_service_request(number)["service_request_id"] == number
    assert xml_client.get_service_definition("200102")["service_code"] == "200102"


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"service_code": ""}, 400),
        ({"lat": "abc"}, 400),
        ({"service_code": "123456"}, 404),
        ({"api_key": ""}, 403),
    ],
)
def test_malformed_posts_to_a_running_server_create_nothing(root, district, api_key, overrides, status):
    response = requests.post(f"{root}/requests.json", data=_form(district, api_key, **overrides), timeout=30)
    assert response.status_code == status
    assert response.json() == [{"code": status, "description": response.json()[0]["description"]}]
    assert Case.objects.count() == 0
