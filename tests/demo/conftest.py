"""Fixtures for the demo tests: a fast password hasher and a built `small` demo."""

from __future__ import annotations

import pytest

from chengguan.demo.generator import DEMO_PASSWORD, build_demo


@pytest.fixture
def small_demo(db):
    return build_demo(seed=1, size="small", password=DEMO_PASSWORD)
