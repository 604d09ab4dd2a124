"""Login with lockout: after LOGIN_FAILURE_LIMIT consecutive failures the account is locked for
LOGIN_LOCKOUT_MINUTES, whatever password is tried, so guessing cannot continue."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction

from chengguan.core import audit, clock
from chengguan.core.errors import DomainError
from chengguan.org.models import LoginFailure


class AccountLocked(DomainError):
    status = 403
    code = "auth.account_locked"


def locked_until(username: str) -> dt.datetime | None:
    row = LoginFailure.objects.filter(username=username).first()
    if row and row.locked_until and row.locked_until > clock.now():
        return row.locked_until
    return None


def _register_failure(username: str) -> None:
    with transaction.atomic():
        row, _ = LoginFailure.objects.select_for_update().get_or_create(username=username)
        now = clock.now()
        if row.locked_until and row.locked_until <= now:
            row.failures = 0
            row.locked_until = None
        row.failures += 1
        row.last_failure_at = now
        row.last_address = audit.client_address_var.get()
        fields = ["failures", "last_failure_at", "last_address", "locked_until"]
        if row.failures >= settings.LOGIN_FAILURE_LIMIT:
            row.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            audit.record(actor=None, action="auth.account_locked", obj=("auth.user", username),
                         after={"until": row.locked_until.isoformat(), "failures": row.failures})
        row.save(update_fields=fields)


def _clear_failures(username: str) -> None:
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
            raise AccountLocked(
                f"登录失败次数过多，账号已锁定至 {until.astimezone(clock.SHANGHAI):%H:%M}，请稍后再试。"
            )
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            _register_failure(username)
        else:
            _clear_failures(username)
        return user
