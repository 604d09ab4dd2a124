"""The roles data migrations create every role (the twelve of the first wave, then the second wave's
and the system role) and can be reversed."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from chengguan.org.models import Role
from chengguan.org.roles import RoleCode
from tests import factories

first_wave = importlib.import_module("chengguan.org.migrations.0002_roles")
second_wave = importlib.import_module("chengguan.org.migrations.0004_second_wave_roles")


class roles_migration:
    @staticmethod
    def create_roles(apps, schema_editor):
        first_wave.create_roles(apps, schema_editor)
        second_wave.create_roles(apps, schema_editor)

    @staticmethod
    def remove_roles(apps, schema_editor):
        second_wave.remove_roles(apps, schema_editor)
        first_wave.remove_roles(apps, schema_editor)


@pytest.mark.django_db
def test_the_migration_creates_every_role_with_its_chinese_name():
    Role.objects.all().delete()
    roles_migration.create_roles(apps, None)
    assert dict(Role.objects.values_list("code", "name")) == {c: str(n) for c, n in RoleCode.choices}


@pytest.mark.django_db
def test_running_it_twice_changes_nothing():
    roles_migration.create_roles(apps, None)
    roles_migration.create_roles(apps, None)
    assert Role.objects.count() == len(RoleCode.choices) == 17


@pytest.mark.django_db
def test_reversing_removes_the_roles_nobody_holds(tree):
    holder = factories.staff(tree.squad, RoleCode.HANDLER)
    roles_migration.remove_roles(apps, None)
    assert list(Role.objects.values_list("code", flat=True)) == ["handler"]
    assert [r.code for r in holder.roles.all()] == ["handler"]
