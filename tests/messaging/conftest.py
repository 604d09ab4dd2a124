"""The SMS outbox tests send with the file backend into a temporary data dir."""

from __future__ import annotations

import pytest


@pytest.fixture
def sms_file(settings, tmp_path):
    """Send SMS with the file backend into a temporary data dir; returns the outbox file."""
    settings.CHENGGUAN_SMS_BACKEND = "file"
    settings.DATA_DIR = tmp_path
    return tmp_path / "sms" / "outbox.jsonl"
