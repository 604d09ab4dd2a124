"""The closed-loop tests' district (four grids, two categories, a user per role) for the field app."""

from __future__ import annotations

import pytest

from tests.cases.conftest import District, build_district


@pytest.fixture
def district(db) -> District:
    return build_district()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
