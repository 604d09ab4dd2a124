"""Error codes are declared once per app (`<app>/errors.py`) and docs/errors.md lists them all."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from chengguan.core.errors import all_error_codes
from chengguan.core.workflow import REGISTRY

LITERAL = re.compile(r"""code=["']([a-z_]+\.[a-z_.]+)["']""")
KERNEL_CODES = ("invalid_transition", "missing_fields", "invalid_fields", "unknown_action", "not_found")


def _apps_with_errors():
    for config in apps.get_app_configs():
        # core.errors is the mechanism itself, not an app's declaration.
        mine = config.name.startswith("chengguan.") and config.name != "chengguan.core"
        if mine and importlib.util.find_spec(f"{config.name}.errors"):
            yield config


def test_the_docs_list_every_code():
    call_command("errors_doc", "--check")


@pytest.mark.parametrize("config", list(_apps_with_errors()), ids=lambda c: c.label)
def test_an_app_with_an_errors_module_raises_only_enum_members(config):
    """No string literal codes beside the enum: every code is raised as a member (a literal of an app
    that has no errors module yet is left to that app's turn)."""
    prefixes = {code.split(".")[0] for code in all_error_codes()}
    literals = []
    for path in Path(config.path).rglob("*.py"):
        if "migrations" in path.parts or path.name == "errors.py":
            continue
        found = LITERAL.findall(path.read_text(encoding="utf-8"))
        literals += [f"{path.name}: {code}" for code in found if code.split(".")[0] in prefixes]
    assert not literals


def test_every_machine_declares_the_kernel_codes():
    declared = all_error_codes()
    missing = [
        f"{m.error_prefix}.{suffix}"
        for m in REGISTRY.values()
        for suffix in KERNEL_CODES
        if f"{m.error_prefix}.{suffix}" not in declared
    ]
    assert not missing
