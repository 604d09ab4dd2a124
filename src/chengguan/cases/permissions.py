"""Who may do what in the closed loop (named permissions): the case machine's rows, the pages of the
workbench, the reporter's phone, evidence, spam marks and supervision. Services, selectors, views
and the API all ask these, so the buttons a page shows and the refusals a service gives agree.

The desks of the command centre (受理、派遣、值班长) act on any case of their bureau; the handling side
(处置人员、中队长) only on cases dispatched to its own unit or a unit below it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.cases.errors import CaseError, SupervisionError
from chengguan.cases.models import FINAL_STATES, CaseSource, EvidenceStage
from chengguan.core.permissions import Rule, permission
from chengguan.org.permissions import holds, in_bureau, in_unit, staff
from chengguan.org.roles import RoleCode as R

# Who sits where (also read by `recipients`, to find the people a step waits for).
INTAKE_DESK = (R.OPERATOR, R.SHIFT_LEADER)
DISPATCH_DESK = (R.DISPATCHER, R.SHIFT_LEADER)
HANDLING_SIDE = (R.HANDLER, R.SQUAD_LEADER)
UNIT_LEADERS = (R.SQUAD_LEADER, R.LEADER)
LEADERSHIP = (R.SHIFT_LEADER, R.LEADER)
SHIFT_DESK = (R.SHIFT_LEADER,)  # suspended cases wait for the shift leader
GRID_INSPECTION = (R.INSPECTOR,)  # verification waits for the grid's inspectors
# Command-centre and bureau roles see every case of their bureau.
BUREAU_WIDE = (R.LEADER, R.ADMIN, R.OPERATOR, R.DISPATCHER, R.SHIFT_LEADER, R.LEGAL_REVIEWER, R.SYSTEM)
# Staff sources need a staff role; the public channels (None) take anyone, including anonymous callers.
SOURCES: dict[str, tuple[str, ...] | None] = {
    CaseSource.PATROL: (R.INSPECTOR,),
    CaseSource.HOTLINE: INTAKE_DESK,
    CaseSource.DEPUTY: (R.DEPUTY, *INTAKE_DESK),
    CaseSource.LEADER: (R.LEADER, *INTAKE_DESK),
    CaseSource.MEDIA: INTAKE_DESK,
    CaseSource.VIDEO: (*INTAKE_DESK, R.INSPECTOR),
    CaseSource.LIVE: (*INTAKE_DESK, R.SQUAD_LEADER),
    CaseSource.CITIZEN: None,
    CaseSource.OPEN311: None,
}
# Public channels an operator types in on a caller's behalf.
RELAYED_SOURCES = (CaseSource.CITIZEN,)
# Stages a file can be added to after the fact; verification photos come with the verify action,
# whose position and time are checked against the case.
LATE_EVIDENCE_STAGES = (EvidenceStage.OTHER, EvidenceStage.REPORT, EvidenceStage.HANDLE)

superuser = Rule(
    lambda actor, obj: bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)),
    name="superuser",
)
case_in_bureau = in_bureau(
    lambda case: case.bureau_id, code=CaseError.OUT_OF_SCOPE, message=_("该案件不在您的管辖范围内。")
)
in_handling_unit = Rule(
    lambda actor, case: case.handling_unit_id is not None and in_unit(actor, case.handling_unit),
    code=CaseError.NOT_YOUR_UNIT,
    message=_("该案件未派遣给您所在的单位。"),
    name="in_handling_unit",
)
not_the_handler = Rule(
    lambda actor, case: case.handler_id is None or case.handler_id != getattr(actor, "pk", None),
    code=CaseError.VERIFIER_IS_HANDLER,
    message=_("核查人不能是处置人本人。"),
    name="not_the_handler",
)


def _desk(*roles: str) -> Rule:
    """A role of `roles`, working in the case's bureau (checked in that order)."""
    return (
        holds(*roles, code=CaseError.ROLE_FORBIDDEN, message=_("您的角色不能执行「{action}」。"))
        & case_in_bureau
    )


# -- the rows of the case machine (cases.states) ---------------------------------------------------

can_file = permission("cases.file", _desk(*INTAKE_DESK))  # file, not_file, merge
can_check = permission("cases.check", _desk(R.INSPECTOR))  # 核实 of a public report before filing
can_dispatch = permission("cases.dispatch", _desk(*DISPATCH_DESK))  # dispatch, redispatch
can_handle = permission("cases.handle", _desk(*HANDLING_SIDE) & in_handling_unit)  # the unit's steps
can_decide_extension = permission("cases.decide_extension", _desk(*DISPATCH_DESK))
can_suspend = permission("cases.suspend", _desk(*LEADERSHIP))  # suspend, resume
can_verify = permission("cases.verify", _desk(R.INSPECTOR) & not_the_handler)  # verify, rework
can_close = permission("cases.close", _desk(*INTAKE_DESK))
can_cancel = permission("cases.cancel", _desk(R.SHIFT_LEADER))
can_evaluate = permission("cases.evaluate", _desk(*LEADERSHIP))
# 回访复核: sending a closed case back to its unit.
can_reopen = permission("cases.reopen", _desk(R.LEADER, R.SHIFT_LEADER))

# -- intake ------------------------------------------------------------------------------------------


def _may_use_source(actor, source) -> bool:
    allowed = SOURCES.get(source)
    return allowed is None or holds(*allowed)(actor)


can_report_as = permission(
    "cases.report_as",
    Rule(_may_use_source, code=CaseError.SOURCE_NOT_ALLOWED, message=_("您的角色不能以该来源上报案件。")),
)
can_relay_public = permission("cases.relay_public", holds(*INTAKE_DESK))


def staff_sources(actor) -> list[str]:
    """The sources `actor` may report under on the workbench: their own channels first, then the public
    ones they relay."""
    own = [s for s in CaseSource.values if SOURCES.get(s) and can_report_as(actor, s)]
    return own + (list(RELAYED_SOURCES) if can_relay_public(actor) else [])


# -- what a member of staff sees -------------------------------------------------------------------

sees_bureau_cases = permission("cases.see_bureau_cases", holds(*BUREAU_WIDE))
sees_unit_cases = permission("cases.see_unit_cases", holds(*HANDLING_SIDE))
# What waits in whose inbox (selectors.inbox) and who sees the cases of the grids they patrol.
works_intake_desk = permission("cases.intake_desk", holds(*INTAKE_DESK))
works_dispatch_desk = permission("cases.dispatch_desk", holds(*DISPATCH_DESK))
resumes_suspended_cases = permission("cases.resumes_suspended", holds(*SHIFT_DESK))
inspects_grids = permission("cases.inspects_grids", holds(*GRID_INSPECTION))
follows_supervised_cases = permission("cases.follows_supervised", holds(R.LEADER))
can_see_duplicates = permission("cases.see_duplicates", holds(*INTAKE_DESK))
can_use_report_page = permission(
    "cases.report_page", superuser | holds(R.INSPECTOR, R.OPERATOR, R.SHIFT_LEADER)
)
# The inbox offers "审批延期" as the next step to those who decide extensions.
decides_extensions = permission("cases.decides_extensions", holds(*DISPATCH_DESK))
can_use_dispatch_board = permission("cases.dispatch_board", superuser | holds(*DISPATCH_DESK))
can_use_supervision_list = permission(
    "cases.supervision_list", superuser | holds(*LEADERSHIP, *HANDLING_SIDE, R.DISPATCHER)
)

# -- personal data (个人信息保护法 第五十一条第四项: who may operate on personal information) ---------

_PHONE_FORBIDDEN = {"code": CaseError.PHONE_FORBIDDEN, "message": _("您的角色不能查看反映人的完整电话。")}
can_view_reporter_phone = permission(
    "cases.reveal_phone",
    (superuser | holds(*INTAKE_DESK, **_PHONE_FORBIDDEN))
    & in_bureau(lambda case: case.bureau_id, **_PHONE_FORBIDDEN),
)

# -- evidence, spam, supervision -------------------------------------------------------------------

may_add_evidence = permission(
    "cases.add_evidence",
    staff(code=CaseError.EVIDENCE_FORBIDDEN, message=_("只有工作人员可以补充证据材料。")) & case_in_bureau,
)
_handling_unit_desk = _desk(*HANDLING_SIDE) & in_handling_unit
# A stage's files come from those who act on that stage (issue 11: a handler of another unit added
# 处置后 and 核查 photos to cases it could not even read): the report by its reporters and the intake
# desk, the handling by the unit it was dispatched to, the verification by an inspector who did not
# handle it; "other" files by anyone who acts on the case.
EVIDENCE_BY_STAGE: dict[str, Rule] = {
    EvidenceStage.REPORT: permission("cases.add_report_evidence", _desk(R.INSPECTOR, *INTAKE_DESK)),
    EvidenceStage.HANDLE: permission("cases.add_handle_evidence", _handling_unit_desk),
    EvidenceStage.VERIFY: permission("cases.add_verify_evidence", _desk(R.INSPECTOR) & not_the_handler),
    EvidenceStage.OTHER: permission(
        "cases.add_other_evidence",
        _desk(R.INSPECTOR, *INTAKE_DESK, *DISPATCH_DESK, *LEADERSHIP) | _handling_unit_desk,
    ),
}


def can_add_evidence(actor, case, stage: str | None = None) -> bool:
    """`actor` may add a file of `stage` to `case` now (the case is still open); without a stage,
    whether any stage a file can be added to afterwards is open to them (the page's form)."""
    if case.state in FINAL_STATES:
        return False
    stages = [stage] if stage is not None else LATE_EVIDENCE_STAGES
    return any(
        s in EVIDENCE_BY_STAGE and may_add_evidence(actor, case) and EVIDENCE_BY_STAGE[s](actor, case)
        for s in stages
    )


def evidence_stages(actor, case) -> list[str]:
    """The stages of `LATE_EVIDENCE_STAGES` that `actor` may add a file to now: the choices the case
    page's 补充材料 form offers (never one the service would refuse)."""
    return [stage for stage in LATE_EVIDENCE_STAGES if can_add_evidence(actor, case, stage)]


def refuse_evidence(actor, case, stage: str) -> None:
    """Raise the refusal of `can_add_evidence` for a known stage (the service checks the stage first)."""
    may_add_evidence.refuse(actor, case)
    EVIDENCE_BY_STAGE[stage].refuse(actor, case, action=_("补充照片、视频或录音"))


can_mark_spam = permission(
    "cases.mark_spam",
    (
        superuser
        | holds(
            *INTAKE_DESK,
            code=CaseError.SPAM_FORBIDDEN,
            message=_("只有受理员或值班长可以标记恶意/无效举报。"),
        )
    )
    & case_in_bureau,
)
can_supervise = permission(
    "cases.supervise",
    holds(*LEADERSHIP, code=SupervisionError.FORBIDDEN, message=_("只有领导或值班长可以督办案件。"))
    & case_in_bureau,
)
can_reply_supervision = permission(
    "cases.reply_supervision",
    holds(
        *HANDLING_SIDE, *DISPATCH_DESK, code=SupervisionError.FORBIDDEN, message=_("您的角色不能回复督办。")
    ),
)


# Acting on a case it cannot see: only who may take some step on it (an inspector verifying outside
# their grids). Anyone else gets the same "not found" as for a case that does not exist, whatever its
# state or content (issue 11, defect 9).
acts_on_case = permission(
    "cases.act_on",
    can_file
    | can_check
    | can_dispatch
    | can_handle
    | can_decide_extension
    | can_suspend
    | can_verify
    | can_close
    | can_cancel
    | can_evaluate
    | can_reopen
    | can_view_reporter_phone
    | can_mark_spam
    | can_supervise,
)
