"""drf-spectacular post-processing: what the generator cannot see of our query parameters.

- An optional query parameter sent empty (`?from=`, `?unit=`) means "not given" throughout the API
  (django-filter, the pagination and the hand-read parameters all treat it so): `allowEmptyValue`.
- A page number starts at 1, and a page past the last is 404 (`core.pagination`).
- An operation with query parameters answers a malformed one with a field-level 400 (`core.filters`,
  `core.pagination`), documented where a view did not say it already.
"""

from __future__ import annotations

from chengguan.core.errors import FilterError

# Optional query parameters that refuse an empty value: (path, method, name).
EMPTY_REFUSED: frozenset[tuple[str, str, str]] = frozenset()


def _bad_query() -> dict:
    example = {
        "code": str(FilterError.BAD_PAGE),
        "message": str(FilterError.BAD_PAGE.label),
        "fields": {"page": [str(FilterError.BAD_PAGE.label)]},
    }
    return {
        "description": "查询参数有误（逐项说明）",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "examples": {"FilterBadPage": {"value": example}},
            }
        },
    }


def _past_the_last_page() -> dict:
    example = {"code": "not_found", "message": "未找到。", "fields": {}}
    return {
        "description": "页码超出末页",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "examples": {"PastTheLastPage": {"value": example}},
            }
        },
    }


def postprocess(result: dict, generator, request, public) -> dict:
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
            for parameter in query:
                if parameter["name"] == "page":
                    parameter.setdefault("schema", {})["minimum"] = 1
                    operation.setdefault("responses", {}).setdefault("404", _past_the_last_page())
                if not parameter.get("required") and (path, method, parameter["name"]) not in EMPTY_REFUSED:
                    parameter["allowEmptyValue"] = True
            if query:
                operation.setdefault("responses", {}).setdefault("400", _bad_query())
    return result
