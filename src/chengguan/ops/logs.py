"""Structured logs: one JSON line per request (logger `chengguan.request`) and a JSON formatter for
every other log line, so a log shipper reads them without a parser of its own.

A request line holds what an operator needs to follow a request and nothing personal: the URL
pattern that matched (`/cases/<str:number>/`, not the number; never the query string, where searches
put names and phone numbers), method, status, duration, response size, the signed-in user's id (not
their name) and a request id (nginx's `X-Request-ID`, or a new one), which the response echoes.
Client addresses stay in nginx's access log and in the audit trail, not here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid

request_log = logging.getLogger("chengguan.request")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "msg", ...extra}` on one line; exceptions as a `exc` string."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return "/" + match.route


class RequestLogMiddleware:
    """Logs each request once it is answered (place it after WhiteNoise: static files are not logged)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = (request.META.get("HTTP_X_REQUEST_ID") or "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        request_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": _route(request),
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "bytes": len(response.content) if not response.streaming else None,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
