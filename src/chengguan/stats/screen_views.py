"""The wall screen's page and its two JSON reads. The page is a shell with no figures in it; its
script takes the key from the URL's fragment (`/stats/screen/#key=…`, which a browser never sends,
so no access log or proxy sees it), keeps it in the screen's localStorage, and sends it as
`Authorization: Device <key>` with each read. A missing, unknown or revoked key answers 401."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from chengguan.org.errors import AuthError
from chengguan.stats import screen


@never_cache
@require_GET
def screen_page(request):
    """The 1920×1080 shell; the figures come from `screen-data` with the screen's key."""
    return render(request, "stats/screen.html", {"words": screen.screen_words()})


class _ScreenRead(View):
    http_method_names = ["get"]

    def read(self, token) -> dict:
        raise NotImplementedError

    def get(self, request):
        token = screen.screen_token(screen.key_from_header(request.headers.get("Authorization", "")))
        if token is None:
            refused = {"code": AuthError.SCREEN_TOKEN_INVALID, "detail": _("该大屏的令牌已注销或无效。")}
            answer = JsonResponse(refused, status=401)
            answer["WWW-Authenticate"] = "Device"
        else:
            answer = JsonResponse(self.read(token))
        answer["Cache-Control"] = "no-store"
        return answer


class ScreenDataView(_ScreenRead):
    """Today's counts, open and overdue cases, the ranking, open cases per grid, who is on duty."""

    def read(self, token) -> dict:
        return screen.screen_data(token)


@method_decorator(gzip_page, name="dispatch")
class ScreenOutlinesView(_ScreenRead):
    """The bureau's grid outlines (GeoJSON), read once when the screen starts."""

    def read(self, token) -> dict:
        return screen.screen_outlines(token)
