"""Every machine on the workflow kernel: state × action × actor (see tests/workflow_matrix.py)."""

from __future__ import annotations

import importlib

import pytest

from chengguan.core.errors import Conflict, PermissionDenied
from chengguan.core.models import AuditEvent
from chengguan.core.workflow import REGISTRY

# Each registered machine names the test module of its app that holds its matrix adapter.
ADAPTERS = {
    "action_item": "tests.duty.workflow_matrix",
    "activity": "tests.outreach.workflow_matrix",
    "appeal": "tests.stats.workflow_matrix",
    "broadcast": "tests.outreach.workflow_matrix",
    "campaign": "tests.campaigns.workflow_matrix",
    "case": "tests.cases.workflow_matrix",
    "certificate": "tests.people.workflow_matrix",
    "deed": "tests.people.workflow_matrix",
    "finding": "tests.duty.workflow_matrix",
    "handover": "tests.duty.workflow_matrix",
    "letter": "tests.merchants.workflow_matrix",
    "nomination": "tests.people.workflow_matrix",
    "penalty": "tests.enforcement.workflow_matrix",
    "roster_change": "tests.duty.workflow_matrix",
    "training": "tests.people.workflow_matrix",
    "welfare_draw": "tests.welfare.workflow_matrix",
}


def test_every_machine_has_a_matrix():
    assert set(REGISTRY) == set(ADAPTERS)


def _matrix(name: str):
    return importlib.import_module(ADAPTERS[name]).MATRICES[name]()


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_every_state_action_and_actor(db, settings, tmp_path, name):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # evidence and scans the allowed actions store
    matrix = _matrix(name)
    machine = matrix.machine
    matrix.setup()
    actors = matrix.actors()
    problems: list[str] = []
    with matrix.running():
        for state in matrix.states():
            for action in machine.transitions:
                shared = None  # the object the refused combinations try (and must leave untouched)
                for who, actor in actors.items():
                    label = f"{name}: {state} / {action} / {who}"
                    if matrix.expected_allowed(state, action, who):
                        problems += _allowed(matrix, matrix.object_for(state, action), action, actor, label)
                        continue
                    shared = shared or matrix.object_for(state, action)
                    problems += _refused(matrix, shared, state, action, actor, label)
    assert not problems, "\n".join(problems)


def _allowed(matrix, obj, action: str, actor, label: str) -> list[str]:
    machine = matrix.machine
    found = []
    payload = matrix.payload(action, obj)  # first: making it may write (a case to merge into)
    events = AuditEvent.objects.count()
    if action not in machine.available_actions(obj, actor):
        found.append(f"{label}: allowed but not offered")
    machine.apply(obj, action, actor=actor, **payload)
    if AuditEvent.objects.count() != events + 1:
        found.append(f"{label}: wrote {AuditEvent.objects.count() - events} events")
    return found


def _refused(matrix, obj, state: str, action: str, actor, label: str) -> list[str]:
    machine = matrix.machine
    found = []
    payload = matrix.payload(action, obj)
    events = AuditEvent.objects.count()
    if action in machine.available_actions(obj, actor):
        found.append(f"{label}: offered but not allowed")
    untouched = matrix.world(obj)
    expected = Conflict if state not in machine.get(action).sources else PermissionDenied
    try:
        machine.apply(obj, action, actor=actor, **payload)
    except (Conflict, PermissionDenied) as exc:
        if not isinstance(exc, expected):
            found.append(f"{label}: {exc.code}, expected {expected.__name__}")
    else:
        return [*found, f"{label}: was allowed"]
    if matrix.world(obj) != untouched or AuditEvent.objects.count() != events:
        found.append(f"{label}: refused but something changed")
    return found
