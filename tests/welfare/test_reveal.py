"""The audited full-ID view: those who arrange the help may see a vendor's full ID number and phone
for a stated reason, each reveal is in the audit trail (masked there, 个人信息保护法 第五十一条),
and everyone else sees only the masks and is refused."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.welfare.conftest import vendor

FULL_ID = "410102199003071230"
MASKED_ID = "410102********1230"


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _reveals():
    return list(AuditEvent.objects.filter(action="vendor.reveal_identity"))


@pytest.mark.parametrize("role", [R.ADMIN, R.LEADER, R.SQUAD_LEADER])
def test_a_helper_sees_the_full_numbers_for_a_reason_and_the_reveal_is_audited(district, role):
    v = vendor(district, id_number=FULL_ID, phone="13812345678")
    user = district.users[role]
    c = _client(user)
    page = c.get(f"/welfare/vendors/{v.pk}/").content.decode()
    assert 'data-testid="reveal-form"' in page and FULL_ID not in page and "13812345678" not in page

    shown = c.post(f"/welfare/vendors/{v.pk}/reveal/", {"reason": "联系本人办理就业转介"})
    body = shown.content.decode()
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    assert FULL_ID in body and "13812345678" in body and 'data-testid="revealed"' in body

    (event,) = _reveals()
    assert event.actor == user and event.object_id == str(v.pk)
    assert event.after["reason"] == "联系本人办理就业转介"
    assert event.after["id_number"] == MASKED_ID
    payload = json.dumps([event.before, event.after], ensure_ascii=False)
    assert FULL_ID not in payload and "13812345678" not in payload
    # The next visit shows the masks again: nothing is kept in the session.
    again = c.get(f"/welfare/vendors/{v.pk}/").content.decode()
    assert FULL_ID not in again and MASKED_ID in again


def test_a_reveal_without_a_reason_is_refused_and_not_audited(district):
    v = vendor(district, id_number=FULL_ID)
    refused = _client(district.users[R.LEADER]).post(f"/welfare/vendors/{v.pk}/reveal/", {"reason": " "})
    body = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="reveal-error"' in body and FULL_ID not in body
    assert "须写明事由" in body
    assert _reveals() == []


@pytest.mark.parametrize("role", [R.HANDLER, R.INSPECTOR, R.OPERATOR, R.SHIFT_LEADER, R.DISPATCHER])
def test_others_see_only_the_masks_and_are_refused(district, role):
    v = vendor(district, id_number=FULL_ID, phone="13812345678")
    c = _client(district.users[role])
    page = c.get(f"/welfare/vendors/{v.pk}/").content.decode()
    assert 'data-testid="reveal-form"' not in page and MASKED_ID in page and FULL_ID not in page

    refused = c.post(f"/welfare/vendors/{v.pk}/reveal/", {"reason": "想看看"})
    assert refused.status_code == 403
    assert FULL_ID not in refused.content.decode() and "13812345678" not in refused.content.decode()
    api = APIClient()
    api.force_authenticate(district.users[role])
    answer = api.post(f"/api/v1/welfare/vendors/{v.pk}/reveal-identity/", {"reason": "想看看"}, format="json")
    assert answer.status_code == 403 and answer.json()["code"] == "vendor.reveal_forbidden"
    assert _reveals() == []


def test_the_api_reveal_is_audited_like_the_page(district):
    v = vendor(district, id_number=FULL_ID, phone="13812345678")
    api = APIClient()
    api.force_authenticate(district.users[R.LEADER])
    answer = api.post(
        f"/api/v1/welfare/vendors/{v.pk}/reveal-identity/", {"reason": "民政部门核对低保"}, format="json"
    )
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert answer.json()["id_number"] == FULL_ID and answer.json()["phone"] == "13812345678"
    (event,) = _reveals()
    assert event.after == {"reason": "民政部门核对低保", "id_number": MASKED_ID, "phone": "138****5678"}
