"""Staff browser sessions end after 30 idle minutes and after their absolute lifetime; an
administrator sees the active sessions and ends one (等保 2.0 会话管理). Citizens and API tokens are
not affected."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from rest_framework.test import APIClient

from chengguan.core.models import AuditEvent
from chengguan.org import sessions
from chengguan.org.models import StaffSession
from chengguan.org.roles import RoleCode
from tests import factories

PASSWORD = factories.DEMO_PASSWORD


@pytest.fixture
def handler(tree):
    return factories.staff(tree.squad, RoleCode.HANDLER, username="handler").user


def _signed_in(client, username: str):
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _age(client, *, idle: float = 0, started: float = 0) -> None:
    session = client.session
    session[sessions.SEEN] -= idle
    session[sessions.STARTED] -= started
    session.save()


def _home_is_staff(client) -> bool:
    return client.get(reverse("web:home")).wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_a_staff_session_ends_after_thirty_idle_minutes(client, handler):
    _signed_in(client, "handler")
    _age(client, idle=29 * 60)
    assert _home_is_staff(client)  # a request within the half hour keeps it going
    _age(client, idle=31 * 60)
    assert not _home_is_staff(client)
    event = AuditEvent.objects.filter(action="auth.session_expired").get()
    assert event.after == {"reason": "idle"}
    assert not StaffSession.objects.exists()


@pytest.mark.django_db
def test_a_busy_staff_session_still_ends_at_its_lifetime(client, handler, settings):
    settings.STAFF_SESSION_MAX_HOURS = 12
    _signed_in(client, "handler")
    _age(client, started=12 * 3600 + 1)
    assert not _home_is_staff(client)
    assert AuditEvent.objects.filter(action="auth.session_expired").get().after == {"reason": "lifetime"}


@pytest.mark.django_db
def test_api_tokens_and_citizens_are_not_timed_out(client, handler, tree):
    token = (
        APIClient()
        .post("/api/v1/auth/token", {"username": "handler", "password": PASSWORD}, format="json")
        .json()["token"]
    )
    citizen = factories.UserFactory(username="citizen")
    client.force_login(citizen)
    assert sessions.STARTED not in client.session
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_an_administrator_lists_active_sessions_and_ends_one(client, handler, django_user_model):
    _signed_in(client, "handler")
    row = StaffSession.objects.get(user=handler)
    admin_client = client.__class__()
    admin_client.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))
    listing = admin_client.get(reverse("admin:org_staffsession_changelist")).content.decode()
    assert "handler" in listing
    response = admin_client.post(
        reverse("admin:org_staffsession_changelist"),
        {"action": "end_sessions", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert not _home_is_staff(client)
    event = AuditEvent.objects.filter(action="auth.session_ended").get()
    assert event.object_id == str(handler.pk)
