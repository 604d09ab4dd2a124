"""Who may keep the vendor register, see the sensitive hardship data, run the spots and their pitch
draws, and record help (named predicates).

The register is kept by the officers who meet vendors on the street and their leaders; the hardship
category and its evidence (sensitive personal information, 个人信息保护法 第二十八条) are seen and
recorded only by those who arrange the help: the leaders, the squad leaders and the bureau office
(第二十九条: no more people than the purpose needs)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengguan.core.permissions import permission
from chengguan.org.permissions import holds, in_bureau, staff
from chengguan.org.roles import RoleCode as R
from chengguan.welfare.errors import DrawError, HelpError, SpotError, VendorError

# Officers on the street and their leaders: register vendors and name them on cases.
_KEEPERS = (
    R.ADMIN,
    R.LEADER,
    R.SQUAD_LEADER,
    R.SHIFT_LEADER,
    R.HANDLER,
    R.INSPECTOR,
    R.OPERATOR,
    R.DISPATCHER,
    R.SYSTEM,
)
# Those who arrange the help: the only ones to see the hardship data.
_HELPERS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SYSTEM)
# The spots and their draws are the bureau office's and the leaders'.
_SPOT_MANAGERS = (R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.SYSTEM)
_DRAW_RUNNERS = (R.ADMIN, R.LEADER, R.SYSTEM)

_FORBIDDEN = {"code": VendorError.FORBIDDEN, "message": _("您没有{action}的权限。")}


def _bureau_of(obj):
    for path in ("bureau_id", "spot.bureau_id", "draw.spot.bureau_id", "vendor.bureau_id"):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        if value is not None:
            return value
    return None


welfare_in_bureau = in_bureau(
    _bureau_of, code=VendorError.OTHER_BUREAU, message=_("该记录不属于您所在单位。")
)

# Reading the register (masked), the spots and the draws: the bureau's staff and its system account.
can_view_welfare = permission(
    "welfare.view", (staff(**_FORBIDDEN) | holds(R.SYSTEM, **_FORBIDDEN)) & welfare_in_bureau
)
# Registering a vendor, correcting the record, naming them on a case, recording a withdrawal.
can_keep_register = permission("welfare.keep_register", holds(*_KEEPERS, **_FORBIDDEN) & welfare_in_bureau)
# The hardship category, its evidence and the separate consent (第二十九条).
can_see_hardship = permission("welfare.see_hardship", holds(*_HELPERS, **_FORBIDDEN) & welfare_in_bureau)
# The full ID number and phone behind the masks, one vendor at a time with a stated reason, each
# reveal audited: those who arrange the help and must reach the person (a referral, a pitch, the
# civil affairs office). Not the system account: a reveal is a person's act with a reason.
can_reveal_identity = permission(
    "welfare.reveal_identity",
    holds(
        R.ADMIN,
        R.LEADER,
        R.SQUAD_LEADER,
        code=VendorError.REVEAL_FORBIDDEN,
        message=_("您没有查看完整身份证号码和电话的权限。"),
    )
    & welfare_in_bureau,
)
# Help given: goods, referrals, follow-ups.
can_record_help = permission(
    "welfare.record_help",
    holds(
        *_HELPERS,
        R.SHIFT_LEADER,
        R.HANDLER,
        code=HelpError.FORBIDDEN,
        message=_("您没有登记帮扶记录的权限。"),
    )
    & welfare_in_bureau,
)
# Designated vending spots.
can_manage_spots = permission(
    "welfare.manage_spots",
    holds(*_SPOT_MANAGERS, code=SpotError.FORBIDDEN, message=_("您没有管理便民疏导点的权限。"))
    & welfare_in_bureau,
)
# Announcing, closing and making a pitch draw, and refilling a vacancy.
can_run_draw = permission(
    "welfare.run_draw",
    holds(*_DRAW_RUNNERS, code=DrawError.FORBIDDEN, message=_("您没有组织摊位摇号的权限。"))
    & welfare_in_bureau,
)
