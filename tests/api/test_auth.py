"""Obtaining, using and revoking API tokens; login lockout through the API; the caller's profile."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token

from chengguan.core.models import AuditEvent
from chengguan.org.models import LoginFailure
from tests.api.conftest import assert_error
from tests.factories import DEMO_PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def test_token_flow_obtain_use_revoke(district, api):
    response = api.post(TOKEN_URL, {"username": "handler1", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuditEvent.objects.filter(action="auth.token_issued", actor=district.handler1.user).count() == 1

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "handler1"
    assert api.get("/api/v1/organisations/").status_code == 200

    # Asking again returns the same token rather than invalidating other clients.
    again = api.post(TOKEN_URL, {"username": "handler1", "password": DEMO_PASSWORD}, format="json")
    assert again.json()["token"] == token

    assert api.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(key=token).exists()
    assert AuditEvent.objects.filter(action="auth.token_revoked").count() == 1
    assert_error(api.get("/api/v1/me"), 401, "authentication_failed")


def test_token_accepts_form_encoded_credentials(district, api):
    response = api.post(TOKEN_URL, {"username": "leader", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert Token.objects.get(user=district.leader.user).key == response.json()["token"]


def test_wrong_password_is_400_and_counted(district, api):
    response = api.post(TOKEN_URL, {"username": "handler1", "password": "wrong-Password1"}, format="json")
    body = assert_error(response, 400, "auth.invalid_credentials")
    assert body["message"] == "用户名或密码错误。"
    assert LoginFailure.objects.get(username="handler1", scope="pair").failures == 1
    assert not Token.objects.exists()


def test_unknown_user_gets_the_same_answer(district, api):
    response = api.post(TOKEN_URL, {"username": "nobody", "password": "x"}, format="json")
    assert_error(response, 400, "auth.invalid_credentials")


def test_missing_fields_are_field_errors(district, api):
    body = assert_error(
        api.post(TOKEN_URL, {"username": "handler1"}, format="json"), 400, "validation_failed"
    )
    assert list(body["fields"]) == ["password"]
    assert body["fields"]["password"][0] == "该字段是必填项。"


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=15)
def test_repeated_failures_block_this_client(district, api):
    for _ in range(2):
        response = api.post(TOKEN_URL, {"username": "handler1", "password": "wrong-Password1"}, format="json")
        assert_error(response, 400, "auth.invalid_credentials")
    # The failure that reaches the limit already answers that this client tried too often.
    response = api.post(TOKEN_URL, {"username": "handler1", "password": "wrong-Password1"}, format="json")
    assert_error(response, 429, "auth.too_many_attempts")
    assert LoginFailure.objects.get(username="handler1", scope="pair").failures == 3

    # Blocked from this address: even the right password is refused, with its own code.
    response = api.post(TOKEN_URL, {"username": "handler1", "password": DEMO_PASSWORD}, format="json")
    body = assert_error(response, 429, "auth.too_many_attempts")
    assert "登录失败次数过多" in body["message"]
    assert not Token.objects.exists()
    assert AuditEvent.objects.filter(action="auth.login_blocked").count() == 1


def test_success_clears_earlier_failures(district, api):
    api.post(TOKEN_URL, {"username": "handler1", "password": "wrong-Password1"}, format="json")
    assert api.post(TOKEN_URL, {"username": "handler1", "password": DEMO_PASSWORD}).status_code == 200
    assert not LoginFailure.objects.filter(username="handler1").exists()


def test_inactive_user_gets_no_token(district, api):
    user = district.handler1.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = api.post(TOKEN_URL, {"username": "handler1", "password": DEMO_PASSWORD}, format="json")
    assert_error(response, 400, "auth.invalid_credentials")


def test_revoke_needs_authentication(district, api):
    assert_error(api.delete(TOKEN_URL), 401, "not_authenticated")


def test_unauthenticated_request_is_401_with_token_challenge(district, api):
    response = api.get("/api/v1/organisations/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_is_401(district, api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(api.get("/api/v1/me"), 401, "authentication_failed")


def test_session_login_works_too(district, client):
    assert client.login(username="leader", password=DEMO_PASSWORD)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "leader"


def test_session_write_without_csrf_is_refused(district):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="leader", password=DEMO_PASSWORD)
    assert_error(browser.delete(TOKEN_URL), 403, "permission_denied")


def test_me_shows_profile_roles_and_organisation(district, client_for):
    body = client_for(district.handler1).get("/api/v1/me").json()
    assert body["full_name"] == "张一"
    assert body["phone"] == "13800000001"  # one's own number is not masked
    assert body["roles"] == [{"code": "handler", "name": "处置人员"}]
    assert body["organisation"] == {
        "id": district.squad1.pk,
        "kind": "squad",
        "code": "",
        "name": "第一执法中队",
    }
    assert body["bureau"]["id"] == district.bureau.pk
    assert body["is_superuser"] is False


@pytest.mark.parametrize("method", ["put", "patch", "post", "delete"])
def test_me_is_read_only(district, client_for, method):
    response = getattr(client_for(district.leader), method)("/api/v1/me", {}, format="json")
    assert_error(response, 405, "method_not_allowed")
