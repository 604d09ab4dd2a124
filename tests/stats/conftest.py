"""The figures tests reuse the closed-loop tests' tiny district."""

from __future__ import annotations

from tests.cases.conftest import _fast_tests, district, jpeg  # noqa: F401  (fixtures)
