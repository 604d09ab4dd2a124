"""Who may maintain the classification, its time limits and the routing rules (named permissions):
superusers, the installation's system account (the CLI, the demo), and admins (管理员) or the system
account of a bureau. Routing rules name units, so a bureau's own may only name its bureau's units
(`check_routing_rule` checks that)."""

from __future__ import annotations

from chengguan.core.permissions import Rule, permission
from chengguan.org import selectors as org_selectors
from chengguan.org.permissions import holds
from chengguan.org.roles import RoleCode as R
from chengguan.taxonomy.errors import TaxonomyError

can_maintain_taxonomy = permission(
    "taxonomy.maintain",
    Rule(lambda actor, obj: org_selectors.sees_everything(actor), name="sees_everything")
    | holds(R.ADMIN, R.SYSTEM, code=TaxonomyError.PERMISSION_DENIED, message="只有管理员可以{what}"),
)
