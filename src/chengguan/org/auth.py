"""Login that cannot be turned against its users (等保 2.0 身份鉴别: 登录失败处理).

Failed logins are counted three ways, each in a burst (a gap longer than LOGIN_LOCKOUT_MINUTES
starts afresh):
- per account and client address: LOGIN_FAILURE_LIMIT failures block that account from that
  address (429), so guessing one password stops while the owner elsewhere is not affected;
- per client address, across accounts: LOGIN_ADDRESS_FAILURE_LIMIT failures block every login from
  that address (429), so one address cannot try passwords against the whole staff list;
- per account, from anywhere: only LOGIN_ACCOUNT_FAILURE_LIMIT, far higher, locks the account itself
  (403), against a guess spread over many addresses.
Each block and lock is audited once when it starts; an administrator lifts one by deleting its row
in the admin (`org.admin`), which is audited too.

`LoginBlocked` is also Django's `PermissionDenied`, which `django.contrib.auth.authenticate()` treats
as "stop, this user may not log in": every login path (our form, the admin, the API token view) gets
`None` instead of a crash, and explains the refusal by asking `login_block()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chengguan.core import audit, clock
from chengguan.core.errors import DomainError, PermissionDenied, ValidationFailed
from chengguan.org import otp
from chengguan.org.errors import AuthError
from chengguan.org.models import LoginFailure, LoginScope
from chengguan.org.system import system_actor


class LoginBlocked(DomainError, DjangoPermissionDenied):
    """Too many failed logins from this client address (for this account, or for any)."""

    status = 429
    code = AuthError.TOO_MANY_ATTEMPTS


class AccountLocked(LoginBlocked):
    status = 403
    code = AuthError.ACCOUNT_LOCKED


@dataclass(frozen=True)
class Block:
    scope: str
    until: dt.datetime

    def error(self) -> LoginBlocked:
        until = f"{self.until.astimezone(clock.SHANGHAI):%H:%M}"
        if self.scope == LoginScope.ACCOUNT:
            return AccountLocked(
                _("账号已锁定：登录失败次数过多，请于 %(until)s 后再试。") % {"until": until}
            )
        return LoginBlocked(_("登录失败次数过多，请于 %(until)s 后再试。") % {"until": until})


def _limits() -> dict[str, int]:
    return {
        LoginScope.PAIR: settings.LOGIN_FAILURE_LIMIT,
        LoginScope.ADDRESS: settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        LoginScope.ACCOUNT: settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
    }


def _keys(username: str, address: str) -> list[tuple[str, str, str]]:
    """(scope, username, address) of the rows one attempt counts in, in a fixed locking order."""
    return [
        (LoginScope.ADDRESS, "", address),
        (LoginScope.PAIR, username, address),
        (LoginScope.ACCOUNT, username, ""),
    ]


def _current_address(address: str | None) -> str:
    return audit.client_address_var.get() if address is None else address


def login_block(username: str, address: str | None = None) -> Block | None:
    """Why `username` may not log in from `address` (default: the current request's) now, or None."""
    address = _current_address(address)
    match = Q()
    for scope, name, addr in _keys(username, address):
        match |= Q(scope=scope, username=name, address=addr)
    now = clock.now()
    rows = LoginFailure.objects.filter(match, locked_until__gt=now)
    # The account lock first: it holds from every address, so it is the answer that helps the user.
    order = [LoginScope.ACCOUNT, LoginScope.PAIR, LoginScope.ADDRESS]
    found = sorted(rows, key=lambda row: order.index(row.scope))
    return Block(found[0].scope, found[0].locked_until) if found else None


def locked_until(username: str, address: str | None = None) -> dt.datetime | None:
    """When `username` may log in again from `address` (default: the current request's), or None."""
    block = login_block(username, address)
    return block.until if block else None


def _register_failure(username: str, address: str) -> None:
    now = clock.now()
    window = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    limits = _limits()
    with transaction.atomic():
        for scope, name, addr in _keys(username, address):
            row, _created = LoginFailure.objects.select_for_update().get_or_create(
                scope=scope, username=name, address=addr
            )
            expired_lock = row.locked_until is not None and row.locked_until <= now
            # Failures count only while they come in a burst; an old one (or a served lock) starts afresh.
            stale = row.last_failure_at is not None and now - row.last_failure_at > window
            if expired_lock or stale:
                row.failures = 0
                row.locked_until = None
            row.failures += 1
            row.last_failure_at = now
            row.last_address = address
            if row.failures >= limits[scope] and row.locked_until is None:
                row.locked_until = now + window
                _audit_block(row)
            row.save(update_fields=["failures", "last_failure_at", "last_address", "locked_until"])


def _audit_block(row: LoginFailure) -> None:
    """No user acted: the lock is the installation's doing, recorded as its system account."""
    after = {"until": row.locked_until.isoformat(), "failures": row.failures, "address": row.last_address}
    actor = system_actor()
    if row.scope == LoginScope.ACCOUNT:
        audit.record(actor=actor, action="auth.account_locked", obj=("auth.user", row.username), after=after)
    elif row.scope == LoginScope.PAIR:
        audit.record(actor=actor, action="auth.login_blocked", obj=("auth.user", row.username), after=after)
    else:
        audit.record(
            actor=actor, action="auth.address_blocked", obj=("auth.address", row.address), after=after
        )


def clear_failures(username: str, address: str | None = None) -> None:
    """Forget failed logins of `username`: everywhere (an admin resetting the password), or from
    `address` and the account's own count (a successful login from there). A block on the address
    itself stays: it was earned against other accounts."""
    rows = LoginFailure.objects.filter(username=username).exclude(scope=LoginScope.ADDRESS)
    if address is not None:
        rows = rows.filter(Q(scope=LoginScope.ACCOUNT) | Q(address=address))
    rows.delete()


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing blocked logins and counting failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if not username:
            return None
        address = _current_address(None)
        block = login_block(username, address)
        if block is not None:
            raise block.error()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            _register_failure(username, address)
        else:
            clear_failures(username, address)
        return user


def authenticate_or_raise(request, *, username: str, password: str, otp_token: str = ""):
    """Log-in check for the API: the user, or LoginBlocked (429) / AccountLocked (403) /
    ValidationFailed (400); for someone who must use a second factor, the TOTP code too (a wrong one
    counts as a failed login)."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        block = login_block(username or "")
        if block is not None:
            raise block.error()
        raise ValidationFailed("用户名或密码错误。", code=AuthError.INVALID_CREDENTIALS)
    if otp.required(user):
        device = otp.confirmed_device(user)
        if device is None:
            raise PermissionDenied(
                _("该账号须先在网页登录时绑定身份验证器。"), code=AuthError.OTP_ENROLMENT_REQUIRED
            )
        if not otp.verify(device, otp_token):
            count_failure(username)
            raise ValidationFailed(
                _("验证码不正确或已过期。"),
                code=AuthError.OTP_INVALID,
                fields={"otp": [_("验证码不正确或已过期。")]},
            )
    return user


def count_failure(username: str) -> None:
    """A failed second step (a wrong TOTP code) counts like a wrong password, from the current address."""
    _register_failure(username, _current_address(None))
