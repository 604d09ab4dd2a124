"""The notification tests use the closed-loop tests' tiny district and a signed-in client."""

from __future__ import annotations

import pytest

from tests.cases.conftest import _fast_tests, district  # noqa: F401  (fixtures)
from tests.factories import DEMO_PASSWORD


@pytest.fixture
def as_user(client):
    def _as(user):
        client.logout()
        assert client.login(username=user.username, password=DEMO_PASSWORD)
        return client

    return _as


@pytest.fixture
def sms_outbox(settings, tmp_path):
    """SMS go to a file in a temporary data dir; returns the outbox file."""
    settings.CHENGGUAN_SMS_BACKEND = "file"
    settings.DATA_DIR = tmp_path
    return tmp_path / "sms" / "outbox.jsonl"
