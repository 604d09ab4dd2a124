"""Routing-rule and time-limit services: who may write, what is refused, what is audited."""

from __future__ import annotations

import pytest

from chengguan.core.audit import history
from chengguan.core.errors import PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.taxonomy.models import Category, RoutingRule
from chengguan.taxonomy.services import category_time_limit_update, routing_rule_create, routing_rule_update
from tests import factories


@pytest.mark.parametrize("role", [RoleCode.DISPATCHER, RoleCode.LEADER, RoleCode.HANDLER, RoleCode.OPERATOR])
def test_only_admins_write_routing_rules(district, loaded, role):
    user = factories.staff(district.bureau, role).user
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as excinfo:
        routing_rule_create(actor=user, handler=district.department)
    assert excinfo.value.code == "taxonomy.permission_denied"
    assert not RoutingRule.objects.exists()
    assert AuditEvent.objects.count() == events


def test_admin_creates_a_rule_with_one_audit_event(district, loaded):
    admin = factories.staff(district.bureau, RoleCode.ADMIN).user
    garbage = Category.objects.get(code="200102")
    rule = routing_rule_create(
        actor=admin,
        handler=district.squad_east,
        category=garbage,
        subdistrict=district.street_a,
        note="  东片  ",
    )
    assert rule.note == "东片"
    (event,) = history(rule)
    assert event.action == "taxonomy.routing_rule_created"
    assert event.actor_id == admin.pk
    assert event.after["handler"] == district.squad_east.pk
    assert event.after["category"] == garbage.pk


def test_admin_of_another_bureau_cannot_route_to_our_units(district, loaded):
    other_bureau = factories.bureau(name="二七区城市管理局", code="410103")
    outsider = factories.staff(other_bureau, RoleCode.ADMIN).user
    with pytest.raises(ValidationFailed) as excinfo:
        routing_rule_create(actor=outsider, handler=district.department)
    assert "handler" in excinfo.value.fields
    assert not RoutingRule.objects.exists()


@pytest.mark.parametrize(
    ("scope", "field"),
    [
        (lambda d: {"community": d.community_b1, "subdistrict": d.street_a}, "community"),
        (lambda d: {"grid": d.grid_b1, "community": d.community_a1}, "grid"),
        (lambda d: {"subdistrict": d.community_a1}, "subdistrict"),
        (lambda d: {"community": d.street_a}, "community"),
    ],
)
def test_inconsistent_areas_are_refused(district, loaded, scope, field):
    with pytest.raises(ValidationFailed) as excinfo:
        routing_rule_create(actor=system_actor(), handler=district.department, **scope(district))
    assert excinfo.value.code == "taxonomy.invalid_routing_rule"
    assert field in excinfo.value.fields
    assert not RoutingRule.objects.exists()


def test_category_must_belong_to_the_major_class(district, loaded):
    garbage = Category.objects.get(code="200102")
    vendor = Category.objects.get(code="200501")
    with pytest.raises(ValidationFailed) as excinfo:
        routing_rule_create(
            actor=system_actor(), handler=district.department, category=garbage, major=vendor.major
        )
    assert "major" in excinfo.value.fields


def test_update_audits_only_changed_fields_and_skips_no_ops(district, loaded):
    rule = routing_rule_create(actor=system_actor(), handler=district.department)
    updated = routing_rule_update(actor=system_actor(), rule=rule, handler=district.squad_west, note="")
    assert updated.handler == district.squad_west
    events = list(history(rule))
    assert [e.action for e in events] == ["taxonomy.routing_rule_created", "taxonomy.routing_rule_updated"]
    assert events[1].before == {"handler": district.department.pk}
    assert events[1].after == {"handler": district.squad_west.pk}

    routing_rule_update(actor=system_actor(), rule=rule, handler=district.squad_west)
    assert history(rule).count() == 2


def test_update_is_validated(district, loaded):
    rule = routing_rule_create(
        actor=system_actor(), handler=district.department, subdistrict=district.street_a
    )
    with pytest.raises(ValidationFailed):
        routing_rule_update(actor=system_actor(), rule=rule, community=district.community_b1)
    rule.refresh_from_db()
    assert rule.community_id is None
    assert history(rule).count() == 1


def test_time_limit_edit_marks_the_row_and_is_audited(district, loaded):
    admin = factories.staff(district.bureau, RoleCode.ADMIN).user
    category = Category.objects.get(code="200501")
    updated = category_time_limit_update(
        actor=admin, category=category, amount=1, unit="working_hours", closing_criteria="摊贩已劝离"
    )
    assert (updated.time_limit_amount, updated.time_limit_unit) == (1, "working_hours")
    assert updated.closing_criteria == "摊贩已劝离"
    assert updated.locally_edited
    assert admin.username in updated.time_limit_source
    (event,) = history(category).filter(action="taxonomy.category_time_limit_updated")
    assert event.before["time_limit_amount"] == 2
    assert event.after["time_limit_amount"] == 1
    assert event.after["locally_edited"] is True


@pytest.mark.parametrize(
    ("amount", "unit"), [(0, "working_days"), (3, "calendar_days"), (-1, "working_hours")]
)
def test_bad_time_limits_are_refused(loaded, amount, unit):
    category = Category.objects.get(code="200501")
    with pytest.raises(ValidationFailed):
        category_time_limit_update(actor=system_actor(), category=category, amount=amount, unit=unit)
    category.refresh_from_db()
    assert (category.time_limit_amount, category.locally_edited) == (2, False)


def test_non_admin_cannot_edit_time_limits(district, loaded):
    dispatcher = factories.staff(district.bureau, RoleCode.DISPATCHER).user
    category = Category.objects.get(code="200501")
    with pytest.raises(PermissionDenied):
        category_time_limit_update(actor=dispatcher, category=category, amount=1, unit="working_hours")
    category.refresh_from_db()
    assert category.time_limit_amount == 2
