"""Writes to the organisation tree and staff: rules, scope and one audit event per change."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import authenticate, get_user_model

from chengguan.core import audit
from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org import services
from chengguan.org.auth import locked_until
from chengguan.org.models import LoginFailure, Organisation, OrgKind, PartnerType, StaffProfile
from chengguan.org.roles import ALL_ROLES, RoleCode
from chengguan.org.selectors import role_codes, subtree
from chengguan.org.system import system_actor
from tests import factories

User = get_user_model()
NON_ADMIN_ROLES = [r for r in ALL_ROLES if r != RoleCode.ADMIN]
GOOD_PASSWORD = "Xunluo#2026ok"


@pytest.fixture(autouse=True)
def _system_account(db):
    """The installation's system account exists before a test counts the rows it then acts on."""
    system_actor()


def _counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        StaffProfile.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def _new_staff(actor, tree, **overrides) -> StaffProfile:
    kwargs = dict(
        actor=actor,
        username="wangqiang",
        password=GOOD_PASSWORD,
        organisation=tree.squad,
        roles=[RoleCode.HANDLER],
        full_name="王强",
        phone="13912345678",
        party_member=True,
        title="队员",
    )
    kwargs.update(overrides)
    return services.staff_create(**kwargs)


# --- organisation_create ----------------------------------------------------------------------


@pytest.mark.django_db
def test_system_builds_a_bureau_tree_with_paths_and_bureau():
    bureau = services.organisation_create(
        actor=system_actor(), kind=OrgKind.BUREAU, name="中原区城市管理局", code="410102"
    )
    street = services.organisation_create(
        actor=system_actor(), kind=OrgKind.SUBDISTRICT, name="林山寨街道", parent=bureau, code="001"
    )
    community = services.organisation_create(
        actor=system_actor(),
        kind=OrgKind.COMMUNITY,
        name="工人新村社区",
        parent=street,
        code="002",
        address="建设路",
    )
    assert bureau.path == f"/{bureau.pk}/"
    assert street.path == f"/{bureau.pk}/{street.pk}/"
    assert community.path == f"/{bureau.pk}/{street.pk}/{community.pk}/"
    assert {bureau.bureau_id, street.bureau_id, community.bureau_id} == {bureau.pk}
    assert community.address == "建设路"
    assert list(AuditEvent.objects.values_list("action", "object_id")) == [
        ("organisation.create", str(bureau.pk)),
        ("organisation.create", str(street.pk)),
        ("organisation.create", str(community.pk)),
    ]
    assert AuditEvent.objects.last().after["code"] == "002"
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_admin_of_the_bureau_adds_a_unit_and_one_audit_event(tree, admin_user):
    before = AuditEvent.objects.count()
    partner = services.organisation_create(
        actor=admin_user,
        kind=OrgKind.PARTNER,
        name="中原公安分局",
        parent=tree.bureau,
        partner_type=PartnerType.POLICE,
    )
    assert partner.bureau == tree.bureau
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert (event.action, event.actor_id, event.object_id) == (
        "organisation.create",
        admin_user.pk,
        str(partner.pk),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_other_roles_cannot_add_units_and_nothing_changes(tree, role):
    actor = factories.staff(tree.bureau, role).user
    counts = _counts()
    with pytest.raises(PermissionDenied) as info:
        services.organisation_create(actor=actor, kind=OrgKind.SQUAD, name="第九中队", parent=tree.bureau)
    assert info.value.code == "org.admin_required"
    assert _counts() == counts


@pytest.mark.django_db
def test_an_admin_of_another_bureau_cannot_add_units_here(tree):
    stranger = factories.staff(tree.other_bureau, RoleCode.ADMIN).user
    counts = _counts()
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=stranger, kind=OrgKind.SQUAD, name="第九中队", parent=tree.bureau)
    assert _counts() == counts


@pytest.mark.django_db
def test_only_the_system_or_a_superuser_opens_a_new_bureau(tree, admin_user):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=admin_user, kind=OrgKind.BUREAU, name="二七区城市管理局", code="410103"
        )
    root = User.objects.create_superuser("root", password=GOOD_PASSWORD)
    created = services.organisation_create(
        actor=root, kind=OrgKind.BUREAU, name="二七区城市管理局", code="410103"
    )
    assert created.bureau == created


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "parent_attr", "code", "partner_type", "field", "error_code"),
    [
        (OrgKind.BUREAU, None, "41010", "", "code", "org.invalid_code"),
        (OrgKind.BUREAU, None, "41010A", "", "code", "org.invalid_code"),
        (OrgKind.BUREAU, None, "", "", "code", "org.invalid_code"),
        (OrgKind.BUREAU, "bureau", "410199", "", "parent", "org.invalid_parent"),
        (OrgKind.SUBDISTRICT, "bureau", "01", "", "code", "org.invalid_code"),
        (OrgKind.SUBDISTRICT, "subdistrict", "009", "", "parent", "org.invalid_parent"),
        (OrgKind.COMMUNITY, "subdistrict", "1234", "", "code", "org.invalid_code"),
        (OrgKind.COMMUNITY, "bureau", "009", "", "parent", "org.invalid_parent"),
        (OrgKind.COMMUNITY, "squad", "009", "", "parent", "org.invalid_parent"),
        (OrgKind.COMMUNITY, "subdistrict", "001", "", "code", "org.code_taken"),
        (OrgKind.SQUAD, None, "", "", "parent", "org.invalid_parent"),
        (OrgKind.PARTNER, "bureau", "", "", "partner_type", "org.partner_type_required"),
        (OrgKind.PARTNER, "bureau", "", "army", "partner_type", "org.partner_type_required"),
        (OrgKind.SQUAD, "bureau", "", PartnerType.COURT, "partner_type", "org.partner_type_not_allowed"),
        ("district", "bureau", "", "", "kind", "org.invalid_kind"),
    ],
)
def test_bad_units_are_refused_with_a_field_error_and_nothing_is_written(
    tree, kind, parent_attr, code, partner_type, field, error_code
):
    counts = _counts()
    parent = getattr(tree, parent_attr) if parent_attr else None
    with pytest.raises(ValidationFailed) as info:
        services.organisation_create(
            actor=system_actor(),
            kind=kind,
            name="新单位",
            parent=parent,
            code=code,
            partner_type=partner_type,
        )
    assert info.value.code == error_code
    assert field in info.value.fields
    assert info.value.message  # Chinese text for the user
    assert _counts() == counts


@pytest.mark.django_db
def test_a_blank_name_and_a_bad_contact_phone_are_both_reported(tree):
    with pytest.raises(ValidationFailed) as info:
        services.organisation_create(
            actor=system_actor(), kind=OrgKind.SQUAD, name="  ", parent=tree.bureau, contact_phone="12"
        )
    assert set(info.value.fields) == {"name", "contact_phone"}


@pytest.mark.django_db
def test_unit_hotlines_are_accepted_as_contact_phones(tree):
    squad = services.organisation_create(
        actor=system_actor(), kind=OrgKind.SQUAD, name="热线中队", parent=tree.bureau, contact_phone="12319"
    )
    assert squad.contact_phone == "12319"


@pytest.mark.django_db
def test_unknown_keyword_arguments_are_a_programming_error(tree):
    with pytest.raises(TypeError):
        services.organisation_create(
            actor=system_actor(), kind=OrgKind.SQUAD, name="x", parent=tree.bureau, colour="red"
        )


# --- organisation_update ----------------------------------------------------------------------


@pytest.mark.django_db
def test_renaming_a_unit_records_only_what_changed(tree, admin_user):
    before = AuditEvent.objects.count()
    updated = services.organisation_update(
        actor=admin_user,
        organisation=tree.squad,
        name="第一执法中队（建设路）",
        sort_order=tree.squad.sort_order,
    )
    assert Organisation.objects.get(pk=tree.squad.pk).name == "第一执法中队（建设路）"
    assert updated.name == "第一执法中队（建设路）"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert event.before == {"name": "第一执法中队"}
    assert event.after == {"name": "第一执法中队（建设路）"}


@pytest.mark.django_db
def test_an_update_that_changes_nothing_writes_no_audit_event(tree, admin_user):
    before = AuditEvent.objects.count()
    services.organisation_update(actor=admin_user, organisation=tree.squad, name=tree.squad.name)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_moving_a_unit_moves_its_subtree(tree, admin_user):
    other_squad = factories.squad(tree.bureau, name="第二执法中队")
    services.organisation_update(actor=admin_user, organisation=tree.sub_squad, parent=other_squad)
    moved = Organisation.objects.get(pk=tree.sub_squad.pk)
    assert moved.parent == other_squad
    assert moved.path == f"{other_squad.path}{moved.pk}/"
    assert set(subtree(other_squad)) == {other_squad, moved}
    assert set(subtree(tree.squad)) == {tree.squad}


@pytest.mark.django_db
def test_moving_a_department_with_children_rewrites_every_descendant_path(tree, admin_user):
    legal = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=tree.bureau, name="法制科")
    office = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=tree.bureau, name="办公室")
    review = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=legal, name="审核组")
    archive = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=review, name="档案室")
    services.organisation_update(actor=admin_user, organisation=legal, parent=office)
    legal, review, archive = (Organisation.objects.get(pk=o.pk) for o in (legal, review, archive))
    assert archive.path == f"{office.path}{legal.pk}/{review.pk}/{archive.pk}/"
    assert set(subtree(office)) == {office, legal, review, archive}


@pytest.mark.django_db
def test_a_unit_cannot_move_below_itself(tree, admin_user):
    with pytest.raises(ValidationFailed) as info:
        services.organisation_update(actor=admin_user, organisation=tree.squad, parent=tree.sub_squad)
    assert info.value.code == "org.parent_cycle"
    assert Organisation.objects.get(pk=tree.squad.pk).parent == tree.bureau


@pytest.mark.django_db
def test_a_unit_cannot_move_to_another_bureau(tree):
    counts = _counts()
    with pytest.raises(ValidationFailed) as info:
        services.organisation_update(
            actor=system_actor(), organisation=tree.sub_squad, parent=tree.other_squad
        )
    assert info.value.code == "org.cross_bureau_move"
    assert _counts() == counts


@pytest.mark.django_db
def test_a_community_code_must_stay_three_digits(tree, admin_user):
    with pytest.raises(ValidationFailed) as info:
        services.organisation_update(actor=admin_user, organisation=tree.community, code="12")
    assert info.value.fields == {"code": ["社区代码须为 3 位数字。"]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_other_roles_cannot_edit_units(tree, role):
    actor = factories.staff(tree.squad, role).user
    counts = _counts()
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=actor, organisation=tree.squad, name="改名")
    assert Organisation.objects.get(pk=tree.squad.pk).name == "第一执法中队"
    assert _counts() == counts


# --- staff_create -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_opens_an_account_that_can_log_in(tree, admin_user):
    before = AuditEvent.objects.count()
    profile = _new_staff(admin_user, tree, roles=[RoleCode.HANDLER, RoleCode.SQUAD_LEADER])
    assert profile.organisation == tree.squad
    assert role_codes(profile.user) == {"handler", "squad_leader"}
    assert authenticate(username="wangqiang", password=GOOD_PASSWORD) == profile.user
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert (event.action, event.object_type, event.object_id) == (
        "staff.create",
        "org.staffprofile",
        str(profile.pk),
    )
    assert event.after["roles"] == ["handler", "squad_leader"]


@pytest.mark.django_db
def test_the_password_never_reaches_the_audit_trail(tree, admin_user):
    profile = _new_staff(admin_user, tree)
    services.staff_set_password(actor=admin_user, user=profile.user, password="Anders#2027xy")
    dumped = json.dumps(list(AuditEvent.objects.values("before", "after")), ensure_ascii=False)
    profile.user.refresh_from_db()
    assert GOOD_PASSWORD not in dumped
    assert "Anders#2027xy" not in dumped
    assert profile.user.password not in dumped


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["wangqiang", "WangQiang"])
def test_a_taken_username_is_refused(tree, admin_user, username):
    _new_staff(admin_user, tree)
    with pytest.raises(ValidationFailed) as info:
        _new_staff(admin_user, tree, username=username)
    assert info.value.code == "staff.username_taken"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0371-66881234", "0371-66881234"),
        ("037166881234", "037166881234"),
        ("010-62751234", "010-62751234"),
        ("0371-66881234-802", "0371-66881234-802"),
        ("", ""),
    ],
)
def test_mainland_mobile_and_landline_numbers_are_accepted(tree, phone, stored):
    assert _new_staff(system_actor(), tree, phone=phone).phone == stored


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "1391234567", "23912345678", "139123456789", "0371-123", "phone"])
def test_other_phone_numbers_are_refused(tree, phone):
    counts = _counts()
    with pytest.raises(ValidationFailed) as info:
        _new_staff(system_actor(), tree, phone=phone)
    assert info.value.code == "phone.invalid"
    assert "电话号码格式不正确" in info.value.message
    assert _counts() == counts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!x", "密码太短，至少需要 10 个字符。"),
        ("qwzxkvbnmplo", "密码须包含小写字母、大写字母、数字、符号中的至少 3 类。"),
        ("Password1234", "这个密码太常见了。"),
        ("", "请设置密码。"),
    ],
)
def test_weak_passwords_are_refused_with_chinese_messages(tree, password, message):
    counts = _counts()
    with pytest.raises(ValidationFailed) as info:
        _new_staff(system_actor(), tree, password=password)
    assert message in info.value.fields["password"]
    assert _counts() == counts


@pytest.mark.django_db
def test_the_demo_password_is_strong_enough(tree):
    profile = _new_staff(system_actor(), tree, password=factories.DEMO_PASSWORD)
    assert profile.user.check_password(factories.DEMO_PASSWORD)


@pytest.mark.django_db
def test_unknown_roles_are_refused(tree):
    with pytest.raises(ValidationFailed) as info:
        _new_staff(system_actor(), tree, roles=["handler", "mayor"])
    assert info.value.code == "staff.unknown_role"
    assert not User.objects.filter(username="wangqiang").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_other_roles_cannot_open_accounts(tree, role):
    actor = factories.staff(tree.bureau, role).user
    counts = _counts()
    with pytest.raises(PermissionDenied):
        _new_staff(actor, tree)
    assert _counts() == counts


@pytest.mark.django_db
def test_an_admin_cannot_open_accounts_in_another_bureau(tree, admin_user):
    counts = _counts()
    with pytest.raises(PermissionDenied):
        _new_staff(admin_user, tree, organisation=tree.other_squad)
    assert _counts() == counts


@pytest.mark.django_db
def test_a_deactivated_admin_can_do_nothing(tree, admin_user):
    admin_user.is_active = False
    admin_user.save()
    with pytest.raises(PermissionDenied):
        _new_staff(admin_user, tree)


# --- staff_update -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_moves_a_colleague_and_changes_roles_with_one_audit_event(tree, admin_user):
    profile = _new_staff(system_actor(), tree)
    before = AuditEvent.objects.count()
    services.staff_update(
        actor=admin_user,
        profile=profile,
        organisation=tree.community,
        roles=[RoleCode.INSPECTOR],
        phone="0371 6688 1234",
        title="网格监督员",
        party_member=True,
    )
    profile = StaffProfile.objects.get(pk=profile.pk)
    assert profile.organisation == tree.community
    assert role_codes(User.objects.get(pk=profile.user_id)) == {"inspector"}
    assert profile.phone == "037166881234"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert event.action == "staff.update"
    assert event.before == {
        "organisation": tree.squad.pk,
        "roles": ["handler"],
        "phone": "13912345678",
        "title": "队员",
    }
    assert event.after["roles"] == ["inspector"]
    assert "party_member" not in event.after


@pytest.mark.django_db
def test_deactivating_an_account_stops_its_logins(tree, admin_user):
    profile = _new_staff(system_actor(), tree)
    services.staff_update(actor=admin_user, profile=profile, is_active=False)
    assert authenticate(username="wangqiang", password=GOOD_PASSWORD) is None
    assert AuditEvent.objects.last().after == {"is_active": False}


@pytest.mark.django_db
def test_an_admin_cannot_lock_themselves_out(tree, admin_profile, admin_user):
    with pytest.raises(ValidationFailed) as info:
        services.staff_update(actor=admin_user, profile=admin_profile, roles=[RoleCode.LEADER])
    assert info.value.code == "staff.self_lockout"
    with pytest.raises(ValidationFailed):
        services.staff_update(actor=admin_user, profile=admin_profile, is_active=False)
    assert role_codes(User.objects.get(pk=admin_user.pk)) == {"admin"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_other_roles_cannot_edit_staff(tree, role):
    profile = _new_staff(system_actor(), tree)
    actor = factories.staff(tree.squad, role).user
    counts = _counts()
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=actor, profile=profile, roles=[RoleCode.ADMIN])
    assert role_codes(User.objects.get(pk=profile.user_id)) == {"handler"}
    assert _counts() == counts


@pytest.mark.django_db
def test_an_admin_cannot_move_staff_into_another_bureau(tree, admin_user):
    profile = _new_staff(system_actor(), tree)
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=admin_user, profile=profile, organisation=tree.other_squad)
    assert StaffProfile.objects.get(pk=profile.pk).organisation == tree.squad


# --- staff_set_password -----------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_resets_a_password_and_lifts_the_lockout(tree, admin_user):
    profile = _new_staff(system_actor(), tree)
    for _ in range(5):
        authenticate(username="wangqiang", password="wrong")
    assert locked_until("wangqiang") is not None
    before = AuditEvent.objects.count()
    services.staff_set_password(actor=admin_user, user=profile.user, password="Anders#2027xy")
    assert locked_until("wangqiang") is None
    assert not LoginFailure.objects.filter(username="wangqiang").exists()
    assert authenticate(username="wangqiang", password=GOOD_PASSWORD) is None
    assert authenticate(username="wangqiang", password="Anders#2027xy") == profile.user
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().action == "staff.set_password"


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_and_the_old_one_still_works(tree, admin_user):
    profile = _new_staff(system_actor(), tree)
    with pytest.raises(ValidationFailed) as info:
        services.staff_set_password(actor=admin_user, user=profile.user, password="wangqiang1!")
    assert "password" in info.value.fields
    assert authenticate(username="wangqiang", password=GOOD_PASSWORD) == profile.user


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_other_roles_cannot_set_passwords(tree, role):
    profile = _new_staff(system_actor(), tree)
    actor = factories.staff(tree.squad, role).user
    counts = _counts()
    with pytest.raises(PermissionDenied):
        services.staff_set_password(actor=actor, user=profile.user, password="Anders#2027xy")
    assert authenticate(username="wangqiang", password=GOOD_PASSWORD) == profile.user
    assert _counts() == counts


@pytest.mark.django_db
def test_an_admin_cannot_take_over_a_superuser(tree, admin_user):
    root = User.objects.create_superuser("root", password=GOOD_PASSWORD)
    StaffProfile.objects.create(user=root, organisation=tree.bureau, full_name="系统")
    with pytest.raises(PermissionDenied) as info:
        services.staff_set_password(actor=admin_user, user=root, password="Anders#2027xy")
    assert info.value.code == "org.superuser_protected"
    assert authenticate(username="root", password=GOOD_PASSWORD) == root


@pytest.mark.django_db
def test_the_system_sets_passwords_of_accounts_without_a_profile():
    user = User.objects.create_user("operator_cli", password=GOOD_PASSWORD)
    services.staff_set_password(actor=system_actor(), user=user, password="Anders#2027xy")
    assert authenticate(username="operator_cli", password="Anders#2027xy") == user
    assert AuditEvent.objects.last().object_type == "auth.user"
