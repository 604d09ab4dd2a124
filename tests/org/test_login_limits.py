"""Login cannot be turned against its users (issue 11, defect 5): one client address cannot try
passwords against the staff list (429 after a burst across accounts), a stranger's failures never
lock the owner out, and only a far higher count locks the account itself; every block and unblock
is in the audit trail. The web login and the API token endpoint behave alike."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core.models import AuditEvent
from chengguan.org.models import LoginFailure
from chengguan.org.roles import RoleCode
from tests import factories

PASSWORD = factories.DEMO_PASSWORD
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture
def staff_list(tree):
    return [factories.staff(tree.squad, RoleCode.HANDLER, username=f"handler{i:02d}").user for i in range(30)]


def _web_login(client, username: str, password: str, address: str):
    return client.post(
        reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _api_login(username: str, password: str, address: str):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_thirty_wrong_passwords_across_thirty_accounts_end_in_429_and_owners_still_log_in(client, staff_list):
    codes = [_web_login(client, u.username, "wrong-Password1", ATTACKER).status_code for u in staff_list]
    assert codes[0] == 200 and codes[-1] == 429
    assert codes.count(429) == 30 - 20 + 1  # from the 20th failure on, the address is refused
    # Even a right password is refused from that address now ...
    assert _web_login(client, staff_list[0].username, PASSWORD, ATTACKER).status_code == 429
    assert _api_login(staff_list[1].username, PASSWORD, ATTACKER).status_code == 429
    # ... while every owner logs in from their own address, on the web and through the API.
    for user in (staff_list[0], staff_list[19], staff_list[29]):
        assert _web_login(client.__class__(), user.username, PASSWORD, OWNER).status_code == 302
    assert _api_login(staff_list[29].username, PASSWORD, OWNER).status_code == 200
    blocked = AuditEvent.objects.filter(action="auth.address_blocked")
    assert [(e.object_type, e.object_id) for e in blocked] == [("auth.address", ATTACKER)]
    assert not AuditEvent.objects.filter(action="auth.account_locked").exists()


@pytest.mark.django_db
def test_the_token_endpoint_counts_across_accounts_too(staff_list):
    codes = [_api_login(u.username, "wrong-Password1", ATTACKER).status_code for u in staff_list]
    assert codes[0] == 400 and codes[-1] == 429
    body = _api_login(staff_list[0].username, PASSWORD, ATTACKER).json()
    assert body["code"] == "auth.too_many_attempts"
    assert _api_login(staff_list[0].username, PASSWORD, OWNER).status_code == 200


@pytest.mark.django_db
def test_a_stranger_cannot_lock_the_administrator_out(client, tree):
    admin = factories.staff(tree.bureau, RoleCode.ADMIN, username="boss").user
    for _ in range(10):
        _web_login(client, "boss", "wrong-Password1", ATTACKER)
    assert _web_login(client, "boss", PASSWORD, ATTACKER).status_code == 429
    # From the owner's address the password is accepted and the second factor comes next.
    response = _web_login(client.__class__(), "boss", PASSWORD, OWNER)
    assert response.url == reverse("web:login-otp")
    assert admin.is_active


@pytest.mark.django_db
def test_only_the_higher_count_from_many_addresses_locks_the_account(client, tree, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 12
    factories.staff(tree.squad, RoleCode.HANDLER, username="target")
    for i in range(12):  # three tries each from four addresses: never the per-address limit
        _web_login(client, "target", "wrong-Password1", f"192.0.2.{i // 3}")
    response = _web_login(client, "target", PASSWORD, OWNER)
    assert response.status_code == 200 and "账号已锁定" in response.content.decode()
    assert _api_login("target", PASSWORD, OWNER).json()["code"] == "auth.account_locked"
    assert AuditEvent.objects.filter(action="auth.account_locked", object_id="target").count() == 1


@pytest.mark.django_db
def test_an_administrator_lifts_an_address_block_and_it_is_audited(client, staff_list, django_user_model):
    admin_client = client.__class__()
    admin_client.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))
    for user in staff_list[:20]:
        _web_login(client, user.username, "wrong-Password1", ATTACKER)
    row = LoginFailure.objects.get(scope="address", address=ATTACKER)
    admin_client.post(reverse("admin:org_loginfailure_delete", args=[row.pk]), {"post": "yes"})
    event = AuditEvent.objects.filter(action="auth.unlock").get()
    assert (event.object_type, event.object_id) == ("auth.address", ATTACKER)
    assert _web_login(client, staff_list[25].username, PASSWORD, ATTACKER).status_code == 302
