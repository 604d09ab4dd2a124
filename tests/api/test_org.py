"""Organisations and staff through the API: scope, filters, phone masking and its audit."""

from __future__ import annotations

from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode
from tests.api.conftest import assert_error
from tests.factories import staff


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def _staff_names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["full_name"] for row in response.json()["results"]}


# --- organisations ---------------------------------------------------------------------------


def test_squad_handler_sees_own_squad_only(district, client_for):
    api = client_for(district.handler1)
    assert _names(api.get("/api/v1/organisations/")) == {"第一执法中队"}
    assert_error(api.get(f"/api/v1/organisations/{district.squad2.pk}/"), 404, "not_found")
    assert_error(api.get(f"/api/v1/organisations/{district.bureau.pk}/"), 404, "not_found")


def test_leader_sees_whole_bureau_including_partners_but_not_other_bureaus(district, client_for):
    names = _names(client_for(district.leader).get("/api/v1/organisations/"))
    assert names == {
        "中原区城市管理局",
        "一号街道办事处",
        "二号街道办事处",
        "甲社区",
        "乙社区",
        "第一执法中队",
        "第二执法中队",
        "区公安分局",
    }
    assert "外区城市管理局" not in names


def test_organisation_fields(district, client_for):
    api = client_for(district.leader)
    body = api.get(f"/api/v1/organisations/{district.com1.pk}/").json()
    assert body["kind"] == "community"
    assert body["kind_name"] == "社区"
    assert body["parent"] == district.sub1.pk
    assert body["bureau"] == district.bureau.pk
    assert body["depth"] == 3
    assert body["path"] == district.com1.path
    partner = api.get(f"/api/v1/organisations/{district.partner.pk}/").json()
    assert partner["partner_type"] == "police"
    assert partner["partner_type_name"] == "公安"


def test_organisation_filters(district, client_for):
    api = client_for(district.leader)
    assert _names(api.get("/api/v1/organisations/", {"kind": "squad"})) == {"第一执法中队", "第二执法中队"}
    assert _names(api.get("/api/v1/organisations/", {"parent": district.sub2.pk})) == {"乙社区"}
    assert _names(api.get("/api/v1/organisations/", {"kind": "subdistrict", "code": "002"})) == {
        "二号街道办事处"
    }
    assert _names(api.get("/api/v1/organisations/", {"q": "公安"})) == {"区公安分局"}
    assert _names(api.get("/api/v1/organisations/", {"kind": "partner", "partner_type": "court"})) == set()


def test_organisation_filter_errors_are_field_errors(district, client_for):
    api = client_for(district.leader)
    body = assert_error(api.get("/api/v1/organisations/", {"kind": "planet"}), 400, "validation_failed")
    assert list(body["fields"]) == ["kind"]
    body = assert_error(api.get("/api/v1/organisations/", {"parent": "abc"}), 400, "filter.bad_id")
    assert list(body["fields"]) == ["parent"]


def test_members_of_the_public_see_no_organisations(district, client_for):
    citizen = staff(district.com1, RoleCode.CITIZEN, username="citizen")
    assert client_for(citizen).get("/api/v1/organisations/").json()["count"] == 0


def test_organisation_list_query_count(district, client_for, django_assert_max_num_queries):
    api = client_for(district.leader)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/organisations/")
    assert response.json()["count"] == 8


# --- staff -----------------------------------------------------------------------------------


def test_squad_handler_sees_own_squad_staff_only(district, client_for):
    colleague = staff(district.squad1, RoleCode.SQUAD_LEADER, username="sl1", full_name="周队长")
    api = client_for(district.handler1)
    assert _staff_names(api.get("/api/v1/staff/")) == {"张一", "周队长"}
    assert_error(api.get(f"/api/v1/staff/{district.handler2.pk}/"), 404, "not_found")
    assert api.get(f"/api/v1/staff/{colleague.pk}/").status_code == 200


def test_leader_sees_all_bureau_staff(district, client_for):
    names = _staff_names(client_for(district.leader).get("/api/v1/staff/"))
    assert names == {"张一", "李二", "王领导", "赵管理"}


def test_staff_fields_and_masked_phone_for_non_admin(district, client_for):
    district.handler2.party_member = True
    district.handler2.save(update_fields=["party_member"])
    body = client_for(district.leader).get(f"/api/v1/staff/{district.handler2.pk}/").json()
    assert body["username"] == "handler2"
    assert body["phone"] == "138****0002"
    assert body["phone_masked"] is True
    assert "cert_no" not in body  # the people app's registry holds certificates
    assert body["party_member"] is True
    assert body["roles"] == [{"code": "handler", "name": "处置人员"}]
    assert body["organisation"]["name"] == "第二执法中队"
    assert not AuditEvent.objects.filter(action="staff.phone_viewed").exists()


def test_leader_list_shows_masked_phones_and_writes_no_audit(district, client_for):
    rows = client_for(district.leader).get("/api/v1/staff/").json()["results"]
    assert {row["phone"] for row in rows} == {"138****0001", "138****0002", "138****0003", "138****0004"}
    assert not AuditEvent.objects.filter(action="staff.phone_viewed").exists()


def test_admin_sees_full_phone_and_each_view_is_audited(district, client_for):
    api = client_for(district.admin)
    body = api.get(f"/api/v1/staff/{district.handler1.pk}/").json()
    assert body["phone"] == "13800000001"
    assert body["phone_masked"] is False
    event = AuditEvent.objects.get(action="staff.phone_viewed")
    assert event.actor == district.admin.user
    assert (event.object_type, event.object_id) == ("org.staffprofile", str(district.handler1.pk))

    rows = api.get("/api/v1/staff/").json()["results"]
    assert {row["phone"] for row in rows} == {"13800000001", "13800000002", "13800000003", "13800000004"}
    viewed = AuditEvent.objects.filter(action="staff.phone_viewed").values_list("object_id", flat=True)
    assert sorted(viewed) == sorted(
        [str(district.handler1.pk)] + [str(row["id"]) for row in rows],
    )


def test_staff_filters(district, client_for):
    api = client_for(district.leader)
    assert _staff_names(api.get("/api/v1/staff/", {"organisation": district.squad2.pk})) == {"李二"}
    assert _staff_names(api.get("/api/v1/staff/", {"role": "admin"})) == {"赵管理"}
    assert _staff_names(api.get("/api/v1/staff/", {"q": "领导"})) == {"王领导"}
    assert _staff_names(api.get("/api/v1/staff/", {"q": "handler"})) == {"张一", "李二"}
    body = assert_error(api.get("/api/v1/staff/", {"role": "emperor"}), 400, "validation_failed")
    assert list(body["fields"]) == ["role"]


def test_staff_with_several_roles_is_listed_once(district, client_for):
    both = staff(district.squad1, RoleCode.HANDLER, RoleCode.INSPECTOR, username="both", full_name="双角色")
    rows = client_for(district.leader).get("/api/v1/staff/", {"q": "双角色"}).json()["results"]
    assert len(rows) == 1
    assert rows[0]["id"] == both.pk
    assert [role["code"] for role in rows[0]["roles"]] == ["handler", "inspector"]


def test_staff_list_query_count(district, client_for, django_assert_max_num_queries):
    for n in range(10):
        staff(district.squad1, RoleCode.HANDLER, RoleCode.INSPECTOR, username=f"extra{n}")
    api = client_for(district.leader)
    with django_assert_max_num_queries(9):
        response = api.get("/api/v1/staff/")
    assert response.json()["count"] == 14


def test_admin_staff_list_query_count_grows_only_by_the_audit_rows(
    district, client_for, django_assert_max_num_queries
):
    for n in range(10):
        staff(district.squad1, RoleCode.HANDLER, username=f"extra{n}")
    api = client_for(district.admin)
    # The list itself stays constant; each full phone shown adds one audit append (lock, insert, head),
    # and the very first append of the chain also creates its head row.
    with django_assert_max_num_queries(9 + 3 * 14 + 6):
        response = api.get("/api/v1/staff/")
    assert response.json()["count"] == 14
    assert AuditEvent.objects.filter(action="staff.phone_viewed").count() == 14
