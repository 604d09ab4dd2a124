"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): views and the JSON/XML renderers.

The spec answers every call with a list (requests, services, errors) in the format named by the
URL's extension; errors are `[{"code": <http status>, "description": ...}]` with the same status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from xml.etree import ElementTree as ET

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from chengguan.cases.models import INTAKE_ATTRIBUTES, Case, intake_attribute_fields
from chengguan.cases.services import MAX_DESCRIPTION
from chengguan.core import clock, limits, text
from chengguan.core.errors import DomainError, NotFound
from chengguan.org.models import Organisation, OrgKind
from chengguan.portal import selectors, services
from chengguan.portal.models import Open311Submission
from chengguan.taxonomy.models import Category
from chengguan.taxonomy.selectors import category_by_code

DEFAULT_WINDOW = dt.timedelta(days=90)  # the spec's default range for a request list
MAX_RESULTS = 1000


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# -- rendering ------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, list):
        for item in value:
            _xml_value(node, tag.rstrip("s") or "item", item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(node, key, inner)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        # Rows stored before the text check may hold characters XML 1.0 cannot carry.
        node.text = text.for_output(str(value))


def render(data, fmt: str, *, root: str, item: str, status: int = 200) -> HttpResponse:
    """A list as JSON, or as XML `<root><item>…</item></root>`; a dict is one element (XML only)."""
    if fmt == "json":
        return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    top = ET.Element(root)
    for entry in data if isinstance(data, list) else [data]:
        node = ET.SubElement(top, item) if isinstance(data, list) else top
        for key, value in entry.items():
            _xml_value(node, key, value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
        top, encoding="utf-8", xml_declaration=False
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(
        [{"code": status, "description": description}], fmt, root="errors", item="error", status=status
    )


def open311_view(func: Callable) -> Callable:
    """Turn our errors into the spec's error list, in the requested format."""

    def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
        try:
            text.refuse_control_characters(request.GET)
            if request.method == "POST":
                text.refuse_control_characters(request.POST)
            _check_jurisdiction(request)
            return func(request, *args, fmt=fmt, **kwargs)
        except RequestDataTooBig:
            return render_error(fmt, 413, "请求内容过大")
        except TooManyFieldsSent:
            return render_error(fmt, 400, "请求字段过多")
        except Open311Error as exc:
            return render_error(fmt, exc.status, exc.description)
        except DomainError as exc:
            details = "；".join(f"{name}: {'、'.join(msgs)}" for name, msgs in exc.fields.items())
            status = exc.status if exc.status in (400, 403, 404, 429) else 400
            return render_error(fmt, status, f"{exc.message}{'（' + details + '）' if details else ''}")

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return csrf_exempt(wrapper)


def _check_jurisdiction(request: HttpRequest) -> None:
    """`jurisdiction_id` is optional; when given it must be one of our bureaus' codes."""
    jurisdiction = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    if jurisdiction and not Organisation.objects.filter(kind=OrgKind.BUREAU, code=jurisdiction).exists():
        raise Open311Error(404, f"jurisdiction_id 无效：{jurisdiction}")


# -- payloads -------------------------------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(clock.SHANGHAI).isoformat(timespec="seconds") if moment else None


def service_attributes() -> list[dict]:
    """The attributes every service takes: the case's intake attributes (`INTAKE_ATTRIBUTES`), each a
    list of its field's choices, sent back as `attribute[<code>]`."""
    return [
        {
            "variable": True,
            "code": field.name,
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": f"{' 或 '.join(v for v, _ in field.choices)}，缺省为 {field.default}",
            "order": order,
            "description": str(field.verbose_name),
            "values": [{"key": value, "name": str(label)} for value, label in field.choices],
        }
        for order, field in enumerate(intake_attribute_fields(), start=1)
    ]


def service_payload(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name_zh,
        "description": category.filing_criteria or category.name_zh,
        "metadata": bool(INTAKE_ATTRIBUTES),
        "type": "realtime",
        "keywords": "",
        "group": category.major.name_zh,
    }


def request_payload(case: Case) -> dict:
    """One request as the public sees it: no reporter name, phone, e-mail or staff name."""
    submission = getattr(case, "open311", None)
    return {
        "service_request_id": case.number,
        "status": selectors.open311_status(case),
        "status_notes": selectors.status_notes(case),
        "service_name": case.category.name_zh,
        "service_code": case.category.code,
        "description": selectors.public_text(case.description),
        "agency_responsible": case.handling_unit.name if case.handling_unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(case.reported_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.handling_due_at),
        "address": selectors.public_text(case.address),
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": submission.media_url if submission else "",
    }


def _requests_response(cases, fmt: str) -> HttpResponse:
    return render([request_payload(c) for c in cases], fmt, root="service_requests", item="request")


def _comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _w3c(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    moment = parse_datetime(raw.replace(" ", "+"))
    if moment is None:
        raise Open311Error(400, f"{name} 须为 W3C 日期时间，例如 2026-01-01T00:00:00+08:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI)


# -- views ----------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@open311_view
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    data = [service_payload(c) for c in selectors.open311_services()]
    return render(data, fmt, root="services", item="service")


@require_http_methods(["GET"])
@open311_view
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    category = _category_or_404(code)
    data = {"service_code": category.code, "attributes": service_attributes()}
    return render(data, fmt, root="service_definition", item="service_definition")


def _category_or_404(code: str) -> Category:
    try:
        return category_by_code(code)
    except NotFound as exc:
        raise Open311Error(404, f"未知的 service_code：{code}") from exc


@require_http_methods(["GET", "POST"])
@open311_view
def requests_collection(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    statuses = _comma_list(request.GET.get("status"))
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "status 只能是 open 或 closed")
    ids = _comma_list(request.GET.get("service_request_id"))
    start, end = _w3c(request, "start_date"), _w3c(request, "end_date")
    if not ids and start is None and end is None:
        start = clock.now() - DEFAULT_WINDOW
    qs = selectors.filter_requests(
        selectors.open311_requests(),
        ids=ids,
        codes=_comma_list(request.GET.get("service_code")),
        start=start,
        end=end,
        statuses=statuses,
    )
    return _requests_response(qs[:MAX_RESULTS], fmt)


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    client = selectors.client_for_key(data.get("api_key"))
    if client is None:
        raise Open311Error(403, "api_key 缺失或无效")
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    _category_or_404(code)
    lat, lon = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address = (data.get("address_string") or "").strip()
    if bool(lat) != bool(lon):
        raise Open311Error(400, "lat 与 long 须同时提供")
    if not lat and not address and not (data.get("address_id") or "").strip():
        raise Open311Error(400, "须提供 lat/long 或 address_string")
    # Intake checks each attribute against its choices; a refusal names the attribute.
    attributes = {name: (data.get(f"attribute[{name}]") or "").strip() for name in INTAKE_ATTRIBUTES}
    submission = services.open311_request_create(
        client=client,
        service_code=code,
        lat=lat or None,
        lon=lon or None,
        media=request.FILES.get("media"),
        attributes=attributes,
        client_address=limits.client_address(request),
        idempotency_key=request.headers.get("Idempotency-Key"),
        **_checked_fields(data),
    )
    answer = [
        {
            "service_request_id": submission.case.number,
            "token": submission.token,
            "service_notice": f"已收到，案件编号 {submission.case.number}，可凭此编号查询办理进度。",
            "account_id": "",
        }
    ]
    return render(answer, fmt, root="service_requests", item="request")


# Open311 field → (our argument, the most the model stores, how it is checked).
_FIELDS: dict[str, tuple[str, int, Callable]] = {
    "description": ("description", MAX_DESCRIPTION, text.clean_field),
    "address_string": ("address", Case._meta.get_field("address").max_length, text.clean_field),
    "first_name": ("first_name", Case._meta.get_field("reporter_name").max_length, text.clean_field),
    "last_name": ("last_name", Case._meta.get_field("reporter_name").max_length, text.clean_field),
    "phone": ("phone", Case._meta.get_field("reporter_phone").max_length, text.clean_field),
    "email": ("email", Open311Submission._meta.get_field("email").max_length, text.clean_email),
    "device_id": ("device_id", Open311Submission._meta.get_field("device_id").max_length, text.clean_field),
    "account_id": (
        "account_id",
        Open311Submission._meta.get_field("account_id").max_length,
        text.clean_field,
    ),
    "media_url": ("media_url", Open311Submission._meta.get_field("media_url").max_length, text.clean_url),
}


def _checked_fields(data) -> dict[str, str]:
    """The request's free-text fields through the text normaliser: too long, a bad e-mail or a link
    that is not http(s) is refused under the field's Open311 name, never cut or stored."""
    out = {
        arg: check(name, data.get(name, ""), max_length=limit)
        for name, (arg, limit, check) in _FIELDS.items()
    }
    limit = Case._meta.get_field("reporter_name").max_length
    if len(out["last_name"] + out["first_name"]) > limit:
        raise Open311Error(400, f"first_name: 姓名合计不能超过 {limit} 个字符")
    return out


@require_http_methods(["GET"])
@open311_view
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    case = selectors.open311_requests().filter(number=request_id).first()
    if case is None:
        raise Open311Error(404, f"未找到请求：{request_id}")
    return _requests_response([case], fmt)


@require_http_methods(["GET"])
@open311_view
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    submission = selectors.submission_by_token(token)
    if submission is None:
        raise Open311Error(404, f"未找到令牌：{token}")
    data = [{"service_request_id": submission.case.number, "token": submission.token}]
    return render(data, fmt, root="service_requests", item="request")
