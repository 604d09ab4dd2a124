"""The side menu is assembled from what the apps register, in the declared order."""

from __future__ import annotations

import pytest

from chengguan.core import navigation


@pytest.fixture
def empty_menu(monkeypatch):
    monkeypatch.setattr(navigation, "_sections", [])


def _entry(name: str):
    return lambda user, roles: [{"name": name}]


def test_sections_come_in_order_then_in_registration_order(empty_menu):
    later, first, second = _entry("later"), _entry("first"), _entry("second")
    navigation.register(500, later)
    navigation.register(100, first)
    navigation.register(100, second)
    assert [i["name"] for i in navigation.staff_entries(None, frozenset())] == ["first", "second", "later"]


def test_registering_a_section_twice_shows_it_once(empty_menu):
    entry = _entry("once")
    navigation.register(100, entry)
    navigation.register(100, entry)
    assert [i["name"] for i in navigation.staff_entries(None, frozenset())] == ["once"]


def test_the_apps_sections_keep_the_menu_order_staff_know(db):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("menu-admin", password="x")
    names = [i["name"] for i in navigation.staff_entries(admin, frozenset())]
    assert names == [
        "inbox", "report", "list", "dispatch", "map", "supervision", "review",
        "penalties", "penalty-deadlines", "penalty-evaluations", "grid-map", "organisation", "categories",
        "routing", "merchants", "duty", "people", "campaigns", "campaign-tasks", "work-orders", "indicators",
        "dashboard",
        "bureau-comparison",
        "api-docs",
    ]  # fmt: skip
