"""Puts the client address where `audit.record()` can read it without services taking a request."""

from __future__ import annotations

from django.conf import settings

from chengguan.core.audit import client_address_var


def client_address(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", ""))[:64]


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address_var.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            client_address_var.reset(token)


class ChineseByDefaultMiddleware:
    """The UI is Simplified Chinese unless the user picked English with the language switch (a cookie):
    a browser's Accept-Language alone does not switch a government system's language. The APIs speak
    Chinese whatever the cookie says (messages, labels), so an integration never sees a second
    language because someone's browser once switched."""

    API_PREFIXES = ("/api/", "/open311/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        if request.path_info.startswith(self.API_PREFIXES):
            request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        return self.get_response(request)
