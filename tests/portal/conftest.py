"""The portal tests reuse the closed-loop tests' tiny district and add an Open311 client."""

from __future__ import annotations

import pytest

from chengguan.org.system import system_actor
from chengguan.portal import services
from tests.cases.conftest import _fast_tests, district, jpeg  # noqa: F401  (fixtures)


@pytest.fixture
def api_key(district) -> str:  # noqa: F811
    return services.open311_client_create(actor=system_actor(), name="城市通App").key


@pytest.fixture
def sms_file(settings, tmp_path):
    """Send SMS with the file backend into a temporary data dir; returns the outbox file."""
    settings.CHENGGUAN_SMS_BACKEND = "file"
    settings.DATA_DIR = tmp_path
    return tmp_path / "sms" / "outbox.jsonl"
