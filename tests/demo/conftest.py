"""Fixtures for the demo tests: a fast password hasher and a built `small` demo."""

from __future__ import annotations

import pytest

from chengguan.demo.generator import DEMO_PASSWORD, build_demo


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """PBKDF2 takes ~0.4 s per password; the demo opens 12 accounts. Tests need not pay for that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small_demo(db):
    return build_demo(seed=1, size="small", password=DEMO_PASSWORD)
