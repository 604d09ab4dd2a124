"""Every machine on the workflow kernel: state × action × actor (see tests/workflow_matrix.py)."""

from __future__ import annotations

import importlib

import pytest

from chengguan.core.errors import Conflict, PermissionDenied
from chengguan.core.models import AuditEvent
from chengguan.core.workflow import REGISTRY

# Each registered machine names the test module of its app that holds its matrix adapter.
ADAPTERS = {"letter": "tests.merchants.workflow_matrix"}


def test_every_machine_has_a_matrix():
    assert set(REGISTRY) == set(ADAPTERS)


def _matrix(name: str):
    return importlib.import_module(ADAPTERS[name]).MATRICES[name]()


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_every_state_action_and_actor(db, name):
    matrix = _matrix(name)
    machine = matrix.machine
    matrix.setup()
    actors = matrix.actors()
    problems: list[str] = []
    for state in matrix.states():
        for action in machine.transitions:
            for who, actor in actors.items():
                obj = matrix.object_in(state)
                label = f"{name}: {state} / {action} / {who}"
                before_events = AuditEvent.objects.count()
                offered = action in machine.available_actions(obj, actor)
                if matrix.expected_allowed(state, action, who):
                    if not offered:
                        problems.append(f"{label}: allowed but not offered")
                    machine.apply(obj, action, actor=actor, **matrix.payload(action, obj))
                    if AuditEvent.objects.count() != before_events + 1:
                        problems.append(f"{label}: wrote {AuditEvent.objects.count() - before_events} events")
                    continue
                if offered:
                    problems.append(f"{label}: offered but not allowed")
                untouched = matrix.world(obj)
                expected = Conflict if state not in machine.get(action).sources else PermissionDenied
                try:
                    machine.apply(obj, action, actor=actor, **matrix.payload(action, obj))
                except (Conflict, PermissionDenied) as exc:
                    if not isinstance(exc, expected):
                        problems.append(f"{label}: {exc.code}, expected {expected.__name__}")
                else:
                    problems.append(f"{label}: was allowed")
                    continue
                if matrix.world(obj) != untouched or AuditEvent.objects.count() != before_events:
                    problems.append(f"{label}: refused but something changed")
    assert not problems, "\n".join(problems)
