"""Login limits: five failures block the account from that client address for fifteen minutes, whatever
password is tried; the owner elsewhere is not affected (tests/org/test_login_limits.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.auth import LoginBlocked, authenticate_or_raise, locked_until
from chengguan.org.forms import LockoutAuthenticationForm
from chengguan.org.models import LoginFailure
from tests import factories

PASSWORD = factories.DEMO_PASSWORD
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture
def inspector(tree):
    return factories.staff(tree.squad, "inspector", username="inspector").user


def _fail(times: int, username: str = "inspector") -> None:
    for _ in range(times):
        assert authenticate(username=username, password="not-the-password") is None


def _login_form(username: str, password: str) -> LockoutAuthenticationForm:
    return LockoutAuthenticationForm(
        RequestFactory().post("/login/"), data={"username": username, "password": password}
    )


@pytest.mark.django_db
def test_the_right_password_logs_in(inspector):
    assert authenticate(username="inspector", password=PASSWORD) == inspector


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_for_the_right_password(inspector):
    with clock.pinned(T0):
        _fail(4)
        assert locked_until("inspector") is None
        _fail(1)
        assert locked_until("inspector") == T0 + dt.timedelta(minutes=15)
        assert authenticate(username="inspector", password=PASSWORD) is None
    with clock.pinned(T0 + dt.timedelta(minutes=14, seconds=59)):
        assert authenticate(username="inspector", password=PASSWORD) is None


@pytest.mark.django_db
def test_the_lock_ends_after_fifteen_minutes(inspector):
    with clock.pinned(T0):
        _fail(5)
    with clock.pinned(T0 + dt.timedelta(minutes=15, seconds=1)):
        assert locked_until("inspector") is None
        assert authenticate(username="inspector", password=PASSWORD) == inspector
        assert not LoginFailure.objects.filter(username="inspector").exists()


@pytest.mark.django_db
def test_after_the_lock_ends_one_more_failure_does_not_relock(inspector):
    with clock.pinned(T0):
        _fail(5)
    with clock.pinned(T0 + dt.timedelta(minutes=16)):
        _fail(1)
        assert locked_until("inspector") is None
        assert authenticate(username="inspector", password=PASSWORD) == inspector


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(inspector):
    with clock.pinned(T0):
        _fail(4)
        assert authenticate(username="inspector", password=PASSWORD) == inspector
        _fail(4)
        assert locked_until("inspector") is None
        assert authenticate(username="inspector", password=PASSWORD) == inspector


@pytest.mark.django_db
def test_failures_spread_over_a_day_do_not_add_up(inspector):
    for hour in range(6):
        with clock.pinned(T0 + dt.timedelta(hours=hour)):
            _fail(1)
    assert locked_until("inspector") is None


@pytest.mark.django_db
def test_limits_come_from_settings(inspector, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_MINUTES = 60
    with clock.pinned(T0):
        _fail(3)
        assert locked_until("inspector") == T0 + dt.timedelta(hours=1)


@pytest.mark.django_db
def test_locking_an_account_is_audited_once(inspector):
    before = AuditEvent.objects.count()
    with clock.pinned(T0):
        _fail(5)
        assert authenticate(username="inspector", password=PASSWORD) is None
    events = AuditEvent.objects.filter(pk__gt=0).order_by("pk")[before:]
    assert [(e.action, e.object_id) for e in events] == [("auth.login_blocked", "inspector")]


@pytest.mark.django_db
def test_guessing_unknown_usernames_locks_them_too(tree):
    with clock.pinned(T0):
        _fail(5, username="nobody")
        assert locked_until("nobody") is not None


@pytest.mark.django_db
def test_the_backend_refuses_a_locked_account_in_a_way_authenticate_understands(inspector):
    from chengguan.org.auth import LockoutModelBackend

    with clock.pinned(T0):
        _fail(5)
        with pytest.raises(LoginBlocked) as info:
            LockoutModelBackend().authenticate(None, username="inspector", password=PASSWORD)
    assert info.value.code == "auth.too_many_attempts"
    assert info.value.status == 429
    assert info.value.message.startswith("登录失败次数过多")


# --- the login form the web page uses ---------------------------------------------------------


@pytest.mark.django_db
def test_the_login_form_accepts_the_right_password(inspector):
    form = _login_form("inspector", PASSWORD)
    assert form.is_valid()
    assert form.get_user() == inspector


@pytest.mark.django_db
def test_the_login_form_says_wrong_password_before_the_lock(inspector):
    form = _login_form("inspector", "nope")
    assert not form.is_valid()
    assert form.non_field_errors().as_data()[0].code == "invalid_login"


@pytest.mark.django_db
def test_the_login_form_says_the_account_is_locked_and_until_when(inspector):
    with clock.pinned(T0):
        _fail(4)
        fifth = _login_form("inspector", "nope")
        assert not fifth.is_valid()
        assert fifth.non_field_errors() == ["登录失败次数过多，请于 09:15 后再试。"]
        right = _login_form("inspector", PASSWORD)
        assert not right.is_valid()
        assert right.non_field_errors()[0].startswith("登录失败次数过多")


@pytest.mark.django_db
def test_the_admin_login_page_shows_an_error_instead_of_crashing_for_a_locked_account(tree, client):
    factories.staff(tree.bureau, "admin", username="boss")
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="boss").update(is_staff=True)
    assert client.get("/admin/login/").url == "/login/"  # the admin signs in through the site's login
    with clock.pinned(T0):
        for _ in range(5):
            client.post("/login/", {"username": "boss", "password": "nope"})
        response = client.post("/login/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- the helper the API token view uses -------------------------------------------------------


@pytest.mark.django_db
def test_api_login_helper_distinguishes_a_lock_from_a_wrong_password(inspector):
    assert authenticate_or_raise(None, username="inspector", password=PASSWORD) == inspector
    with clock.pinned(T0):
        with pytest.raises(ValidationFailed) as wrong:
            authenticate_or_raise(None, username="inspector", password="nope")
        assert wrong.value.code == "auth.invalid_credentials"
        _fail(4)
        with pytest.raises(LoginBlocked) as locked:
            authenticate_or_raise(None, username="inspector", password=PASSWORD)
    assert locked.value.as_dict()["code"] == "auth.too_many_attempts"
