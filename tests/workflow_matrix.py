"""The matrix test's contract: every machine on the kernel gets the same test from its own table.

An app's tests provide a `Matrix` subclass in `tests/<app>/workflow_matrix.py`; the test in
`tests/core/test_workflow_matrix.py` finds every registered machine, asks the app's matrix for a
world, an object in each state and a complete payload for each action, and checks every
state × action × actor: the allowed ones work and write exactly one audit event; every other one
is refused (409 from the wrong state, 403 otherwise) and changes nothing at all. What is allowed
comes from `expected_allowed`, written by hand in the adapter, not read from the table. Each allowed
combination gets a fresh object; the refused ones of a state and action share one, which is fine
because a refusal must leave it untouched (and the test checks that it did).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from chengguan.core.workflow import Machine


class Matrix:
    machine: Machine

    def setup(self) -> None:
        """Build the world (runs inside the test's database transaction)."""

    def running(self) -> AbstractContextManager:
        """What the whole run happens inside (e.g. a pinned clock, so that no stage is late)."""
        return nullcontext()

    def actors(self) -> dict[str, Any]:
        """Everyone to try, by a name used in `expected_allowed` (every role, plus outsiders)."""
        raise NotImplementedError

    def states(self) -> list[str]:
        """The states to start from (default: every state of the machine)."""
        return list(self.machine.states.values)

    def object_in(self, state: str):
        """A fresh object in `state`, made through the services."""
        raise NotImplementedError

    def object_for(self, state: str, action: str):
        """A fresh object in `state`, ready for `action` (e.g. with the request a decision needs)."""
        return self.object_in(state)

    def payload(self, action: str, obj) -> dict:
        """A complete, valid payload, so that a refusal can only come from the state or the actor."""
        return {}

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        raise NotImplementedError

    def world(self, obj) -> Any:
        """Everything a refused action might have touched (default: the row's columns)."""
        obj.refresh_from_db()
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
