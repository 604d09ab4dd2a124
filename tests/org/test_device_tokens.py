"""The field app's device tokens: a phone signs in with the user's password under the usual login
limits, gets a key of its own (stored only hashed), and loses access when it signs out or an
administrator revokes it."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from chengguan.core.models import AuditEvent
from chengguan.org.models import DeviceToken
from tests import factories

PASSWORD = factories.DEMO_PASSWORD


@pytest.fixture
def inspector(tree):
    return factories.staff(tree.squad, "inspector", username="inspector").user


def _sign_in(client: APIClient, username="inspector", password=PASSWORD, name="张巡查的手机", **extra):
    return client.post(
        "/api/v1/auth/devices",
        {"username": username, "password": password, "name": name, **extra},
        format="json",
    )


def _as_device(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {key}")
    return client


@pytest.mark.django_db
def test_a_phone_signs_in_and_its_token_reaches_the_api(inspector):
    response = _sign_in(APIClient())
    assert response.status_code == 201, response.content
    key = response.json()["token"]
    row = DeviceToken.objects.get()
    assert row.name == "张巡查的手机" and row.user == inspector
    # Only the hash is kept.
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {row.key_hash, row.prefix, row.name}
    me = _as_device(key).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "inspector"
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert AuditEvent.objects.filter(action="auth.device_token_issued").count() == 1


@pytest.mark.django_db
def test_signing_out_revokes_only_that_phone(inspector):
    first = _sign_in(APIClient()).json()["token"]
    second = _sign_in(APIClient(), name="平板").json()["token"]
    assert _as_device(first).delete("/api/v1/auth/devices/current").status_code == 204
    refused = _as_device(first).get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert _as_device(second).get("/api/v1/me").status_code == 200
    assert AuditEvent.objects.filter(action="auth.device_token_revoked").count() == 1


@pytest.mark.django_db
def test_a_wrong_password_counts_toward_the_login_limit(inspector):
    client = APIClient()
    for _ in range(4):
        assert _sign_in(client, password="wrong").status_code == 400
    # The fifth failure blocks this account from this address, even with the right password.
    assert _sign_in(client, password="wrong").status_code == 429
    blocked = _sign_in(client)
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "auth.too_many_attempts"
    assert not DeviceToken.objects.exists()


@pytest.mark.django_db
@override_settings(CHENGGUAN_OTP_FOR="staff")
def test_a_second_factor_is_asked_for_as_at_the_web_login(inspector):
    response = _sign_in(APIClient())
    assert response.status_code == 403
    assert response.json()["code"] == "auth.otp_enrolment_required"
    assert not DeviceToken.objects.exists()


@pytest.mark.django_db
def test_a_citizen_may_not_sign_in_to_the_field_app(tree):
    factories.staff(tree.bureau, "citizen", username="citizen")
    response = _sign_in(APIClient(), username="citizen")
    assert response.status_code == 403
    assert not DeviceToken.objects.exists()


@pytest.mark.django_db
def test_a_device_needs_a_name(inspector):
    response = _sign_in(APIClient(), name="  ")
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_administrator_revokes_a_lost_phone_in_the_admin(inspector, admin_profile, tree):
    key = _sign_in(APIClient()).json()["token"]
    other = factories.staff(tree.other_squad, "inspector", username="elsewhere").user
    _sign_in(APIClient(), username="elsewhere")
    admin_profile.user.is_staff = True
    admin_profile.user.save(update_fields=["is_staff"])
    web = APIClient()
    web.force_login(admin_profile.user)
    # The admin of this bureau sees this bureau's phones only.
    listing = web.get("/admin/org/devicetoken/")
    assert listing.status_code == 200
    assert "张巡查的手机" in listing.content.decode()
    assert "elsewhere" not in listing.content.decode()
    mine = DeviceToken.objects.get(user=inspector)
    response = web.post(
        "/admin/org/devicetoken/", {"action": "revoke_devices", "_selected_action": [mine.pk]}
    )
    assert response.status_code == 302
    assert _as_device(key).get("/api/v1/me").status_code == 401
    assert DeviceToken.objects.get(user=other).revoked_at is None
