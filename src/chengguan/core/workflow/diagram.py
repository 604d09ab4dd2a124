"""A machine's table as a Mermaid state diagram, for docs/workflows/ (generated, never hand-drawn)."""

from __future__ import annotations

from chengguan.core.permissions import describe
from chengguan.core.workflow.kernel import RESUME, STAY, Machine


def mermaid(machine: Machine) -> str:
    """`stateDiagram-v2` with every state and every action; an action that keeps the state is a loop,
    and RESUME draws an arrow back to each state a suspension can come from."""
    lines = ["stateDiagram-v2"]
    for state in machine.states:
        lines.append(f"    {state.value}: {state.label}")
    suspendable = sorted({s for t in machine if t.remember for s in t.sources})
    for t in machine:
        label = machine.label(t.action)
        for source in sorted(t.sources):
            targets = suspendable if t.target == RESUME else [source if t.target == STAY else t.target]
            for target in targets:
                lines.append(f"    {source} --> {target}: {label}")
    return "\n".join(lines) + "\n"


def table(machine: Machine) -> str:
    """The table as Markdown: action, from, to, permission (and the rules it is made of), required
    fields, guards."""
    rows = [
        "| action | from | to | permission | required | guards |",
        "|---|---|---|---|---|---|",
    ]
    for t in machine:
        target = {STAY: "(same)", RESUME: "(before suspension)"}.get(t.target, t.target)
        rows.append(
            f"| `{t.action}` {machine.label(t.action)} | {', '.join(sorted(t.sources))} | {target} "
            f"| `{t.permission.name}`: {describe(t.permission)} | {', '.join(t.required) or '—'} "
            f"| {', '.join(f'`{g.code}`' for g in t.guards) or '—'} |"
        )
    return "\n".join(rows) + "\n"
