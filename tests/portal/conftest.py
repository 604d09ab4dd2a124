"""The portal tests reuse the closed-loop tests' tiny district and add an Open311 client."""

from __future__ import annotations

import pytest

from chengguan.portal import services
from tests.cases.conftest import _fast_tests, district, jpeg  # noqa: F401  (fixtures)


@pytest.fixture
def api_key(district) -> str:  # noqa: F811
    return services.open311_client_create(actor=None, name="城市通App").key
