"""The field app's shell: one page, its web-app manifest and its service worker, all open to anyone
(the page holds no data; the app signs its API requests with a device token). The service worker is
served from /field/ so that its scope is the app, and lists the exact static files it precaches, with
a version made of their contents, so a new deployment replaces the cache once."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chengguan.cases.states import CaseState
from chengguan.field.duty_strings import duty_catalog
from chengguan.field.strings import catalog

# The shell's code and styles (the first-load budget, tests/field/test_budget.py, sums these).
ASSETS = (
    "field/field.css",
    "field/app.js",
    "field/db.js",
    "field/sync.js",
    "field/duty.css",
    "field/duty.js",
    "field/dutydb.js",
    "field/track.js",
    "field/tasks.js",
    "field/grids.js",
    "field/photos.js",
)
ICONS = ("field/icons/icon-192.png", "field/icons/icon-512.png", "field/icons/maskable-512.png")


@cache
def _version() -> str:
    """A digest of the precached files, so the service worker changes exactly when they do."""
    digest = hashlib.sha256()
    for name in (*ASSETS, *ICONS):
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    digest.update((settings.STATIC_URL or "").encode())
    return digest.hexdigest()[:12]


@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "field/shell.html",
        {
            "strings": {**catalog(), **duty_catalog()},
            # The API names states in Chinese; the page, in its own language.
            "labels": {
                "states": {value: str(label) for value, label in CaseState.choices},
                "urgency": {"normal": _("正常"), "warning": _("预警"), "overdue": _("超时")},
            },
            "config": {
                "lang": get_language(),
                "languageCookie": settings.LANGUAGE_COOKIE_NAME,
                "api": "/api/v1/",
                "sw": reverse("field:sw"),
                "scope": reverse("field:shell"),
            },
        },
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    precache = [reverse("field:shell"), reverse("field:manifest"), *(static(n) for n in (*ASSETS, *ICONS))]
    body = render(
        request,
        "field/sw.js",
        {
            "version": _version(),
            "precache": json.dumps(precache),
            "sync": static("field/sync.js"),
            "duty": static("field/duty.js"),
        },
        content_type="text/javascript",
    )
    # The browser checks for a new worker on each visit; it must not be served stale from a cache.
    body["Cache-Control"] = "no-cache"
    body["Service-Worker-Allowed"] = reverse("field:shell")
    return body


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("城管通 · 外勤"),
        "short_name": _("城管通"),
        "description": _("监督员和处置人员的外勤上报，离线可用。"),
        "lang": get_language(),
        "start_url": reverse("field:shell"),
        "scope": reverse("field:shell"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f3f5f8",
        "theme_color": "#0b5cad",
        "icons": [
            {"src": static(ICONS[0]), "sizes": "192x192", "type": "image/png"},
            {"src": static(ICONS[1]), "sizes": "512x512", "type": "image/png"},
            {"src": static(ICONS[2]), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8"
    )
