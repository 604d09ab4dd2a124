"""Staff browser sessions end after STAFF_SESSION_IDLE_MINUTES without a request and after
STAFF_SESSION_MAX_HOURS in all (等保 2.0 身份鉴别: 登录连接超时自动退出); each is listed for the
administrators (`StaffSession`, in the admin) who may end it.

Only browser sessions of staff: citizens keep theirs, and the command-centre screen and the field
app sign requests with revocable device tokens, which no timeout ends. Times are the wall clock
(`time.time()`), not `core.clock`: a session lasts in real time whatever moment a test pins.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import logout, user_logged_in, user_logged_out
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from chengguan.core import audit
from chengguan.org.models import StaffSession
from chengguan.org.roles import STAFF_ROLES
from chengguan.org.selectors import role_codes

STARTED, SEEN = "staff_session_started", "staff_session_seen"
# A request refreshes "last seen" at most this often (seconds), so not every request writes.
TOUCH_EVERY = 60


def _is_staff(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.is_staff or role_codes(user) & STAFF_ROLES)
    )


def _when(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session") or not _is_staff(user):
        return
    now = time.time()
    request.session[STARTED] = request.session[SEEN] = now
    if request.session.session_key is None:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "started_at": _when(now),
            "last_seen_at": _when(now),
            "address": audit.client_address_var.get() or request.META.get("REMOTE_ADDR", ""),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


def _on_logout(sender, request, user, **kwargs) -> None:
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        StaffSession.objects.filter(session_key=request.session.session_key).delete()


user_logged_in.connect(_on_login, dispatch_uid="chengguan-staff-session-login")
user_logged_out.connect(_on_logout, dispatch_uid="chengguan-staff-session-logout")


def expired(session: SessionBase, now: float) -> str:
    """Why this staff session is over ("idle", "lifetime"), or "" while it lasts."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return ""
    if now - seen > settings.STAFF_SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - started > settings.STAFF_SESSION_MAX_HOURS * 3600:
        return "lifetime"
    return ""


class StaffSessionMiddleware:
    """After AuthenticationMiddleware: ends a staff browser session that timed out, else notes that
    it was used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(STARTED) is not None and request.user.is_authenticated:
            now = time.time()
            reason = expired(session, now)
            if reason:
                user = request.user
                with transaction.atomic():
                    audit.record(
                        actor=user, action="auth.session_expired", obj=user, after={"reason": reason}
                    )
                logout(request)
            elif now - session[SEEN] > TOUCH_EVERY:
                session[SEEN] = now
                StaffSession.objects.filter(session_key=session.session_key).update(last_seen_at=_when(now))
        return self.get_response(request)


def end_session(*, actor, row: StaffSession) -> None:
    """An administrator ends someone's session: it is gone from the session store at once."""
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="auth.session_ended",
            obj=("auth.user", row.user_id),
            before={"address": row.address, "started_at": row.started_at, "last_seen_at": row.last_seen_at},
        )
        store(session_key=row.session_key).delete()
        row.delete()


def active_since() -> dt.datetime:
    """Sessions seen after this moment may still be in use."""
    return timezone.now() - dt.timedelta(minutes=settings.STAFF_SESSION_IDLE_MINUTES)
