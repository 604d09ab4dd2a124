"""The roles of ARCHITECTURE.md, declared once. Permission checks name these codes."""

from __future__ import annotations

from django.db import models


class RoleCode(models.TextChoices):
    INSPECTOR = "inspector", "监督员"
    OPERATOR = "operator", "受理员"
    SHIFT_LEADER = "shift_leader", "值班长"
    DISPATCHER = "dispatcher", "派遣员"
    HANDLER = "handler", "处置人员"
    SQUAD_LEADER = "squad_leader", "中队长"
    LEGAL_REVIEWER = "legal_reviewer", "法制员"
    LEADER = "leader", "领导"
    ADMIN = "admin", "管理员"
    DEPUTY = "deputy", "人大代表"
    CITIZEN = "citizen", "市民"
    MERCHANT = "merchant", "商户"


ALL_ROLES: tuple[str, ...] = tuple(RoleCode.values)
# Roles whose scope is the whole bureau rather than their own unit.
BUREAU_WIDE_ROLES = frozenset({RoleCode.LEADER, RoleCode.ADMIN})
# Roles held by bureau staff (as opposed to the public).
STAFF_ROLES = frozenset(ALL_ROLES) - {RoleCode.CITIZEN, RoleCode.MERCHANT, RoleCode.DEPUTY}
