"""What the field app shows a user: their tasks (核实, 签收, 处置反馈, 核查), from the closed loop's
inbox, each with the steps the case machine offers them now (so the phone never offers a step the
service would refuse)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from chengguan.cases import selectors as case_selectors
from chengguan.cases.models import Case, CaseEvidence
from chengguan.cases.services import available_actions
from chengguan.cases.states import Action, CaseState, check_required

# The steps a field user takes on the street; everything else stays on the workbench.
TASK_ACTIONS = (Action.CHECK, Action.ACCEPT, Action.HANDLE, Action.VERIFY, Action.REWORK)
TASK_STATES = (
    CaseState.REPORTED,
    CaseState.DISPATCHED,
    CaseState.IN_HANDLING,
    CaseState.REWORK,
    CaseState.HANDLED,
)
MAX_TASKS = 100
MAX_PHOTOS = 6


@dataclass(frozen=True)
class Task:
    case: Case
    actions: list[str]
    photos: list[CaseEvidence]


def tasks_of(actor) -> list[Task]:
    """The caller's own field tasks, soonest due first (their scope only: the inbox's)."""
    photos = CaseEvidence.objects.filter(kind="photo").order_by("created_at", "id")
    rows = (
        case_selectors.inbox(actor)
        .filter(state__in=TASK_STATES)
        .prefetch_related(Prefetch("evidence", queryset=photos, to_attr="field_photos"))[: MAX_TASKS * 2]
    )
    tasks = []
    checking = case_selectors.checking_bureaus()
    for case in rows:
        hints = {"check_required": check_required(case, checking)}
        actions = [a for a in available_actions(case, actor, **hints) if a in TASK_ACTIONS]
        if actions:
            tasks.append(Task(case, actions, case.field_photos[-MAX_PHOTOS:]))
        if len(tasks) >= MAX_TASKS:
            break
    return tasks
