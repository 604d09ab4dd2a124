"""`/healthz` for load balancers and `/metrics` for Prometheus (staff or a bearer token)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from chengguan.ops import health, metrics
from chengguan.org.permissions import uses_admin_pages


@never_cache
def healthz(request):
    checks = health.run_checks()
    ok = all(c.ok for c in checks.values())
    body = {
        "status": "ok" if ok else "fail",
        "checks": {name: {"ok": c.ok, "detail": c.detail, "ms": c.ms} for name, c in checks.items()},
    }
    return JsonResponse(body, status=200 if ok else 503)


def _may_scrape(request) -> bool:
    token = settings.CHENGGUAN_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    user = request.user
    return uses_admin_pages(user)


@never_cache
def metrics_view(request):
    if not _may_scrape(request):
        response = HttpResponse("authentication required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
