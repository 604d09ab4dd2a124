"""Who may do what with the work orders of the outside channels (named permissions): the intake
desk (受理员、值班长) and the bureau's system account register and import them; any member of staff
of the case's bureau may answer one; staff and the system account see their bureau's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.channels.errors import WorkOrderError
from chengguan.core.permissions import permission
from chengguan.org.permissions import holds, in_bureau, staff
from chengguan.org.roles import RoleCode as R

can_import_channel_cases = permission(
    "channels.receive",
    holds(
        R.OPERATOR,
        R.SHIFT_LEADER,
        R.SYSTEM,
        code=WorkOrderError.FORBIDDEN,
        message=_("只有受理员、值班长可以登记督办件。"),
    ),
)
can_reply_work_orders = permission(
    "channels.reply", staff(code=WorkOrderError.FORBIDDEN, message=_("只有工作人员可以答复督办件。"))
)
can_reply_work_order = permission(
    "channels.reply_order",
    can_reply_work_orders
    & in_bureau(
        lambda order: order.case.bureau_id,
        code=WorkOrderError.OUT_OF_SCOPE,
        message=_("该督办件不在您的管辖范围内。"),
    ),
)
sees_bureau_work_orders = permission("channels.see_bureau", staff() | holds(R.SYSTEM))
