"""The enforcement office of tests/enforcement, with a personnel officer who keeps the registry."""

from __future__ import annotations

import pytest

from chengguan.org.roles import RoleCode
from tests import factories
from tests.cases.conftest import district  # noqa: F401  (the closed-loop tests' district)
from tests.enforcement.conftest import office  # noqa: F401  (the fixture)


@pytest.fixture
def personnel(office):  # noqa: F811
    return factories.staff(office.bureau, RoleCode.PERSONNEL).user
