"""Who may plan rosters, decide swaps and leave, clock in and out, patrol and inspect the force
(named permissions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.permissions import Rule, permission
from chengguan.duty.errors import (
    ChangeError,
    DutyError,
    FindingError,
    HandoverError,
    ItemError,
    MeetingError,
    NoticeError,
)
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import holds, holds_or_superuser, in_bureau, in_unit, same_bureau, staff
from chengguan.org.roles import BUREAU_WIDE_ROLES
from chengguan.org.roles import RoleCode as R

# Who draws up a unit's roster: the bureau office, the squad leaders and the command centre's 值班长.
_PLANNERS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SHIFT_LEADER, R.SYSTEM)
# A unit's leader, who approves swaps and leave: the squad leader, or the bureau's leaders.
_UNIT_LEADERS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SYSTEM)
_FORBIDDEN = {"code": DutyError.FORBIDDEN, "message": _("您没有{action}的权限。")}


def reaches(actor, unit) -> bool:
    """`unit` is the actor's own (or below it); bureau-wide roles reach every unit of their bureau."""
    if unit is None:
        return False
    if org_selectors.has_role(actor, *BUREAU_WIDE_ROLES) or org_selectors.sees_everything(actor):
        return same_bureau(actor, unit.bureau_id)
    return in_unit(actor, unit)


def _unit_of(obj):
    """The unit a roster, shift, assignment or change belongs to (the object itself when a unit)."""
    if obj is None:
        return None
    if hasattr(obj, "unit"):
        return obj.unit
    if hasattr(obj, "shift"):
        return obj.shift.unit
    return obj


in_reach = Rule(
    lambda actor, obj: reaches(actor, _unit_of(obj)),
    code=DutyError.OTHER_UNIT,
    message=_("该单位不在您的管辖范围内。"),
    name="duty.in_reach",
)

can_plan_rosters = permission("duty.plan_rosters", holds(*_PLANNERS, **_FORBIDDEN) & in_reach)


def _own_assignment(actor, assignment) -> bool:
    return assignment is not None and assignment.staff_id == getattr(actor, "pk", None)


is_assignee = Rule(
    _own_assignment,
    code=DutyError.NOT_YOURS,
    message=_("只能为自己的排班签到、签退或申请换班。"),
    name="duty.assignee",
)
# Clocking in and out is the assignee's own act (web or field app).
can_clock = permission("duty.clock", is_assignee)
# A swap or leave is asked for by the assignee, or entered for them by the roster's planner.
can_request_change = permission("duty.request_change", is_assignee | can_plan_rosters)

change_in_bureau = in_bureau(
    lambda change: change.bureau_id, code=ChangeError.OTHER_BUREAU, message=_("该申请不属于您所在单位。")
)
can_decide_change = permission(
    "duty.decide_change",
    holds(*_UNIT_LEADERS, code=ChangeError.FORBIDDEN, message=_("只有本单位的领导可以审批换班和请假。"))
    & Rule(
        lambda actor, change: reaches(actor, change.unit),
        code=ChangeError.FORBIDDEN,
        message=_("只有本单位的领导可以审批换班和请假。"),
        name="duty.change_unit",
    ),
)
can_withdraw_change = permission(
    "duty.withdraw_change",
    Rule(
        lambda actor, change: change.requested_by_id == getattr(actor, "pk", None),
        code=ChangeError.NOT_REQUESTER,
        message=_("只有申请人可以撤回。"),
        name="duty.requester",
    ),
)
# Reading rosters and who is on duty: every member of staff, and the system account.
can_view_duty = permission("duty.view", staff(**_FORBIDDEN) | holds(R.SYSTEM, **_FORBIDDEN))

# A patrol's points are uploaded and the patrol ended by the person patrolling (the field app).
can_work_patrol = permission(
    "duty.work_patrol",
    Rule(
        lambda actor, patrol: patrol is not None and patrol.staff_id == getattr(actor, "pk", None),
        code=DutyError.NOT_YOUR_PATROL,
        message=_("只能上传或结束自己的巡查。"),
        name="duty.patroller",
    ),
)

# The field app's track is recorded by a member of staff for themselves (only while on duty).
can_record_track = permission("duty.record_track", staff(**_FORBIDDEN))

# 督察: the force inspectors record findings, re-check rectifications and close them; the responsible
# unit rectifies and may contest once; the bureau's leader decides a contest.
_FINDING_FORBIDDEN = {"code": FindingError.FORBIDDEN, "message": _("您没有执行该操作的权限。")}
finding_in_bureau = in_bureau(
    lambda finding: finding.bureau_id,
    code=FindingError.OTHER_BUREAU,
    message=_("该督察问题不属于您所在单位。"),
)
can_inspect_force = permission("duty.inspect_force", holds(R.FORCE_INSPECTOR, R.SYSTEM, **_FINDING_FORBIDDEN))
can_rectify = permission(
    "duty.rectify",
    holds(R.ADMIN, R.SQUAD_LEADER, R.SHIFT_LEADER, R.HANDLER, R.SYSTEM, **_FINDING_FORBIDDEN)
    & Rule(
        lambda actor, finding: reaches(actor, finding.unit),
        code=FindingError.NOT_YOUR_UNIT,
        message=_("只有责任单位可以整改或申诉。"),
        name="duty.responsible_unit",
    ),
)
can_decide_contest = permission("duty.decide_contest", holds(R.LEADER, R.SYSTEM, **_FINDING_FORBIDDEN))


# Whose findings a reader sees: the bureau's leaders, office and force inspectors see all of the
# bureau's (selectors.findings_visible_to); everyone else those against their own unit.
sees_bureau_findings = permission(
    "duty.see_bureau_findings", holds_or_superuser(R.ADMIN, R.LEADER, R.FORCE_INSPECTOR, R.SYSTEM)
)
# Who is told of a finding (services): its unit's leaders, the force inspectors, and past its
# rectification date the bureau's leaders.
FINDING_UNIT_LEADERS = (R.SQUAD_LEADER, R.SHIFT_LEADER)
FORCE_INSPECTION = (R.FORCE_INSPECTOR,)
FINDING_ESCALATION = (R.LEADER,)
# Strict-control streets are named by the bureau's office and leaders; old track points are deleted by
# the office or the scheduled job; a GPX track is imported by its owner or the owner's roster planner.
_STREET_FORBIDDEN = {"code": DutyError.FORBIDDEN, "message": _("您没有{action}的权限。")}
bureau_itself = in_bureau(
    lambda bureau: getattr(bureau, "pk", None),
    code=DutyError.OTHER_UNIT,
    message=_("该单位不在您的管辖范围内。"),
)
can_define_streets = permission(
    "duty.define_streets", holds(R.ADMIN, R.LEADER, R.SYSTEM, **_STREET_FORBIDDEN) & bureau_itself
)
can_purge_tracks = permission(
    "duty.purge_tracks", holds(R.ADMIN, R.SYSTEM, **_STREET_FORBIDDEN) & bureau_itself
)


def _track_owner_or_planner(actor, staff) -> bool:
    if staff is None:
        return False
    if staff.pk == getattr(actor, "pk", None):
        return True
    profile = org_selectors.profile_of(staff)
    return profile is not None and can_plan_rosters(actor, profile.organisation)


can_import_track = permission(
    "duty.import_track",
    Rule(
        _track_owner_or_planner,
        code=DutyError.NOT_YOUR_PATROL,
        message=_("只能导入自己的巡查轨迹，或由本单位排班人员导入。"),
        name="duty.track_owner_or_planner",
    ),
)


# Meetings: the bureau's office and leaders plan them, keep the minutes and assign action items; an
# item is reported done by its person or its unit's leaders (or the organisers), reopened or cancelled
# by the organisers.
_ORGANISERS = (R.ADMIN, R.LEADER, R.SYSTEM)
meeting_in_bureau = in_bureau(
    lambda obj: obj.bureau_id, code=MeetingError.OTHER_BUREAU, message=_("该会议不属于您所在单位。")
)
can_organise_meetings = permission(
    "duty.organise_meetings",
    holds(*_ORGANISERS, code=MeetingError.FORBIDDEN, message=_("只有局办公室和局领导可以安排会议。"))
    & meeting_in_bureau,
)
item_in_bureau = in_bureau(
    lambda item: item.bureau_id, code=ItemError.OTHER_BUREAU, message=_("该督办事项不属于您所在单位。")
)
_ITEM_FORBIDDEN = {
    "code": ItemError.FORBIDDEN,
    "message": _("只有承办单位、承办人或会议组织者可以办理该事项。"),
}


def _assignee(actor, item) -> bool:
    if item.person_id is not None and item.person_id == getattr(actor, "pk", None):
        return True
    return (
        item.unit is not None
        and org_selectors.has_role(actor, R.SQUAD_LEADER, R.SHIFT_LEADER)
        and in_unit(actor, item.unit)
    )


can_complete_item = permission(
    "duty.complete_action_item",
    Rule(_assignee, name="duty.item_assignee", **_ITEM_FORBIDDEN) | holds(*_ORGANISERS, **_ITEM_FORBIDDEN),
)
can_manage_item = permission("duty.manage_action_item", holds(*_ORGANISERS, **_ITEM_FORBIDDEN))


# Major-matter notices are issued (and closed) by the bureau's office, its leaders and the command
# centre's shift leader; each reader acknowledges and answers their own receipt.
can_issue_notices = permission(
    "duty.issue_notices",
    holds(
        R.ADMIN,
        R.LEADER,
        R.SHIFT_LEADER,
        R.SYSTEM,
        code=NoticeError.FORBIDDEN,
        message=_("只有局办公室、局领导和值班长可以发布重大事项通报。"),
    )
    & in_bureau(
        lambda obj: obj.bureau_id, code=NoticeError.OTHER_BUREAU, message=_("该通报不属于您所在单位。")
    ),
)
can_read_notice = permission(
    "duty.read_notice",
    Rule(
        lambda actor, notice: (
            notice is not None and notice.receipts.filter(person_id=getattr(actor, "pk", None)).exists()
        ),
        code=NoticeError.NOT_A_READER,
        message=_("您不在该通报的阅知范围内。"),
        name="duty.notice_reader",
    ),
)


# The duty log is kept and the shift handed over by the people on the shift (or its planners); the
# handover is accepted by someone rostered on the next shift.
def _on_shift(actor, shift) -> bool:
    return (
        shift is not None
        and shift.assignments.filter(staff_id=getattr(actor, "pk", None), on_leave=False).exists()
    )


can_keep_log = permission(
    "duty.keep_log",
    Rule(
        _on_shift,
        code=HandoverError.NOT_ON_SHIFT,
        message=_("只有本班的值班人员或排班人员可以记录值班日志和交班。"),
        name="duty.on_shift",
    )
    | can_plan_rosters,
)
handover_in_bureau = in_bureau(
    lambda h: h.bureau_id, code=HandoverError.OTHER_BUREAU, message=_("该交接班不属于您所在单位。")
)
can_accept_handover = permission(
    "duty.accept_handover",
    Rule(
        lambda actor, h: _on_shift(actor, h.next_shift),
        code=HandoverError.FORBIDDEN,
        message=_("只有下一班的值班人员可以接班。"),
        name="duty.next_shift",
    )
    | holds(R.SYSTEM, code=HandoverError.FORBIDDEN, message=_("只有下一班的值班人员可以接班。")),
)

# Who is told and asked about meetings and notices: the Monday meeting's default attendees, a unit's
# leaders (action items assigned to it, notices it must read) and the bureau's leaders (escalation).
MEETING_ATTENDEES = (R.LEADER, R.SQUAD_LEADER)
UNIT_DUTY_LEADERS = (R.SQUAD_LEADER, R.SHIFT_LEADER)
NOTICE_UNIT_READERS = (R.SQUAD_LEADER, R.SHIFT_LEADER, R.LEADER)
NOTICE_ESCALATION = (R.LEADER,)
NOT_A_PERSON = (R.SYSTEM,)
leads_a_duty_unit = permission("duty.leads_unit", holds(*UNIT_DUTY_LEADERS))
