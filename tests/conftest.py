"""Shared fixtures. Tests hit the real database (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import contextlib

import pytest
from django.test import TransactionTestCase

from chengguan.core.append_only import audit_maintenance
from chengguan.org.models import Role
from chengguan.org.roles import RoleCode

_flush_databases = TransactionTestCase._fixture_teardown


def _flush_past_the_audit_triggers(self):
    """The suite empties the database after each transactional test: the one flush that may delete
    audit rows (the maintenance bypass of `core.append_only`)."""
    names = self._databases_names(include_mirrors=False)
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(audit_maintenance(name))
        _flush_databases(self)


TransactionTestCase._fixture_teardown = _flush_past_the_audit_triggers


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, tmp_path):
    """Each test anchors its audit chain in its own checkpoint file, with its own key."""
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit")
    settings.AUDIT_CHECKPOINT_KEY = ""
    settings.AUDIT_CHECKPOINT_KEY_FILE = str(tmp_path / "keys" / "audit-checkpoint.key")


@pytest.fixture(autouse=True)
def _roles(db):
    """Every database starts with the fixed role table, as after migration in production."""
    for code, name in RoleCode.choices:
        Role.objects.get_or_create(code=code, defaults={"name": name})


@pytest.fixture(autouse=True)
def _fresh_limits():
    """The intake limiter counts in Django's cache (local memory in tests), which outlives a test:
    every test starts with no counts, as a new day would."""
    from django.core.cache import cache

    from chengguan.core import per_bureau

    cache.clear()
    per_bureau.clear_all()
    yield
    cache.clear()
    per_bureau.clear_all()


@pytest.fixture(autouse=True)
def _fresh_grid_index():
    """The point→grid index is a per-process cache; tests must not see each other's grids."""
    yield
    try:
        from chengguan.grids import index
    except ImportError:
        return
    reset = getattr(index, "reset_cache", None)
    if reset:
        reset()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 at production strength costs ~0.3 s a password; tests only need a real hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _chinese_outside_requests():
    """A request in English leaves English active in the thread: text rendered outside a request
    (notifications, SMS bodies) in the next test must see the installation's language again."""
    yield
    from django.utils import translation

    translation.deactivate()
