"""The building blocks every app's permissions are made of: who holds which role, and whether an
object lies in the actor's bureau or unit. Apps compose them in their own `permissions.py`.

    from chengguan.org.permissions import holds, in_bureau
    may_file = permission("cases.file", holds(R.OPERATOR, R.SHIFT_LEADER, code=...) & in_bureau(...))
"""

from __future__ import annotations

from collections.abc import Callable

from chengguan.core.permissions import AllOf, AnyOf, Rule, permission
from chengguan.org import selectors
from chengguan.org.errors import AuthError, OrgError
from chengguan.org.roles import STAFF_ROLES, RoleCode
from chengguan.org.system import is_installation_system


def holds(
    *roles: str, code: str = "permission_denied", message: str = "您的角色不能执行「{action}」。"
) -> Rule:
    """The actor holds one of `roles` (a superuser holds none by virtue of being one)."""
    wanted = frozenset(str(r) for r in roles)

    def test(actor, obj) -> bool:
        return not selectors.role_codes(actor).isdisjoint(wanted)

    return Rule(test, code=code, message=message, name="holds:" + ",".join(sorted(wanted)))


def roles_named(rule: Rule) -> list[str]:
    """The role codes the `holds` rules inside `rule` name, in the order of `RoleCode` (for the
    documentation of who may take an action)."""
    if isinstance(rule, (AllOf, AnyOf)):
        found = {code for part in rule.rules for code in roles_named(part)}
    else:
        found = set(rule.name.removeprefix("holds:").split(",")) if rule.name.startswith("holds:") else set()
    return [code for code in RoleCode.values if code in found]


def is_staff(actor, obj=None) -> bool:
    """A member of bureau staff (not the public, a partner's contact or a system account)."""
    return not selectors.role_codes(actor).isdisjoint(STAFF_ROLES)


def staff(code: str = "permission_denied", message: str = "只有工作人员可以执行此操作。") -> Rule:
    return Rule(is_staff, code=code, message=message, name="staff")


def is_system_actor(actor, obj=None) -> bool:
    return RoleCode.SYSTEM in selectors.role_codes(actor) or is_installation_system(actor)


def same_bureau(actor, bureau_id: int | None) -> bool:
    """`actor` works in the bureau `bureau_id` (superusers and the installation's system account
    work in every bureau)."""
    if getattr(actor, "is_superuser", False) or is_installation_system(actor):
        return True
    bureau = selectors.bureau_of(actor)
    return bureau is not None and bureau_id is not None and bureau.pk == bureau_id


def in_bureau(
    bureau_id: Callable[[object], int | None],
    *,
    code: str = "out_of_scope",
    message: str = "不在您的管辖范围内。",
) -> Rule:
    """The object belongs to the actor's bureau; `bureau_id(obj)` reads it off the object."""
    return Rule(
        lambda actor, obj: same_bureau(actor, bureau_id(obj)), code=code, message=message, name="in_bureau"
    )


def in_unit(actor, unit) -> bool:
    """`actor`'s unit is `unit` or below it in the tree."""
    profile = selectors.profile_of(actor)
    if profile is None or unit is None:
        return False
    return profile.organisation.path.startswith(unit.path)


# -- the organisation tree and the staff register ----------------------------------------------------


def _administers(actor, bureau) -> bool:
    """A superuser or the installation's system account (any bureau, and new ones); an admin or the
    system account of `bureau` (its own bureau only)."""
    if not getattr(actor, "is_active", False):
        return False
    if getattr(actor, "is_superuser", False) or is_installation_system(actor):
        return True
    if bureau is None or not selectors.has_role(actor, RoleCode.ADMIN, RoleCode.SYSTEM):
        return False
    return same_bureau(actor, bureau.pk)


can_administer = permission(
    "org.administer",
    Rule(_administers, code=OrgError.ADMIN_REQUIRED, message="只有本局的管理员可以维护组织机构和人员。"),
)


def _may_manage_account(actor, user) -> bool:
    """Only a superuser or a system account may touch a superuser's account (no privilege escalation)."""
    return not user.is_superuser or getattr(actor, "is_superuser", False) or is_system_actor(actor)


can_manage_account = permission(
    "org.manage_account",
    Rule(
        _may_manage_account,
        code=OrgError.SUPERUSER_PROTECTED,
        message="只有超级管理员可以修改超级管理员账号。",
    ),
)


def holds_or_superuser(*roles: str) -> Rule:
    """Like `holds`, but an active superuser holds every role (the pages of the back office)."""
    return Rule(lambda actor, obj: selectors.has_role(actor, *roles), name="has_role:" + ",".join(roles))


# Who is told when a scheduled job fails (ops.scheduled), besides superusers.
ADMINISTRATORS = (RoleCode.ADMIN,)
# The back office (Django admin, the ops pages) and second-factor sign-in.
uses_admin_pages = permission("org.admin_pages", holds_or_superuser(RoleCode.ADMIN))
# 个人信息保护法: only administrators need colleagues' phone numbers in full (each view is audited).
can_see_staff_phones = permission("org.see_staff_phones", holds_or_superuser(RoleCode.ADMIN))
# The counts of the bureau on the home page: units, grids, staff by role.
sees_bureau_overview = permission("org.bureau_overview", holds_or_superuser(RoleCode.LEADER, RoleCode.ADMIN))
# A city installation: the city leader (市级领导) compares the bureaus of their city.
compares_bureaus = permission("org.compare_bureaus", holds_or_superuser(RoleCode.CITY_LEADER))


def gives_up_administration(before_roles, after_roles) -> bool:
    """A change of roles that takes the administrator role away (refused on one's own account, so a
    bureau never locks its last administrator out by accident)."""
    return RoleCode.ADMIN in before_roles and RoleCode.ADMIN not in after_roles


# A partner department's contact (协作部门联络员): not bureau staff; reaches only their own tasks.
is_partner_contact = permission("org.partner_contact", holds(RoleCode.PARTNER_CONTACT))


def _owns_or_administers(actor, device) -> bool:
    """A device token is revoked by its owner (signing out) or an administrator of the owner's bureau
    (a lost phone)."""
    if device is None:
        return False
    if device.user_id == getattr(actor, "pk", None):
        return True
    return _administers(actor, selectors.bureau_of(device.user))


can_revoke_device = permission(
    "org.revoke_device",
    Rule(
        _owns_or_administers,
        code=AuthError.DEVICE_NOT_YOURS,
        message="只能注销本人的设备，或由本局管理员注销。",
    ),
)

# The field app (外勤应用) is for bureau staff on the street; citizens report through the portal.
uses_field_app = permission("org.field_app", staff(message="只有工作人员可以使用外勤应用。"))
