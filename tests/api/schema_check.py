"""Responses checked against the published OpenAPI document: the status must be documented for the
operation, the content type must be one it documents, and a JSON body must validate against the
documented schema, with no field the schema does not name.

`SchemaCheckingClient` checks every response it receives, so an API test that uses it proves, as a
side effect of what it asserts, that the schema says what the API does.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient


@cache
def openapi() -> dict:
    """The document /api/v1/schema/ serves (built once per test run: it depends on code only)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def _json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema 2020-12: `nullable` becomes a null alternative, and an
    object that lists its properties admits no others."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key not in ("nullable", "example")}
    for bound, limit in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
        if out.get(bound) is True:  # OpenAPI 3.0's flag becomes 2020-12's number
            out[bound] = out.pop(limit)
        elif out.get(bound) is False:
            del out[bound]
    if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _components() -> dict:
    return {"components": {"schemas": _json_schema(openapi()["components"]["schemas"])}}


@cache
def _operations() -> list[tuple[re.Pattern, str, dict]]:
    """(path regex, method, operation), literal paths first so `cases/map/` is not `cases/{id}/`."""
    rows = []
    for template, item in openapi()["paths"].items():
        regex = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            rows.append((template.count("{"), regex, method, operation))
    rows.sort(key=lambda row: row[0])
    return [(regex, method, operation) for _, regex, method, operation in rows]


def operation_for(method: str, path: str) -> dict | None:
    for regex, documented, operation in _operations():
        if documented == method.lower() and regex.match(path):
            return operation
    return None


def check_response(response) -> None:
    """Fail unless `response` is what the schema documents for its request."""
    method, path = response.request["REQUEST_METHOD"], response.request["PATH_INFO"]
    operation = operation_for(method, path)
    if operation is None:
        return  # not an API operation (an unknown path, a method the API does not offer)
    where = f"{method} {path} → {response.status_code}"
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"{where}: status not documented ({sorted(operation['responses'])})"
    content = documented.get("content", {})
    if not content:
        return
    media = response.get("Content-Type", "").split(";")[0].strip()
    assert media in content, f"{where}: {media} is not one of {sorted(content)}"
    schema = content[media].get("schema", {})
    if media != "application/json" or getattr(response, "streaming", False):
        return
    validator = Draft202012Validator({**_json_schema(schema), **_components()})
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.absolute_path))
    assert not errors, f"{where}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:300]}" for e in errors[:5]
    )


class SchemaCheckingClient(APIClient):
    """An API client whose every response must match the published schema."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        check_response(response)
        return response
