"""The shared workflow kernel: see `kernel` for the rule, `fields` for input, `api` and `forms` for
the endpoints and pages built from a machine's table, `diagram` for its Mermaid picture."""

from chengguan.core.workflow.fields import FieldSpec, Invalid
from chengguan.core.workflow.kernel import (
    REGISTRY,
    RESUME,
    STAY,
    Context,
    Guard,
    Machine,
    Transition,
    save_changed,
    transition,
)

__all__ = [
    "REGISTRY",
    "RESUME",
    "STAY",
    "Context",
    "FieldSpec",
    "Guard",
    "Invalid",
    "Machine",
    "Transition",
    "save_changed",
    "transition",
]
