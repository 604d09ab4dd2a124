"""A second factor for administrators (等保 2.0 level 3, 8.1.4.1 d: two or more authentication
techniques), and by CHENGGUAN_OTP_FOR=staff for all staff: a TOTP code from an authenticator app
(django-otp's TOTP device, RFC 6238).

The web login asks for the code after the password (`web.views`); the API token endpoint takes it as
`otp`. Someone who must use a second factor and has none yet is taken to the enrolment page right
after the password, before any other page.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from chengguan.org.permissions import uses_admin_pages
from chengguan.org.roles import STAFF_ROLES
from chengguan.org.selectors import role_codes

DEVICE_NAME = "authenticator"


def required(user) -> bool:
    """Whether `user` must give a TOTP code to sign in."""
    scope = settings.CHENGGUAN_OTP_FOR
    if scope == "off" or not user.is_authenticated:
        return False
    roles = role_codes(user)
    if uses_admin_pages(user):
        return True
    return scope == "staff" and bool(user.is_staff or roles & STAFF_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (one per user), created with a new secret when missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in (base32, in groups of four)."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def verify(device: TOTPDevice | None, token: str) -> bool:
    token = (token or "").strip().replace(" ", "")
    return device is not None and token.isdigit() and device.verify_token(token)
