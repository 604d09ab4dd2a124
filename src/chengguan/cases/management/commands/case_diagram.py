"""`chengguan case_diagram`: the case lifecycle as a Mermaid state diagram, drawn from the
transition table itself, so the picture in docs/ can never disagree with the code."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chengguan.cases.states import FINAL_STATES, TRANSITIONS, Action, CaseState
from chengguan.org.roles import RoleCode


def _roles(codes) -> str:
    return "、".join(str(RoleCode(code).label) for code in sorted(codes, key=list(RoleCode.values).index))


def mermaid() -> str:
    """The diagram text: one arrow per (source, action); a self-loop where the state does not change."""
    lines = ["stateDiagram-v2"]
    for state in CaseState:
        lines.append(f"    {state.value}: {state.label} ({state.value})")
    lines.append(f"    [*] --> {CaseState.REPORTED.value}: 上报")
    ordered_states = list(CaseState.values)
    for t in TRANSITIONS:
        if t.action == Action.RESUME:
            continue  # drawn below: back to each state a case can be suspended from
        for source in sorted(t.sources, key=ordered_states.index):
            target = source if t.target is None else t.target
            lines.append(f"    {source} --> {target}: {Action(t.action).label}")
    resume = next(t for t in TRANSITIONS if t.action == Action.RESUME)
    suspend = next(t for t in TRANSITIONS if t.action == Action.SUSPEND)
    for back in sorted(suspend.sources, key=ordered_states.index):
        for source in sorted(resume.sources, key=ordered_states.index):
            lines.append(f"    {source} --> {back}: {Action.RESUME.label}")
    for state in sorted(FINAL_STATES, key=ordered_states.index):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"


def action_table() -> str:
    """A Markdown table: each action, the states it starts from, where it leads, who may take it."""
    rows = ["| 操作 (action) | 从状态 | 到状态 | 角色 | 必填 |", "|---|---|---|---|---|"]
    for t in TRANSITIONS:
        sources = "、".join(CaseState(s).label for s in sorted(t.sources, key=list(CaseState.values).index))
        if t.target is not None:
            target = CaseState(t.target).label
        elif t.action == Action.RESUME:
            target = "缓办前的状态"
        else:
            target = "不变"
        roles = _roles(t.roles) + ("（仅承办单位）" if t.unit_bound else "")
        rows.append(
            f"| {Action(t.action).label} (`{t.action}`) | {sources} | {target} | {roles} | "
            f"{', '.join(t.required) or '—'} |"
        )
    return "\n".join(rows) + "\n"


class Command(BaseCommand):
    help = "Print the case lifecycle as a Mermaid state diagram (from cases.states.TRANSITIONS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--table", action="store_true", help="Also print the action/role table (Markdown)."
        )

    def handle(self, *args, **options):
        self.stdout.write(mermaid(), ending="")
        if options["table"]:
            self.stdout.write("\n" + action_table(), ending="")
