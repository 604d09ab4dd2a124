"""Login with lockout: after LOGIN_FAILURE_LIMIT consecutive failures the account is locked for
LOGIN_LOCKOUT_MINUTES, whatever password is tried, so guessing cannot continue.

`AccountLocked` is also Django's `PermissionDenied`, which `django.contrib.auth.authenticate()` treats
as "stop, this user may not log in": every login path (our form, the admin, the API token view) gets
`None` instead of a crash, and shows `lockout_message()` by asking `locked_until()`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from chengguan.core import audit, clock
from chengguan.core.errors import DomainError, ValidationFailed
from chengguan.org.models import LoginFailure


class AccountLocked(DomainError, DjangoPermissionDenied):
    status = 403
    code = "auth.account_locked"


def lockout_message(until: dt.datetime) -> str:
    until_text = f"{until.astimezone(clock.SHANGHAI):%H:%M}"
    return _("账号已锁定：登录失败次数过多，请于 %(until)s 后再试。") % {"until": until_text}


def locked_until(username: str) -> dt.datetime | None:
    """When the lock on `username` ends, or None if it is not locked now."""
    row = LoginFailure.objects.filter(username=username).first()
    if row and row.locked_until and row.locked_until > clock.now():
        return row.locked_until
    return None


def _register_failure(username: str) -> None:
    with transaction.atomic():
        row, _created = LoginFailure.objects.select_for_update().get_or_create(username=username)
        now = clock.now()
        window = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        expired_lock = row.locked_until is not None and row.locked_until <= now
        # Failures count only while they come in a burst; an old one (or a served lock) starts afresh.
        stale = row.last_failure_at is not None and now - row.last_failure_at > window
        if expired_lock or stale:
            row.failures = 0
            row.locked_until = None
        row.failures += 1
        row.last_failure_at = now
        row.last_address = audit.client_address_var.get()
        if row.failures >= settings.LOGIN_FAILURE_LIMIT:
            row.locked_until = now + window
            audit.record(
                actor=None,
                action="auth.account_locked",
                obj=("auth.user", username),
                after={"until": row.locked_until.isoformat(), "failures": row.failures},
            )
        row.save(update_fields=["failures", "last_failure_at", "last_address", "locked_until"])


def clear_failures(username: str) -> None:
    """Forget failed logins of `username` (a successful login, or an admin resetting the password)."""
    LoginFailure.objects.filter(username=username).delete()


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked accounts and counting failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if not username:
            return None
        until = locked_until(username)
        if until is not None:
            raise AccountLocked(lockout_message(until))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            _register_failure(username)
        else:
            clear_failures(username)
        return user


def authenticate_or_raise(request, *, username: str, password: str):
    """Log-in check for the API: the user, or AccountLocked (403) / ValidationFailed (400)."""
    user = authenticate(request, username=username, password=password)
    if user is not None:
        return user
    until = locked_until(username or "")
    if until is not None:
        raise AccountLocked(lockout_message(until))
    raise ValidationFailed("用户名或密码错误。", code="auth.invalid_credentials")
