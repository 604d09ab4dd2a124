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


def test_a_permission_is_described_by_the_rules_it_is_made_of():
    from chengguan.cases.permissions import can_handle, can_view_reporter_phone
    from chengguan.core.permissions import describe

    assert describe(can_handle) == "holds:handler,squad_leader & in_bureau & in_handling_unit"
    assert describe(can_view_reporter_phone) == "(superuser | holds:operator,shift_leader) & in_bureau"
