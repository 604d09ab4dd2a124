"""docs/workflows.md is drawn from the machines' tables and must be current."""

from __future__ import annotations

from django.core.management import call_command

from chengguan.core.management.commands.workflow_diagram import machines, render
from chengguan.core.workflow import REGISTRY


def test_the_page_shows_every_registered_machine_and_is_current():
    text = render()
    assert [m.name for m in machines()] == sorted(REGISTRY)
    for machine in machines():
        assert f"(`{machine.name}`, {machine.model._meta.label})" in text
        for t in machine:
            assert f"| `{t.action}` {machine.label(t.action)} |" in text
    call_command("workflow_diagram", "--check")
