"""Who sees which organisations and staff: own unit and below; leaders and admins their bureau."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from chengguan.org.roles import RoleCode
from chengguan.org.selectors import (
    bureau_of,
    has_role,
    profile_of,
    role_codes,
    subtree,
    visible_organisations,
    visible_staff,
)
from chengguan.org.system import system_actor
from tests import factories

User = get_user_model()


@pytest.mark.django_db
def test_role_codes_and_has_role(tree):
    user = factories.staff(tree.squad, RoleCode.HANDLER, RoleCode.SQUAD_LEADER).user
    assert role_codes(user) == frozenset({"handler", "squad_leader"})
    assert has_role(user, RoleCode.SQUAD_LEADER)
    assert has_role(user, RoleCode.ADMIN, RoleCode.HANDLER)
    assert not has_role(user, RoleCode.ADMIN)
    assert not has_role(user)


@pytest.mark.django_db
def test_people_without_a_profile_or_login_hold_no_roles(tree):
    plain = User.objects.create_user("plain")
    assert role_codes(plain) == frozenset()
    assert role_codes(AnonymousUser()) == frozenset()
    assert role_codes(None) == frozenset()
    assert not has_role(AnonymousUser(), RoleCode.CITIZEN)
    assert profile_of(plain) is None
    assert profile_of(AnonymousUser()) is None
    assert bureau_of(plain) is None


@pytest.mark.django_db
def test_a_deactivated_account_holds_no_roles(tree):
    user = factories.staff(tree.squad, RoleCode.LEADER).user
    user.is_active = False
    user.save()
    assert not has_role(user, RoleCode.LEADER)
    assert not visible_organisations(user).exists()


@pytest.mark.django_db
def test_a_superuser_passes_every_role_check():
    root = User.objects.create_superuser("root")
    assert has_role(root, RoleCode.LEGAL_REVIEWER)


@pytest.mark.django_db
def test_profile_and_bureau_of_a_community_worker(tree):
    profile = factories.staff(tree.community, RoleCode.HANDLER)
    assert profile_of(profile.user) == profile
    assert bureau_of(profile.user) == tree.bureau


@pytest.mark.django_db
def test_subtree_is_the_unit_and_everything_below(tree):
    assert set(subtree(tree.bureau)) == {
        tree.bureau,
        tree.squad,
        tree.sub_squad,
        tree.subdistrict,
        tree.community,
    }
    assert set(subtree(tree.squad)) == {tree.squad, tree.sub_squad}
    assert set(subtree(tree.community)) == {tree.community}


@pytest.mark.django_db
def test_subtree_does_not_confuse_ids_sharing_a_prefix(tree):
    """Unit 12's path must not match a LIKE on unit 1's path."""
    first = factories.OrganisationFactory(id=7_000_001, kind="squad", parent=tree.bureau, name="中队甲")
    clash = factories.OrganisationFactory(id=70_000_011, kind="squad", parent=tree.bureau, name="中队乙")
    child = factories.squad(clash, name="下级")
    assert set(subtree(first)) == {first}
    assert set(subtree(clash)) == {clash, child}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        RoleCode.HANDLER,
        RoleCode.INSPECTOR,
        RoleCode.SQUAD_LEADER,
        RoleCode.DISPATCHER,
        RoleCode.LEGAL_REVIEWER,
    ],
)
def test_unit_staff_see_their_unit_and_below(tree, role):
    user = factories.staff(tree.squad, role).user
    assert set(visible_organisations(user)) == {tree.squad, tree.sub_squad}


@pytest.mark.django_db
def test_a_sub_district_worker_sees_its_communities(tree):
    user = factories.staff(tree.subdistrict, RoleCode.HANDLER).user
    assert set(visible_organisations(user)) == {tree.subdistrict, tree.community}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [RoleCode.LEADER, RoleCode.ADMIN])
def test_leaders_and_admins_see_their_whole_bureau_and_no_other(tree, role):
    user = factories.staff(tree.squad, role).user
    assert set(visible_organisations(user)) == {
        tree.bureau,
        tree.squad,
        tree.sub_squad,
        tree.subdistrict,
        tree.community,
    }


@pytest.mark.django_db
def test_superuser_and_system_see_every_bureau(tree):
    root = User.objects.create_superuser("root")
    everything = {tree.bureau, tree.squad, tree.sub_squad, tree.subdistrict, tree.community}
    everything |= {tree.other_bureau, tree.other_squad}
    assert set(visible_organisations(root)) == everything
    assert set(visible_organisations(system_actor())) == everything
    assert set(visible_organisations(None)) == set()  # no account is nobody, not the system
    own = {tree.bureau, tree.squad, tree.sub_squad, tree.subdistrict, tree.community}
    assert set(visible_organisations(system_actor(tree.bureau))) == own


@pytest.mark.django_db
@pytest.mark.parametrize("role", [RoleCode.CITIZEN, RoleCode.MERCHANT, RoleCode.DEPUTY])
def test_members_of_the_public_see_no_staff_lists(tree, role):
    user = factories.staff(tree.community, role).user
    factories.staff(tree.community, RoleCode.HANDLER)
    assert not visible_organisations(user).exists()
    assert not visible_staff(user).exists()


@pytest.mark.django_db
def test_anonymous_visitors_see_nothing(tree):
    assert not visible_organisations(AnonymousUser()).exists()
    assert not visible_staff(AnonymousUser()).exists()


@pytest.mark.django_db
def test_visible_staff_follows_the_visible_units(tree):
    squad_member = factories.staff(tree.squad, RoleCode.HANDLER)
    sub_member = factories.staff(tree.sub_squad, RoleCode.HANDLER)
    street_member = factories.staff(tree.subdistrict, RoleCode.HANDLER)
    stranger = factories.staff(tree.other_squad, RoleCode.HANDLER)
    leader = factories.staff(tree.bureau, RoleCode.LEADER)
    assert set(visible_staff(squad_member.user)) == {squad_member, sub_member}
    assert set(visible_staff(sub_member.user)) == {sub_member}
    assert set(visible_staff(leader.user)) == {squad_member, sub_member, street_member, leader}
    assert stranger not in visible_staff(leader.user)


@pytest.mark.django_db
def test_visible_staff_loads_a_list_in_a_fixed_number_of_queries(tree, django_assert_max_num_queries):
    leader = factories.staff(tree.bureau, RoleCode.LEADER)
    for _ in range(10):
        factories.staff(tree.squad, RoleCode.HANDLER, RoleCode.INSPECTOR)
    role_codes(leader.user)
    profile_of(leader.user).organisation  # noqa: B018 - warm the profile cache like a request would
    with django_assert_max_num_queries(3):
        rows = [
            (p.user.username, p.organisation.name, [r.code for r in p.roles.all()])
            for p in visible_staff(leader.user)
        ]
    assert len(rows) == 11
