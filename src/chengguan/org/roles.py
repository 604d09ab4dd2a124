"""The roles of ARCHITECTURE.md, declared once. Permission checks name these codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    INSPECTOR = "inspector", _("监督员")
    OPERATOR = "operator", _("受理员")
    SHIFT_LEADER = "shift_leader", _("值班长")
    DISPATCHER = "dispatcher", _("派遣员")
    HANDLER = "handler", _("处置人员")
    SQUAD_LEADER = "squad_leader", _("中队长")
    LEGAL_REVIEWER = "legal_reviewer", _("法制员")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("管理员")
    DEPUTY = "deputy", _("人大代表")
    CITIZEN = "citizen", _("市民")
    MERCHANT = "merchant", _("商户")
    # The second wave (ARCHITECTURE.md, Roles).
    FORCE_INSPECTOR = "force_inspector", _("督察")
    PERSONNEL = "personnel", _("政工人事")
    PARTNER_CONTACT = "partner_contact", _("协作部门联络员")
    CITY_LEADER = "city_leader", _("市级领导")
    # The account imports, scheduled jobs and the demo act as (org.system): audited like anyone.
    SYSTEM = "system", _("系统")


ALL_ROLES: tuple[str, ...] = tuple(RoleCode.values)
# Roles whose scope is the whole bureau rather than their own unit.
BUREAU_WIDE_ROLES = frozenset({RoleCode.LEADER, RoleCode.ADMIN, RoleCode.SYSTEM})
# Roles held by bureau staff: not the public, not a partner department's contact, not the system.
STAFF_ROLES = frozenset(ALL_ROLES) - {
    RoleCode.CITIZEN,
    RoleCode.MERCHANT,
    RoleCode.DEPUTY,
    RoleCode.PARTNER_CONTACT,
    RoleCode.SYSTEM,
}
