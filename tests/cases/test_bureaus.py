"""Many bureaus on one installation (issue 12 item 6): each bureau's own time limits and routing
rules, over the installation's defaults, decide its cases; one bureau's rules never touch another's."""

from __future__ import annotations

import pytest

from chengguan.cases.services import case_transition
from chengguan.core import clock
from chengguan.core.errors import ValidationFailed
from chengguan.org.models import OrgKind
from chengguan.org.roles import RoleCode as R
from chengguan.taxonomy import services as taxonomy_services
from chengguan.taxonomy.models import RoutingRule
from chengguan.taxonomy.selectors import time_limit_for
from tests import factories
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import report

district = case_fixtures.district
_fast_tests = case_fixtures._fast_tests


@pytest.fixture
def second(district):
    """二七区: its own grid, desk staff, a 市政科 and an admin who sets the bureau's own rules."""
    bureau = factories.bureau_with_a_grid("二七区城市管理局", "410103", 113.60, 34.70)
    works = factories.OrganisationFactory(kind=OrgKind.DEPARTMENT, parent=bureau, name="二七市政科")
    users = {
        role: factories.staff(bureau, role, username=f"b2_{role}").user
        for role in (R.OPERATOR, R.DISPATCHER, R.ADMIN)
    }
    return bureau, works, users


def _file_and_dispatch(case, operator, dispatcher):
    case = case_transition(actor=operator, case=case, action="file")
    return case_transition(actor=dispatcher, case=case, action="dispatch")


def test_two_bureaus_give_the_same_report_their_own_due_time_and_unit(district, second):
    bureau, works, users = second
    category = district.hours_category
    taxonomy_services.routing_rule_create(actor=users[R.ADMIN], handler=works, category=category)
    taxonomy_services.bureau_time_limit_set(
        actor=users[R.ADMIN], bureau=bureau, category=category, amount=3, unit="working_days"
    )
    with clock.pinned(QUIET_MOMENT):
        ours = report(district, role=R.OPERATOR, source="hotline")
        theirs = report(district, role=R.OPERATOR, source="hotline", lon=113.6005, lat=34.7005)
        ours = _file_and_dispatch(ours, district.users[R.OPERATOR], district.users[R.DISPATCHER])
        theirs = _file_and_dispatch(theirs, users[R.OPERATOR], users[R.DISPATCHER])
    assert theirs.bureau == bureau and ours.bureau == district.bureau
    # Routing: the first bureau's grid-squad default; the second bureau's own rule.
    assert ours.handling_unit == district.squad
    assert theirs.handling_unit == works
    # Time limits: the category's hours in the first bureau; three working days in the second.
    assert (ours.handling_limit_amount, ours.handling_limit_unit) == (
        category.time_limit_amount,
        category.time_limit_unit,
    )
    assert (theirs.handling_limit_amount, theirs.handling_limit_unit) == (3, "working_days")
    assert theirs.handling_due_at != ours.handling_due_at
    default = (category.time_limit_amount, category.time_limit_unit)
    assert time_limit_for(category, district.bureau.pk) == default


def test_a_bureau_admin_sets_rules_and_limits_for_their_own_bureau_only(district, second):
    bureau, works, users = second
    category = district.hours_category
    with pytest.raises(ValidationFailed) as refused:
        taxonomy_services.bureau_time_limit_set(
            actor=users[R.ADMIN], bureau=district.bureau, category=category, amount=1, unit="working_days"
        )
    assert "bureau" in refused.value.fields
    with pytest.raises(ValidationFailed):
        taxonomy_services.routing_rule_create(
            actor=users[R.ADMIN], handler=works, category=category, bureau=district.bureau
        )
    rule = taxonomy_services.routing_rule_create(actor=users[R.ADMIN], handler=works, category=category)
    assert rule.bureau == bureau  # an area-less rule of a bureau stays inside it
    assert RoutingRule.objects.filter(bureau=district.bureau).count() == 0
    assert time_limit_for(category, district.bureau.pk)[0] == category.time_limit_amount
