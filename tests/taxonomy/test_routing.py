"""The handling unit proposed for a case: the most specific active rule wins."""

from __future__ import annotations

import pytest

from chengguan.org.system import system_actor
from chengguan.taxonomy.models import Category, MajorCategory
from chengguan.taxonomy.routing import propose_handler
from chengguan.taxonomy.services import routing_rule_create, routing_rule_update
from tests import factories


@pytest.fixture
def garbage(loaded) -> Category:
    return Category.objects.get(code="200102")


@pytest.fixture
def city_appearance(garbage) -> MajorCategory:
    return garbage.major


def _unit(district, name):
    return factories.OrganisationFactory(kind="department", parent=district.bureau, name=name)


def test_no_rule_proposes_nothing(district, garbage):
    assert propose_handler(category=garbage, grid=district.grid_a1) is None


def test_specificity_ladder(district, garbage, city_appearance):
    """Switching off the winning rule each time walks down the order grid > community > street >
    anywhere, and within an area category > major class > catch-all."""
    d = district
    ladder = [
        ("grid+category", {"grid": d.grid_a1, "category": garbage}),
        ("grid+major", {"grid": d.grid_a1, "major": city_appearance}),
        ("grid", {"grid": d.grid_a1}),
        ("community+category", {"community": d.community_a1, "category": garbage}),
        ("community", {"community": d.community_a1}),
        ("street+category", {"subdistrict": d.street_a, "category": garbage}),
        ("street+major", {"subdistrict": d.street_a, "major": city_appearance}),
        ("street", {"subdistrict": d.street_a}),
        ("anywhere+category", {"category": garbage}),
        ("anywhere+major", {"major": city_appearance}),
        ("anywhere", {}),
    ]
    # Created least specific first, so the lowest id never decides the order.
    rules = {}
    for name, scope in reversed(ladder):
        rules[name] = routing_rule_create(actor=system_actor(), handler=_unit(d, name), **scope)
    for name, _scope in ladder:
        assert propose_handler(category=garbage, grid=d.grid_a1).name == name
        routing_rule_update(actor=system_actor(), rule=rules[name], is_active=False)
    assert propose_handler(category=garbage, grid=d.grid_a1) is None


def test_rules_for_other_places_and_categories_do_not_apply(district, garbage):
    d = district
    vendor = Category.objects.get(code="200501")
    routing_rule_create(actor=system_actor(), handler=_unit(d, "other grid"), grid=d.grid_a2)
    routing_rule_create(actor=system_actor(), handler=_unit(d, "other community"), community=d.community_b1)
    routing_rule_create(actor=system_actor(), handler=_unit(d, "other street"), subdistrict=d.street_b)
    routing_rule_create(actor=system_actor(), handler=_unit(d, "other category"), category=vendor)
    routing_rule_create(actor=system_actor(), handler=_unit(d, "other major"), major=vendor.major)
    assert propose_handler(category=garbage, grid=d.grid_a1) is None
    routing_rule_create(actor=system_actor(), handler=d.department)
    assert propose_handler(category=garbage, grid=d.grid_a1) == d.department
    assert propose_handler(category=vendor, grid=d.grid_a1).name == "other category"
    assert propose_handler(category=garbage, grid=d.grid_b1).name == "other community"


def test_grid_squad_rule_routes_to_the_squad_of_the_case_grid(district, garbage):
    d = district
    routing_rule_create(actor=system_actor(), handler=d.department, use_grid_squad=True, major=garbage.major)
    assert propose_handler(category=garbage, grid=d.grid_a1) == d.squad_east
    assert propose_handler(category=garbage, grid=d.grid_b1) == d.squad_west
    # A grid without a squad falls back to the rule's own handler.
    assert propose_handler(category=garbage, grid=d.grid_a1_other) == d.department


def test_equal_rules_are_broken_by_lowest_id(district, garbage):
    d = district
    first = routing_rule_create(actor=system_actor(), handler=_unit(d, "first"), community=d.community_a1)
    routing_rule_create(actor=system_actor(), handler=_unit(d, "second"), community=d.community_a1)
    assert propose_handler(category=garbage, grid=d.grid_a1).name == "first"
    routing_rule_update(actor=system_actor(), rule=first, is_active=False)
    assert propose_handler(category=garbage, grid=d.grid_a1).name == "second"


def test_case_without_a_grid_only_matches_district_wide_rules(district, garbage):
    d = district
    routing_rule_create(
        actor=system_actor(), handler=_unit(d, "street"), subdistrict=d.street_a, category=garbage
    )
    assert propose_handler(category=garbage, grid=None) is None
    routing_rule_create(actor=system_actor(), handler=_unit(d, "anywhere"))
    assert propose_handler(category=garbage, grid=None).name == "anywhere"


def test_rules_pointing_at_a_closed_unit_are_ignored(district, garbage):
    d = district
    closed = _unit(d, "closed")
    routing_rule_create(actor=system_actor(), handler=d.department)
    routing_rule_create(actor=system_actor(), handler=closed, grid=d.grid_a1)
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    assert propose_handler(category=garbage, grid=d.grid_a1) == d.department
