"""Every API error has one shape; the OpenAPI schema is complete and valid; the docs page is offline."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path, re_path

from chengguan.core.api import api_not_found
from tests.api.conftest import assert_error

urlpatterns = [
    path("api/v1/", include("chengguan.api_urls")),
    re_path(r"^api/v1/", api_not_found),
]

OUR_PATHS = {
    "/api/v1/auth/token",
    "/api/v1/me",
    "/api/v1/organisations/",
    "/api/v1/organisations/{id}/",
    "/api/v1/staff/",
    "/api/v1/staff/{id}/",
    "/api/v1/grids/",
    "/api/v1/grids/{code}/",
    "/api/v1/locate",
    "/api/v1/categories/",
    "/api/v1/categories/{code}/",
}


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/staff/", 401, "not_authenticated"),
        ("get", "/api/v1/organisations/999999/", 404, "not_found"),
        ("get", "/api/v1/staff/999999/", 404, "not_found"),
        ("put", "/api/v1/organisations/", 405, "method_not_allowed"),
        ("post", "/api/v1/grids/", 405, "method_not_allowed"),
        ("delete", "/api/v1/locate", 405, "method_not_allowed"),
        ("get", "/api/v1/auth/token", 405, "method_not_allowed"),
        ("get", "/api/v1/organisations/", 400, "validation_failed"),
    ],
)
def test_errors_have_one_shape(district, client_for, api, method, url, status, code):
    client = api if status == 401 else client_for(district.leader)
    params = {"kind": "nonsense"} if status == 400 else {}
    response = getattr(client, method)(url, params)
    assert_error(response, status, code)


def test_validation_error_lists_fields(district, client_for):
    body = assert_error(
        client_for(district.leader).get("/api/v1/locate", {"lon": "x", "lat": "y", "crs": "utm"}),
        400,
        "validation_failed",
    )
    assert set(body["fields"]) == {"lon", "lat", "crs"}
    assert body["message"] == "提交的数据有误，请检查标出的字段。"


def test_malformed_json_is_a_parse_error(district, api):
    response = api.generic("POST", "/api/v1/auth/token", "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


@pytest.mark.urls("tests.api.test_errors_and_schema")
def test_unknown_api_path_answers_json_404(district, client_for):
    assert_error(client_for(district.leader).get("/api/v1/no-such-thing/"), 404, "not_found")
    assert_error(client_for(district.leader).post("/api/v1/nothing", {}), 404, "not_found")


def test_schema_lists_every_endpoint(district, client_for):
    response = client_for(district.leader).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) >= OUR_PATHS
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            responses = operation["responses"]
            errors = [status for status in responses if status.startswith(("4", "5"))]
            assert errors, operation["operationId"]
            for status in errors:
                content = responses[status]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}
                assert content["examples"]


def test_schema_has_no_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert set(schema["paths"]) >= OUR_PATHS
    locate = schema["paths"]["/api/v1/locate"]["get"]
    assert {p["name"] for p in locate["parameters"]} == {"lon", "lat", "crs"}
    grids = schema["paths"]["/api/v1/grids/"]["get"]
    assert {"bbox", "subdistrict", "community", "squad", "code", "q", "limit"} <= {
        p["name"] for p in grids["parameters"]
    }


@override_settings(DEBUG=False)
def test_docs_page_renders_from_local_assets(district, client_for):
    response = client_for(district.leader).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert "unpkg" not in html.lower()
