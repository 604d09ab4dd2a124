"""Administrators sign in with a second factor, a TOTP code (等保 2.0 level 3: two authentication
techniques); by CHENGGUAN_OTP_FOR=staff every staff member does. The first sign-in enrols the
authenticator; wrong codes count as failed logins; the API token endpoint asks for the code too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode
from tests import factories

PASSWORD = factories.DEMO_PASSWORD
TOKEN_URL = "/api/v1/auth/token"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def _password(client, username: str):
    return client.post(reverse("web:login"), {"username": username, "password": PASSWORD})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def _no_device_backoff(settings):
    """django-otp also waits 2^n seconds after n wrong codes; the tests do not sit that out."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def boss(tree):
    return factories.staff(tree.bureau, RoleCode.ADMIN, username="boss").user


@pytest.mark.django_db
def test_an_administrator_enrols_an_authenticator_at_the_first_sign_in(client, boss):
    response = _password(client, "boss")
    assert response.url == reverse("web:login-otp") and not _signed_in(client)
    page = client.get(reverse("web:login-otp")).content.decode()
    assert 'data-testid="otp-secret"' in page
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    assert client.post(reverse("web:login-otp"), {"token": "000000"}).status_code == 400
    assert not _signed_in(client)
    response = client.post(reverse("web:login-otp"), {"token": _code(device)})
    assert response.status_code == 302 and _signed_in(client)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", object_id=str(boss.pk)).count() == 1


@pytest.mark.django_db
def test_with_an_authenticator_the_password_alone_does_not_sign_in(client, boss):
    device = TOTPDevice.objects.create(user=boss, name="authenticator", confirmed=True)
    _password(client, "boss")
    assert not _signed_in(client)
    assert 'data-testid="otp-secret"' not in client.get(reverse("web:login-otp")).content.decode()
    for _ in range(5):  # guessing codes is a failed login like a wrong password
        client.post(reverse("web:login-otp"), {"token": "123456"})
    assert client.post(reverse("web:login-otp"), {"token": _code(device)}).status_code == 429
    assert not _signed_in(client)


@pytest.mark.django_db
def test_the_admin_login_goes_through_the_second_factor(client, boss):
    assert client.get("/admin/login/?next=/admin/").url == "/login/?next=/admin/"


@pytest.mark.django_db
def test_other_staff_need_no_code_unless_the_setting_says_all_staff(client, tree, settings):
    factories.staff(tree.squad, RoleCode.HANDLER, username="handler")
    assert _password(client, "handler").status_code == 302 and _signed_in(client)
    settings.CHENGGUAN_OTP_FOR = "staff"
    other = client.__class__()
    assert _password(other, "handler").url == reverse("web:login-otp") and not _signed_in(other)


@pytest.mark.django_db
def test_the_token_endpoint_asks_an_administrator_for_the_code(boss):
    api = APIClient()
    body = api.post(TOKEN_URL, {"username": "boss", "password": PASSWORD}, format="json").json()
    assert body["code"] == "auth.otp_enrolment_required"
    device = TOTPDevice.objects.create(user=boss, name="authenticator", confirmed=True)
    wrong = api.post(TOKEN_URL, {"username": "boss", "password": PASSWORD, "otp": "000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "auth.otp_invalid"
    right = api.post(
        TOKEN_URL, {"username": "boss", "password": PASSWORD, "otp": _code(device)}, format="json"
    )
    assert right.status_code == 200 and right.json()["token"]


@pytest.mark.django_db
def test_the_code_page_is_english_after_the_switch(client, boss):
    from tests.web.test_english_pages import _english, data_values, untranslated, visible_text

    _english(client)
    _password(client, "boss")
    html = client.get(reverse("web:login-otp")).content.decode()
    assert 'lang="en"' in html
    assert untranslated(visible_text(html), data_values()) == []
