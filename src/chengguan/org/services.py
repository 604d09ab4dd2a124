"""Writes to the organisation tree and the staff register.

Only a superuser, the installation's system account, or an admin (管理员) or the system account
of the bureau concerned may write here (`org.permissions.can_administer`). Each service validates
first, so a refused request changes nothing, and records one audit event in its own transaction.
The `check_*` functions hold the rules and also back the admin forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from chengguan.core import audit, phones
from chengguan.core.errors import ValidationFailed
from chengguan.core.i18n import source_labels, source_text
from chengguan.org.auth import clear_failures
from chengguan.org.errors import OrgError, PhoneError, StaffError
from chengguan.org.models import Organisation, OrgKind, PartnerType, Role, StaffProfile
from chengguan.org.permissions import can_administer, can_manage_account, gives_up_administration
from chengguan.org.roles import ALL_ROLES
from chengguan.org.selectors import forget_roles, profile_of
from chengguan.org.signals import staff_leaving

User = get_user_model()

# Where each kind of unit may hang in the tree. A bureau is a root (one installation may hold several).
ALLOWED_PARENTS: dict[str, frozenset[str | None]] = {
    OrgKind.CITY: frozenset({None}),
    OrgKind.BUREAU: frozenset({None, OrgKind.CITY}),
    OrgKind.SQUAD: frozenset({OrgKind.BUREAU, OrgKind.SQUAD}),
    OrgKind.DEPARTMENT: frozenset({OrgKind.BUREAU, OrgKind.DEPARTMENT}),
    OrgKind.SUBDISTRICT: frozenset({OrgKind.BUREAU}),
    OrgKind.COMMUNITY: frozenset({OrgKind.SUBDISTRICT}),
    OrgKind.PARTNER: frozenset({OrgKind.BUREAU}),
}
# Administrative code segments that make up unit grid codes (GB/T 30428.1: county 6 + street 3 +
# community 3 digits), so they must have exactly these lengths.
CODE_DIGITS: dict[str, tuple[int, str]] = {
    OrgKind.BUREAU: (6, "区县行政区划代码"),
    OrgKind.SUBDISTRICT: (3, "街道代码"),
    OrgKind.COMMUNITY: (3, "社区代码"),
}
ORG_EXTRA_FIELDS = frozenset(
    {"short_name", "contact_person", "contact_phone", "address", "is_active", "sort_order"}
)
ORG_UPDATABLE = ORG_EXTRA_FIELDS | {"name", "code", "partner_type", "parent"}
STAFF_UPDATABLE = frozenset(
    {"organisation", "roles", "full_name", "phone", "party_member", "title", "is_active"}
)


class Errors:
    """Collects field errors; `raise_if_any` turns them into one ValidationFailed whose code and
    message are those of the first problem (the others are in `fields`)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, field: str, code: str, message: str) -> None:
        self.items.append((field, code, message))

    def as_fields(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for field, _, message in self.items:
            out.setdefault(field, []).append(message)
        return out

    def raise_if_any(self) -> None:
        if self.items:
            _, code, message = self.items[0]
            raise ValidationFailed(message, code=code, fields=self.as_fields())


def normalise_phone(raw: str, *, allow_service_numbers: bool = False) -> str:
    """A mainland mobile (`13812345678`) or landline (`0371-12345678`) number, cleaned of spaces and
    the +86 prefix. Raises ValidationFailed otherwise. Units may also list hotlines (12319, 400-…)."""
    value = phones.normalise(raw, allow_service_numbers=allow_service_numbers)
    if value:
        return value
    raise ValidationFailed(
        "电话号码格式不正确：请填写11位手机号码或带区号的固定电话（如 0371-12345678）。",
        code=PhoneError.INVALID,
        fields={"phone": ["电话号码格式不正确。"]},
    )


# --- permission --------------------------------------------------------------------------------


def require_admin(actor, bureau: Organisation | None) -> None:
    """`actor` may maintain `bureau`'s units and staff (None: a new bureau) — `org.administer`."""
    can_administer.refuse(actor, bureau)


def _require_may_manage_user(actor, user) -> None:
    can_manage_account.refuse(actor, user)


# --- organisations -----------------------------------------------------------------------------


def check_organisation(
    *,
    kind: str,
    name: str,
    parent: Organisation | None,
    code: str,
    partner_type: str,
    contact_phone: str = "",
    instance: Organisation | None = None,
) -> Errors:
    """The rules for one organisation row; `instance` is the row being edited, if any."""
    errors = Errors()
    if kind not in OrgKind.values:
        errors.add("kind", OrgError.INVALID_KIND, f"未知的组织类型 {kind!r}。")
        return errors
    if not (name or "").strip():
        errors.add("name", OrgError.NAME_REQUIRED, "请填写组织名称。")
    parent_kind = parent.kind if parent is not None else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        label = source_text(OrgKind(kind).label)
        if kind == OrgKind.BUREAU:
            errors.add("parent", OrgError.INVALID_PARENT, "局的上级单位只能是市局（或没有上级单位）。")
        elif kind == OrgKind.CITY:
            errors.add("parent", OrgError.INVALID_PARENT, "市局是组织树的根，不能有上级单位。")
        elif kind == OrgKind.COMMUNITY:
            errors.add("parent", OrgError.INVALID_PARENT, "社区的上级单位必须是街道办事处。")
        else:
            allowed = "、".join(source_labels(OrgKind(k).label for k in sorted(ALLOWED_PARENTS[kind]) if k))
            errors.add("parent", OrgError.INVALID_PARENT, f"{label}的上级单位必须是：{allowed}。")
    if (
        instance is not None
        and parent is not None
        and instance.path
        and parent.path.startswith(instance.path)
    ):
        errors.add("parent", OrgError.PARENT_CYCLE, "不能把单位移到它自己或它的下级单位之下。")
    if kind in CODE_DIGITS:
        digits, label = CODE_DIGITS[kind]
        if not re.fullmatch(rf"\d{{{digits}}}", code or ""):
            errors.add("code", OrgError.INVALID_CODE, f"{label}须为 {digits} 位数字。")
    if code:
        clash = Organisation.objects.filter(parent=parent, kind=kind, code=code)
        if instance is not None and instance.pk:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            label = source_text(OrgKind(kind).label)
            errors.add("code", OrgError.CODE_TAKEN, f"同一上级单位下已有代码为 {code} 的{label}。")
    if kind == OrgKind.PARTNER:
        if partner_type not in PartnerType.values:
            errors.add(
                "partner_type", OrgError.PARTNER_TYPE_REQUIRED, "协作单位须选择单位类别（公安、法院等）。"
            )
    elif partner_type:
        errors.add("partner_type", OrgError.PARTNER_TYPE_NOT_ALLOWED, "只有协作单位才有单位类别。")
    if contact_phone:
        try:
            normalise_phone(contact_phone, allow_service_numbers=True)
        except ValidationFailed as exc:
            errors.add("contact_phone", exc.code, exc.message)
    return errors


def _org_snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "kind": org.kind,
        "name": org.name,
        "short_name": org.short_name,
        "code": org.code,
        "partner_type": org.partner_type,
        "parent": org.parent_id,
        "bureau": org.bureau_id,
        "path": org.path,
        "contact_person": org.contact_person,
        "contact_phone": org.contact_phone,
        "address": org.address,
        "is_active": org.is_active,
        "sort_order": org.sort_order,
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _reject_unknown(fields: Iterable[str], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"{what} does not take {', '.join(unknown)}")


def organisation_create(
    *,
    actor,
    kind: str,
    name: str,
    parent: Organisation | None = None,
    code: str = "",
    partner_type: str = "",
    **fields: Any,
) -> Organisation:
    """Add a unit to the tree; its `path` and `bureau` follow from `parent`."""
    _reject_unknown(fields, ORG_EXTRA_FIELDS, "organisation_create")
    with transaction.atomic():
        if parent is not None:
            parent = Organisation.objects.select_for_update().get(pk=parent.pk)
        require_admin(actor, parent.bureau if parent is not None else None)
        name, code = (name or "").strip(), (code or "").strip()
        errors = check_organisation(
            kind=kind,
            name=name,
            parent=parent,
            code=code,
            partner_type=partner_type,
            contact_phone=fields.get("contact_phone", ""),
        )
        if parent is not None and not parent.is_active:
            errors.add("parent", OrgError.PARENT_INACTIVE, "上级单位已停用。")
        errors.raise_if_any()
        if fields.get("contact_phone"):
            fields["contact_phone"] = normalise_phone(fields["contact_phone"], allow_service_numbers=True)
        org = Organisation.objects.create(
            kind=kind, name=name, parent=parent, code=code, partner_type=partner_type, **fields
        )
        org.path = (parent.path if parent is not None else "/") + f"{org.pk}/"
        org.bureau = org if kind == OrgKind.BUREAU else (parent.bureau if parent is not None else None)
        org.save(update_fields=["path", "bureau"])
        audit.record(actor=actor, action="organisation.create", obj=org, after=_org_snapshot(org))
    return org


def organisation_update(*, actor, organisation: Organisation, **fields: Any) -> Organisation:
    """Edit a unit. Moving it (a new `parent`) moves its whole subtree within the same bureau."""
    _reject_unknown(fields, ORG_UPDATABLE, "organisation_update")
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        require_admin(actor, org.bureau)
        before = _org_snapshot(org)
        parent = fields.get("parent", org.parent)
        if "parent" in fields and parent is not None:
            parent = Organisation.objects.select_for_update().get(pk=parent.pk)
        for field in ("name", "code", "short_name", "contact_person", "address"):
            if field in fields:
                fields[field] = (fields[field] or "").strip()
        new = {**before, **{k: v for k, v in fields.items() if k != "parent"}}
        errors = check_organisation(
            kind=org.kind,
            name=new["name"],
            parent=parent,
            code=new["code"],
            partner_type=new["partner_type"],
            contact_phone=new["contact_phone"] if "contact_phone" in fields else "",
            instance=org,
        )
        moved = (parent.pk if parent else None) != org.parent_id
        if moved and parent is not None and parent.bureau_id != org.bureau_id:
            errors.add("parent", OrgError.CROSS_BUREAU_MOVE, "不能把单位移到另一个局。")
        errors.raise_if_any()
        if fields.get("contact_phone"):
            fields["contact_phone"] = normalise_phone(fields["contact_phone"], allow_service_numbers=True)
        for field, value in fields.items():
            setattr(org, field, value)
        update_fields = sorted(set(fields) - {"parent"} | ({"parent"} if moved else set()))
        if moved:
            _move_subtree(org, parent)
            update_fields.append("path")
        if update_fields:
            org.save(update_fields=update_fields)
        before_c, after_c = _changes(before, _org_snapshot(org))
        if after_c:
            audit.record(actor=actor, action="organisation.update", obj=org, before=before_c, after=after_c)
    return org


def _move_subtree(org: Organisation, parent: Organisation) -> None:
    old_path = org.path
    new_path = parent.path + f"{org.pk}/"
    descendants = list(
        Organisation.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=org.pk)
    )
    for child in descendants:
        child.path = new_path + child.path[len(old_path) :]
    Organisation.objects.bulk_update(descendants, ["path"])
    org.parent = parent
    org.path = new_path


# --- staff -------------------------------------------------------------------------------------


def _password_errors(errors: Errors, password: str, user) -> None:
    if not password:
        errors.add("password", StaffError.PASSWORD_REQUIRED, "请设置密码。")
        return
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", StaffError.WEAK_PASSWORD, message)


def check_staff(
    *,
    organisation: Organisation | None,
    roles: Iterable[str],
    full_name: str,
    phone: str,
    instance: StaffProfile | None = None,
) -> Errors:
    """The rules for a staff profile; `instance` is the profile being edited, if any."""
    errors = Errors()
    if organisation is None:
        errors.add("organisation", StaffError.ORGANISATION_REQUIRED, "请选择所属单位。")
    elif not organisation.is_active and (instance is None or instance.organisation_id != organisation.pk):
        errors.add("organisation", StaffError.ORGANISATION_INACTIVE, "所属单位已停用。")
    unknown = sorted(set(roles) - set(ALL_ROLES))
    if unknown:
        errors.add("roles", StaffError.UNKNOWN_ROLE, f"未知的角色：{'、'.join(unknown)}。")
    if not (full_name or "").strip():
        errors.add("full_name", StaffError.NAME_REQUIRED, "请填写姓名。")
    if phone:
        try:
            normalise_phone(phone)
        except ValidationFailed as exc:
            errors.add("phone", exc.code, exc.message)
    return errors


def _staff_snapshot(profile: StaffProfile) -> dict[str, Any]:
    return {
        "username": profile.user.username,
        "organisation": profile.organisation_id,
        "roles": sorted(profile.roles.values_list("code", flat=True)),
        "full_name": profile.full_name,
        "phone": profile.phone,
        "party_member": profile.party_member,
        "title": profile.title,
        "is_active": profile.user.is_active,
    }


def _save_profile(profile: StaffProfile, **kwargs: Any) -> None:
    profile.save(**kwargs)


def staff_create(
    *,
    actor,
    username: str,
    password: str,
    organisation: Organisation,
    roles: Iterable[str],
    full_name: str,
    phone: str = "",
    party_member: bool = False,
    title: str = "",
) -> StaffProfile:
    """Open an account for a member of staff. The password is checked by AUTH_PASSWORD_VALIDATORS
    (length, mixed classes, not common) and never written to the audit trail."""
    roles = [str(r) for r in roles]
    username = (username or "").strip()
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        require_admin(actor, organisation.bureau)
        errors = Errors()
        if not username:
            errors.add("username", StaffError.USERNAME_REQUIRED, "请填写用户名。")
        else:
            try:
                User.username_validator(username)
            except ValidationError as exc:
                errors.add("username", StaffError.INVALID_USERNAME, exc.messages[0])
            if User.objects.filter(username__iexact=username).exists():
                errors.add("username", StaffError.USERNAME_TAKEN, f"用户名 {username} 已被使用。")
        errors.items += check_staff(
            organisation=organisation, roles=roles, full_name=full_name, phone=phone
        ).items
        _password_errors(errors, password, User(username=username))
        errors.raise_if_any()
        user = User(username=username)
        user.set_password(password)
        user.save()
        profile = StaffProfile(
            user=user,
            organisation=organisation,
            full_name=full_name.strip(),
            phone=normalise_phone(phone) if phone else "",
            party_member=party_member,
            title=(title or "").strip(),
        )
        _save_profile(profile, force_insert=True)
        profile.roles.set(Role.objects.filter(code__in=roles))
        audit.record(actor=actor, action="staff.create", obj=profile, after=_staff_snapshot(profile))
    return profile


def staff_update(*, actor, profile: StaffProfile, **fields: Any) -> StaffProfile:
    """Edit a member of staff: unit, roles, phone, title, or deactivate the account
    (`is_active=False`; accounts are never deleted because the audit trail refers to them)."""
    _reject_unknown(fields, STAFF_UPDATABLE, "staff_update")
    with transaction.atomic():
        locked = (
            StaffProfile.objects.select_for_update(of=("self",))
            .select_related("user", "organisation")
            .get(pk=profile.pk)
        )
        require_admin(actor, locked.organisation.bureau)
        _require_may_manage_user(actor, locked.user)
        target_org = fields.get("organisation", locked.organisation)
        if "organisation" in fields:
            target_org = Organisation.objects.select_for_update().get(pk=target_org.pk)
            require_admin(actor, target_org.bureau)
        before = _staff_snapshot(locked)
        if "roles" in fields:
            fields["roles"] = sorted({str(r) for r in fields["roles"]})
        errors = check_staff(
            organisation=target_org,
            roles=fields.get("roles", before["roles"]),
            full_name=fields.get("full_name", locked.full_name),
            phone=fields.get("phone", ""),
            instance=locked,
        )
        if actor.pk == locked.user_id:
            if fields.get("is_active") is False:
                errors.add("is_active", StaffError.SELF_LOCKOUT, "不能停用自己的账号。")
            if "roles" in fields and gives_up_administration(before["roles"], fields["roles"]):
                errors.add("roles", StaffError.SELF_LOCKOUT, "不能取消自己的管理员角色。")
        errors.raise_if_any()
        if fields.get("phone"):
            fields["phone"] = normalise_phone(fields["phone"])
        profile_fields = [f for f in fields if f not in {"roles", "is_active"}]
        for field in profile_fields:
            value = fields[field]
            setattr(locked, field, value.strip() if isinstance(value, str) else value)
        if profile_fields:
            _save_profile(locked, update_fields=profile_fields)
        if "is_active" in fields and locked.user.is_active != bool(fields["is_active"]):
            locked.user.is_active = bool(fields["is_active"])
            locked.user.save(update_fields=["is_active"])
        if "roles" in fields:
            locked.roles.set(Role.objects.filter(code__in=fields["roles"]))
            forget_roles(locked.user)
            forget_roles(profile.user)
        _announce_leaving(locked, before, target_org)
        before_c, after_c = _changes(before, _staff_snapshot(locked))
        if after_c:
            audit.record(actor=actor, action="staff.update", obj=locked, before=before_c, after=after_c)
    return locked


def _announce_leaving(profile: StaffProfile, before: dict[str, Any], target_org: Organisation) -> None:
    """Tell the apps above (org.signals) that the person left their bureau or that their account was
    closed: their enforcement certificates stop covering them (people)."""
    old = Organisation.objects.get(pk=before["organisation"])
    old_bureau = old.bureau or old
    new_bureau = target_org.bureau or target_org
    if old_bureau.pk != new_bureau.pk:
        staff_leaving.send(StaffProfile, profile=profile, reason="transfer", bureau=old_bureau)
    elif before["is_active"] and not profile.user.is_active:
        staff_leaving.send(StaffProfile, profile=profile, reason="deactivated", bureau=old_bureau)


def staff_set_password(*, actor, user, password: str) -> None:
    """Set a new password (an admin resetting it for a colleague). It also lifts a login lockout."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        profile = profile_of(user)
        require_admin(actor, profile.organisation.bureau if profile else None)
        _require_may_manage_user(actor, user)
        errors = Errors()
        _password_errors(errors, password, user)
        errors.raise_if_any()
        user.set_password(password)
        user.save(update_fields=["password"])
        clear_failures(user.get_username())
        audit.record(
            actor=actor,
            action="staff.set_password",
            obj=profile if profile is not None else user,
            after={"username": user.get_username(), "password": "changed"},
        )
