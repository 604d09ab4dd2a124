"""Scheduled jobs registered for one test only, so `tick()` elsewhere never sees them."""

from __future__ import annotations

import pytest

from chengguan.core import schedule


@pytest.fixture
def only_jobs():
    """Replace the registry by the jobs a test registers; the real jobs come back afterwards."""
    saved = dict(schedule._JOBS)
    schedule._JOBS.clear()
    yield schedule
    schedule._JOBS.clear()
    schedule._JOBS.update(saved)
