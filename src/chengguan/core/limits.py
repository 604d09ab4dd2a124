"""The one rate limiter of everything the public can send: reports through every public intake
(the portal's page, the citizen API, Open311, the outside channels), tracking look-ups and ratings.

A fixed-window counter on Django's cache (`CACHES`: Redis in production so every worker shares the
counts, local memory in tests). Reports are counted per phone number and per client address at one
place, `cases.services.case_report`, so a new public intake is limited the day it is added. Keys are
hashed, so a phone number never lands in the cache in clear text.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from chengguan.core.errors import DomainError, LimitError


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


class RateLimited(DomainError):
    """Too many attempts in the window: HTTP 429 with the limiter's message."""

    status = 429
    code = LimitError.RATE_LIMITED.value


# (scope → limit); override any of them with settings.CHENGGUAN_PORTAL_LIMITS = {"report_ip": (5, 3600)}.
DEFAULT_LIMITS = {
    "report_ip": Limit(10, 3600),  # public reports (any intake) from one client address per hour
    "report_phone": Limit(5, 24 * 3600),  # public reports giving one phone number per day
    "channel_phone": Limit(20, 24 * 3600),  # outside channels' items from one complainant per day
    "track_ip": Limit(30, 3600),  # tracking look-ups from one client address per hour
    "track_number": Limit(10, 3600),  # failed query codes tried against one tracking number per hour
    "rate_ip": Limit(20, 3600),  # ratings posted from one client address per hour
    "signup_ip": Limit(20, 3600),  # registrations for the bureau's open activities per address per hour
}


def limit_for(scope: str) -> Limit:
    override = (getattr(settings, "CHENGGUAN_PORTAL_LIMITS", None) or {}).get(scope)
    return Limit(*override) if override else DEFAULT_LIMITS[scope]


def _key(scope: str, subject: str, window: int) -> str:
    digest = hashlib.sha256(f"{scope}:{subject}".encode()).hexdigest()[:32]
    return f"portal:rl:{digest}:{int(time.time() // window)}"


def hit(scope: str, subject: str) -> bool:
    """Count one attempt; False once `subject` has used up its allowance in this window."""
    if not subject:
        return True
    limit = limit_for(scope)
    key = _key(scope, subject, limit.seconds)
    if cache.add(key, 1, timeout=limit.seconds + 5):
        return limit.count >= 1
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=limit.seconds + 5)
        used = 1
    return used <= limit.count


def exhausted(scope: str, subject: str) -> bool:
    """True when `subject` already used its allowance (checks without counting)."""
    if not subject:
        return False
    limit = limit_for(scope)
    return (cache.get(_key(scope, subject, limit.seconds)) or 0) >= limit.count


def refuse_if_exhausted(**subjects: str) -> None:
    """Raise `RateLimited` when any `scope=subject` pair has used its allowance (nothing counted)."""
    if any(exhausted(scope, subject) for scope, subject in subjects.items()):
        raise RateLimited(str(LimitError.RATE_LIMITED.label), code=LimitError.RATE_LIMITED)


def count(**subjects: str) -> None:
    """Count one accepted attempt against each `scope=subject` pair."""
    for scope, subject in subjects.items():
        hit(scope, subject)


def client_address(request) -> str:
    """The address to count against. X-Forwarded-For is honoured only when the deployment says its
    proxy sets it (CHENGGUAN_TRUST_FORWARDED_FOR), since anyone can send the header."""
    if getattr(settings, "CHENGGUAN_TRUST_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]
