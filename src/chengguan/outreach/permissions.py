"""Who runs the bureau's public side (named permissions).

Activities, volunteers, live sessions and media reports are organised by the bureau office (admin),
the leaders and the squad leaders, who run events on their streets; every member of the bureau's
staff reads them. The public registers on the portal without an account (no permission: the limiter
and the activity's quota and closing time decide)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.permissions import permission
from chengguan.org.permissions import holds, in_bureau, staff
from chengguan.org.roles import RoleCode as R
from chengguan.outreach.errors import ActivityError, BroadcastError

_ORGANISERS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SYSTEM)

outreach_in_bureau = in_bureau(
    lambda obj: getattr(obj, "bureau_id", None),
    code=ActivityError.OTHER_BUREAU,
    message=_("该活动不属于您所在单位。"),
)
broadcast_in_bureau = in_bureau(
    lambda obj: getattr(obj, "bureau_id", None),
    code=BroadcastError.OTHER_BUREAU,
    message=_("该直播不属于您所在单位。"),
)
# Reading: the bureau's staff and its system account.
can_view_outreach = permission(
    "outreach.view",
    (staff(code=ActivityError.FORBIDDEN, message=_("您没有查看开放活动的权限。")) | holds(R.SYSTEM))
    & outreach_in_bureau,
)
# Activities and volunteers: planned, opened, checked in and summed up by the organisers.
can_organise_activities = permission(
    "outreach.organise",
    holds(*_ORGANISERS, code=ActivityError.FORBIDDEN, message=_("您没有组织开放活动的权限。"))
    & outreach_in_bureau,
)
# 直播执法 and the media's reports: the same organisers (the bureau's publicity lies with them).
can_run_broadcasts = permission(
    "outreach.broadcast",
    holds(*_ORGANISERS, code=BroadcastError.FORBIDDEN, message=_("您没有管理直播执法的权限。"))
    & broadcast_in_bureau,
)
# Who may stand on camera: officers of the bureau, never an outside account.
NOT_OFFICERS = (R.SYSTEM, R.PARTNER_CONTACT, R.CITIZEN, R.MERCHANT, R.DEPUTY)
