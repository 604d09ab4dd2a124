"""Who may do what with the unit grids (named permissions). Grids are back-office data: a superuser
and the installation's system account maintain every bureau's; an admin (管理员) or the system account
of a bureau maintain its own. The command centre routes cases anywhere in its bureau, so it sees
every grid there, like the bureau-wide roles."""

from __future__ import annotations

from chengguan.core.permissions import Rule, permission
from chengguan.grids.errors import GridError
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import holds, same_bureau
from chengguan.org.roles import BUREAU_WIDE_ROLES
from chengguan.org.roles import RoleCode as R

_everywhere = Rule(lambda actor, obj: org_selectors.sees_everything(actor), name="sees_everything")
# The object is the bureau's id (None: no bureau named, e.g. an import, which is scoped afterwards).
_own_bureau = Rule(
    lambda actor, bureau_id: bureau_id is None or same_bureau(actor, bureau_id),
    code=GridError.OTHER_BUREAU,
    message="不能维护其他城管局的单元网格",
    name="own_bureau",
)

can_maintain_grids = permission(
    "grids.maintain",
    _everywhere
    | (
        holds(R.ADMIN, R.SYSTEM, code=GridError.PERMISSION_DENIED, message="只有管理员可以维护单元网格")
        & _own_bureau
    ),
)
sees_bureau_grids = permission(
    "grids.see_bureau", holds(*BUREAU_WIDE_ROLES, R.OPERATOR, R.DISPATCHER, R.SHIFT_LEADER)
)
# An inspector works the grids assigned to them (the home page shows those rather than the unit's).
works_assigned_grids = permission("grids.assigned", holds(R.INSPECTOR))
