"""The admin pages: routing rules are maintained there, categories' time limits can be adjusted."""

from __future__ import annotations

from chengguan.core.audit import history
from chengguan.org.system import system_actor
from chengguan.taxonomy.models import Category, RoutingRule
from chengguan.taxonomy.routing import propose_handler
from chengguan.taxonomy.services import routing_rule_create

RULES_URL = "/admin/taxonomy/routingrule/"


def _rule_form(**values) -> dict:
    data = {name: "" for name in ("category", "major", "subdistrict", "community", "grid", "handler", "note")}
    data.update({"is_active": "on", "_save": "保存"})
    data.update({k: (v.pk if hasattr(v, "pk") else v) for k, v in values.items()})
    return data


def test_routing_rule_changelist_lists_rules_and_filters(admin_client, district, loaded):
    garbage = Category.objects.get(code="200102")
    routing_rule_create(
        actor=system_actor(), handler=district.squad_east, category=garbage, note="东片暴露垃圾"
    )
    routing_rule_create(actor=system_actor(), handler=district.department, is_active=False, note="旧规则")
    response = admin_client.get(RULES_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "东片暴露垃圾" in page and "东区中队" in page and "旧规则" in page
    active_only = admin_client.get(RULES_URL, {"is_active__exact": "1"}).content.decode()
    assert "东片暴露垃圾" in active_only and "旧规则" not in active_only


def test_admin_adds_a_rule_that_routing_then_uses(admin_client, admin_user, district, loaded):
    garbage = Category.objects.get(code="200102")
    assert admin_client.get(RULES_URL + "add/").status_code == 200
    response = admin_client.post(
        RULES_URL + "add/",
        _rule_form(
            category=garbage, subdistrict=district.street_a, handler=district.squad_east, note="甲街道垃圾"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RoutingRule.objects.get()
    assert (rule.category, rule.subdistrict, rule.handler) == (
        garbage,
        district.street_a,
        district.squad_east,
    )
    (event,) = history(rule)
    assert (event.action, event.actor_id) == ("taxonomy.routing_rule_created", admin_user.pk)
    assert propose_handler(category=garbage, grid=district.grid_a1) == district.squad_east


def test_admin_edit_goes_through_the_service(admin_client, admin_user, district, loaded):
    rule = routing_rule_create(actor=system_actor(), handler=district.department)
    response = admin_client.post(
        f"{RULES_URL}{rule.pk}/change/", _rule_form(handler=district.squad_west, use_grid_squad="on")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.handler, rule.use_grid_squad) == (district.squad_west, True)
    event = history(rule).last()
    assert event.action == "taxonomy.routing_rule_updated" and event.actor_id == admin_user.pk
    assert set(event.after) == {"handler", "use_grid_squad"}


def test_inconsistent_rule_is_shown_as_a_form_error(admin_client, district, loaded):
    response = admin_client.post(
        RULES_URL + "add/",
        _rule_form(
            subdistrict=district.street_a, community=district.community_b1, handler=district.department
        ),
    )
    assert response.status_code == 200
    assert "不属于街道" in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_rules_cannot_be_deleted_only_switched_off(admin_client, district, loaded):
    rule = routing_rule_create(actor=system_actor(), handler=district.department)
    assert admin_client.get(f"{RULES_URL}{rule.pk}/delete/").status_code == 403
    assert RoutingRule.objects.filter(pk=rule.pk).exists()


def test_category_changelist_filters_by_kind_and_searches(admin_client, loaded):
    url = "/admin/taxonomy/category/"
    events = admin_client.get(url, {"kind__exact": "event"}).content.decode()
    assert "暴露垃圾" in events and "上水井盖" not in events
    found = admin_client.get(url, {"q": "井盖"}).content.decode()
    assert "上水井盖" in found and "暴露垃圾" not in found
    assert admin_client.get("/admin/taxonomy/majorcategory/").status_code == 200
    assert admin_client.get("/admin/taxonomy/classification/").status_code == 200


def test_category_time_limit_edited_in_the_admin_is_audited(admin_client, admin_user, loaded):
    category = Category.objects.get(code="200501")
    response = admin_client.post(
        f"/admin/taxonomy/category/{category.pk}/change/",
        {
            "time_limit_amount": "1",
            "time_limit_unit": "working_hours",
            "filing_criteria": category.filing_criteria,
            "closing_criteria": "摊贩已劝离，现场无摊点",
            "_save": "保存",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    category.refresh_from_db()
    assert (category.time_limit_amount, category.locally_edited) == (1, True)
    assert category.closing_criteria == "摊贩已劝离，现场无摊点"
    event = history(category).last()
    assert (event.action, event.actor_id) == ("taxonomy.category_time_limit_updated", admin_user.pk)
