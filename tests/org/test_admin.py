"""The back office writes through the services: same rules, same scope, same audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.urls import reverse

from chengguan.core import audit
from chengguan.core.models import AuditEvent
from chengguan.org.auth import locked_until
from chengguan.org.models import LoginFailure, Organisation, OrgKind, Role, StaffProfile
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from tests import factories

User = get_user_model()


@pytest.fixture
def root_client(client, db):
    root = User.objects.create_superuser("root", password=factories.DEMO_PASSWORD)
    client.force_login(root)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    User.objects.filter(pk=admin_user.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=admin_user.pk))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:org_organisation_changelist",
        "admin:org_organisation_add",
        "admin:org_staffprofile_changelist",
        "admin:org_staffprofile_add",
        "admin:org_role_changelist",
        "admin:org_loginfailure_changelist",
        "admin:core_auditevent_changelist",
    ],
)
def test_back_office_pages_open(tree, root_client, url_name):
    factories.staff(tree.squad, RoleCode.HANDLER)
    with transaction.atomic():
        audit.record(actor=system_actor(), action="thing.create", obj=("test.thing", 1))
    assert root_client.get(reverse(url_name)).status_code == 200


@pytest.mark.django_db
def test_audit_events_can_be_viewed_but_not_added_changed_or_deleted(root_client):
    with transaction.atomic():
        event = audit.record(actor=system_actor(), action="thing.create", obj=("test.thing", 1))
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    assert root_client.get(change_url).status_code == 200
    root_client.post(change_url, {"action": "thing.delete"})
    assert root_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert (
        root_client.post(
            reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.create"
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_adding_a_community_in_the_admin_goes_through_the_service(tree, root_client):
    before = AuditEvent.objects.count()
    response = root_client.post(
        reverse("admin:org_organisation_add"),
        {
            "kind": OrgKind.COMMUNITY,
            "name": "绿东村社区",
            "code": "007",
            "parent": tree.subdistrict.pk,
            "sort_order": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Organisation.objects.get(name="绿东村社区")
    assert created.path == f"{tree.subdistrict.path}{created.pk}/"
    assert created.bureau == tree.bureau
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.django_db
def test_a_bad_unit_shows_the_rule_on_the_form_and_saves_nothing(tree, root_client):
    count = Organisation.objects.count()
    response = root_client.post(
        reverse("admin:org_organisation_add"),
        {
            "kind": OrgKind.COMMUNITY,
            "name": "错误社区",
            "code": "7",
            "parent": tree.bureau.pk,
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "社区代码须为 3 位数字。" in page
    assert "社区的上级单位必须是街道办事处。" in page
    assert Organisation.objects.count() == count


@pytest.mark.django_db
def test_a_bureau_admin_sees_only_their_bureau(tree, admin_client):
    page = admin_client.get(reverse("admin:org_organisation_changelist")).content.decode()
    assert tree.squad.name in page
    assert tree.other_squad.name not in page
    other = reverse("admin:org_organisation_change", args=[tree.other_squad.pk])
    assert admin_client.get(other).status_code == 302  # "does not exist" → back to the list


@pytest.mark.django_db
def test_a_bureau_admin_renames_a_unit(tree, admin_client):
    url = reverse("admin:org_organisation_change", args=[tree.squad.pk])
    response = admin_client.post(
        url, {"name": "第一中队", "parent": tree.bureau.pk, "sort_order": 0, "is_active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get(pk=tree.squad.pk).name == "第一中队"
    event = AuditEvent.objects.last()
    assert (event.action, event.after) == ("organisation.update", {"name": "第一中队"})


@pytest.mark.django_db
def test_opening_an_account_in_the_admin(tree, admin_client):
    handler = Role.objects.get(code=RoleCode.HANDLER)
    response = admin_client.post(
        reverse("admin:org_staffprofile_add"),
        {
            "username": "liming",
            "password": "Xunluo#2026ok",
            "organisation": tree.squad.pk,
            "roles": [handler.pk],
            "full_name": "李明",
            "phone": "13700001111",
            "title": "队员",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = StaffProfile.objects.get(user__username="liming")
    assert [r.code for r in profile.roles.all()] == ["handler"]
    assert authenticate(username="liming", password="Xunluo#2026ok") == profile.user
    assert AuditEvent.objects.last().action == "staff.create"


@pytest.mark.django_db
def test_staff_of_other_roles_cannot_use_the_org_admin(tree, client):
    user = factories.staff(tree.squad, RoleCode.SQUAD_LEADER).user
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get(reverse("admin:org_organisation_changelist")).status_code == 403
    assert client.get(reverse("admin:org_staffprofile_add")).status_code == 403


@pytest.mark.django_db
def test_deleting_a_login_failure_unlocks_the_account_and_is_audited(tree, admin_client):
    factories.staff(tree.squad, RoleCode.INSPECTOR, username="inspector")
    for _ in range(5):
        authenticate(username="inspector", password="wrong")
    row = LoginFailure.objects.get(username="inspector", scope="pair")
    response = admin_client.post(reverse("admin:org_loginfailure_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert locked_until("inspector") is None
    assert AuditEvent.objects.last().action == "auth.unlock"
    assert authenticate(username="inspector", password=factories.DEMO_PASSWORD) is not None
