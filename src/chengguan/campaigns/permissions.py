"""Who may plan a campaign, move it through its states, give and report on tasks and record joint
operations (named permissions).

A campaign is moved by the leader of its lead unit: the squad leader of a squad, or the bureau's
leaders (for a campaign the bureau or one of its departments leads). A task is reported on by its
assignee: the staff of that unit, or, for a partner department, its 协作部门联络员 (partner contact),
whose login reaches nothing else."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.campaigns.errors import CampaignError, OperationError, TaskError
from chengguan.core.permissions import Rule, permission
from chengguan.org import selectors as org_selectors
from chengguan.org.models import OrgKind
from chengguan.org.permissions import holds, in_bureau, in_unit, same_bureau, staff
from chengguan.org.roles import BUREAU_WIDE_ROLES
from chengguan.org.roles import RoleCode as R

# Who draws up campaigns and their tasks: the bureau office, the leaders, the squad leaders.
_PLANNERS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SYSTEM)
# The leaders of a unit (moving a campaign is their act, not the office's).
_LEADERS = (R.LEADER, R.SQUAD_LEADER, R.SYSTEM)
# Who records joint operations and their findings: the officers and grid inspectors on the street
# and their leaders.
_OPERATORS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SHIFT_LEADER, R.HANDLER, R.INSPECTOR, R.SYSTEM)
_FORBIDDEN = {"code": CampaignError.FORBIDDEN, "message": _("您没有{action}的权限。")}


def reaches(actor, unit) -> bool:
    """`unit` is the actor's own (or below it); bureau-wide roles reach every unit of their bureau."""
    if unit is None:
        return False
    if org_selectors.has_role(actor, *BUREAU_WIDE_ROLES) or org_selectors.sees_everything(actor):
        return same_bureau(actor, unit.bureau_id)
    return in_unit(actor, unit)


def _campaign_of(obj):
    return getattr(obj, "campaign", obj)


campaign_in_bureau = in_bureau(
    lambda obj: getattr(_campaign_of(obj), "bureau_id", None),
    code=CampaignError.OTHER_BUREAU,
    message=_("该专项行动不属于您所在单位。"),
)

# Reading campaigns: the bureau's staff and its system account (partner contacts read their tasks).
can_view_campaigns = permission(
    "campaigns.view", (staff(**_FORBIDDEN) | holds(R.SYSTEM, **_FORBIDDEN)) & campaign_in_bureau
)
# A new campaign is planned by the office, the leaders or a squad leader, in their bureau.
can_plan_campaign = permission("campaigns.plan", holds(*_PLANNERS, **_FORBIDDEN) & campaign_in_bureau)


def _leads(actor, campaign) -> bool:
    lead = _campaign_of(campaign).lead_unit
    if org_selectors.has_role(actor, R.LEADER, R.SYSTEM):
        return same_bureau(actor, lead.bureau_id)
    return in_unit(actor, lead)


is_lead_leader = Rule(
    _leads,
    code=CampaignError.NOT_LEAD_LEADER,
    message=_("只有牵头单位的领导可以变更专项行动的状态。"),
    name="campaigns.lead_unit",
)
# 牵头单位: the leader of the lead unit starts, postpones, resumes, closes or cancels the campaign.
can_lead_campaign = permission(
    "campaigns.lead",
    holds(
        *_LEADERS, code=CampaignError.NOT_LEAD_LEADER, message=_("只有牵头单位的领导可以变更专项行动的状态。")
    )
    & is_lead_leader,
)
# The campaign's tasks, goals and partners are edited by its planners in the lead unit or the office.
can_edit_campaign = permission(
    "campaigns.edit",
    holds(*_PLANNERS, **_FORBIDDEN) & campaign_in_bureau & (holds(R.ADMIN, **_FORBIDDEN) | is_lead_leader),
)


def _assignee_contact(actor, task) -> bool:
    """A partner contact of the task's partner department (their profile's unit is the partner)."""
    assignee = getattr(task, "assignee", None)
    if assignee is None or assignee.kind != OrgKind.PARTNER:
        return False
    profile = org_selectors.profile_of(actor)
    return profile is not None and profile.organisation_id == assignee.pk


def _assignee_staff(actor, task) -> bool:
    assignee = getattr(task, "assignee", None)
    return (
        assignee is not None
        and assignee.kind != OrgKind.PARTNER
        and assignee.bureau_id == task.campaign.bureau_id
        and reaches(actor, assignee)
    )


_TASK_FORBIDDEN = {
    "code": TaskError.FORBIDDEN,
    "message": _("只有承办单位（或协作部门联络员）可以填报本任务的进度。"),
}
is_partner_contact_of = Rule(_assignee_contact, name="campaigns.partner_contact_of", **_TASK_FORBIDDEN)
# 填报进度: the assignee unit's staff, its partner contact, or the campaign's planners for them.
can_report_task = permission(
    "campaigns.report_task",
    (holds(R.PARTNER_CONTACT, **_TASK_FORBIDDEN) & is_partner_contact_of)
    | (staff(**_TASK_FORBIDDEN) & Rule(_assignee_staff, name="campaigns.assignee_staff", **_TASK_FORBIDDEN))
    | can_edit_campaign,
)
# Reading a task: whoever may report on it, or read the campaign.
can_view_task = permission("campaigns.view_task", can_report_task | can_view_campaigns)

# 联合行动: recorded by the officers and leaders of the bureau, while the campaign is not closed.
can_record_operation = permission(
    "campaigns.record_operation",
    holds(*_OPERATORS, code=OperationError.FORBIDDEN, message=_("您没有登记联合行动的权限。"))
    & campaign_in_bureau,
)

# Who is told of a task: a partner department's contacts, or the unit's leaders and handlers.
PARTNER_CONTACTS = (R.PARTNER_CONTACT,)
TASK_TAKERS = (R.SQUAD_LEADER, R.SHIFT_LEADER, R.HANDLER)
# Accounts that are no officer of the bureau, hence never listed as a joint operation's officers.
NOT_OFFICERS = (R.SYSTEM, R.PARTNER_CONTACT, R.CITIZEN, R.MERCHANT, R.DEPUTY)
