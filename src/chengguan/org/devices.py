"""Revocable device tokens for the field app (等保 2.0 身份鉴别): a phone signs in once with the
user's password (and second factor, under the same login limits as every other login path) and
gets a key of its own. The key is shown once and stored only as its SHA-256 (it is random and long,
so a plain hash is enough: there is nothing to guess). Signing out revokes the phone's token; an
administrator revokes a lost phone's in the admin. Each issue and revocation is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from chengguan.core import audit, clock
from chengguan.core.errors import ValidationFailed
from chengguan.org.errors import AuthError
from chengguan.org.models import DevicePurpose, DeviceToken
from chengguan.org.permissions import can_revoke_device

KEYWORD = "Device"
# A request refreshes "last used" at most this often, so not every request writes.
TOUCH_EVERY = dt.timedelta(minutes=1)
MAX_NAME = 60


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(*, user, name: str, purpose: str = DevicePurpose.FIELD, bureau=None) -> tuple[DeviceToken, str]:
    """A new token for `user`'s phone called `name` (or, `purpose` screen, a wall screen of `bureau`
    that `user` issues: `stats.screen.issue_screen_token` checks who may); returns the row and the
    key (never stored)."""
    name = " ".join((name or "").split())[:MAX_NAME]
    if not name:
        message = _("请填写设备名称。")
        raise ValidationFailed(message, code=AuthError.DEVICE_NAME_REQUIRED, fields={"name": [message]})
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        row = DeviceToken.objects.create(
            user=user,
            name=name,
            purpose=purpose,
            bureau=bureau,
            key_hash=_hash(key),
            prefix=key[:8],
            created_at=clock.now(),
        )
        after = {"device": name, "id": row.pk}
        if purpose != DevicePurpose.FIELD:
            after.update(purpose=str(purpose), bureau=getattr(bureau, "pk", None))
        audit.record(actor=user, action="auth.device_token_issued", obj=user, after=after)
    return row, key


def live_token(key: str, purpose: str) -> DeviceToken | None:
    """The live (not revoked) token of `purpose` whose key is `key`, its user active; its "last used"
    refreshed (at most once a minute). None for an unknown, revoked or other-purpose key."""
    row = (
        DeviceToken.objects.select_related("user", "bureau")
        .filter(key_hash=_hash(key), purpose=purpose)
        .first()
    )
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    # Real time, not core.clock: the token is in use now, whatever moment a test pins.
    now = dt.datetime.now(dt.UTC)
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        DeviceToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def revoke(*, actor, row: DeviceToken) -> None:
    """End a device token: its owner signing out, or an administrator of the owner's bureau."""
    can_revoke_device.refuse(actor, row)
    with transaction.atomic():
        locked = DeviceToken.objects.select_for_update().get(pk=row.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = clock.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="auth.device_token_revoked",
            obj=("auth.user", locked.user_id),
            before={"device": locked.name, "id": locked.pk},
        )
    row.revoked_at = locked.revoked_at


class DeviceTokenAuthentication(BaseAuthentication):
    """`Authorization: Device <key>`: the user of a live (not revoked) token of an active account."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("设备令牌格式不正确。"))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("设备令牌格式不正确。")) from None
        # A wall screen's token is not a person's: it never signs in to the API.
        row = live_token(key, DevicePurpose.FIELD)
        if row is None:
            raise exceptions.AuthenticationFailed(_("设备已注销或令牌无效，请重新登录。"))
        request.device_token = row
        return row.user, row

    def authenticate_header(self, request) -> str:
        return KEYWORD


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """The field app's header in the OpenAPI schema: `Authorization: Device <key>`."""

    target_class = DeviceTokenAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "外勤应用的设备令牌：`Device <key>`（POST /api/v1/auth/devices 签发，可吊销）",
        }
