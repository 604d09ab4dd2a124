"""Who sees which cases, what waits in whose inbox, and the per-grid map counts."""

from __future__ import annotations

import datetime as dt

from chengguan.cases import selectors
from chengguan.cases.services import case_transition
from chengguan.cases.states import CaseState
from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from tests import factories
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.flow import drive, report


def visible(actor) -> set[int]:
    return set(selectors.cases_visible_to(actor).values_list("pk", flat=True))


def test_scope_of_cases(district):
    users = district.users
    # A second bureau with a case of its own (built before the grid index is first used).
    other_bureau = factories.bureau(name="二七区城市管理局", code="410103")
    other_sub = factories.subdistrict(other_bureau, code="001")
    other_comm = factories.community(other_sub, code="001")
    factories.grid(other_comm, 1, factories.square(113.60, 34.70))
    other_leader = factories.staff(other_bureau, R.LEADER, username="other_leader").user
    with clock.pinned(QUIET_MOMENT):
        # In the inspector's grid 0, dispatched to the squad.
        in_squad = drive(district, CaseState.DISPATCHED, grid=0)
        # In grid 3 (another inspector's), reported by a citizen, sent to the department.
        citizens = report(district, grid=3, role=R.CITIZEN, source="citizen")
        case_transition(actor=users[R.OPERATOR], case=citizens, action="file")
        case_transition(
            actor=users[R.DISPATCHER], case=citizens, action="dispatch", unit=district.department.pk
        )
        # Reported by the first inspector in the other inspector's grid.
        own_report = report(district, grid=3)
    with clock.pinned(QUIET_MOMENT):
        elsewhere = report(district, role=R.OPERATOR, source="hotline", lon=113.6005, lat=34.7005)
    assert elsewhere.bureau == other_bureau

    ours = {in_squad.pk, citizens.pk, own_report.pk}
    for role in (R.OPERATOR, R.DISPATCHER, R.SHIFT_LEADER, R.LEADER, R.ADMIN, R.LEGAL_REVIEWER):
        assert visible(users[role]) == ours, role
    assert visible(other_leader) == {elsewhere.pk}
    # Handlers: their unit's cases (handled by it, or in the grids of their squad).
    assert visible(users[R.HANDLER]) == {in_squad.pk, citizens.pk, own_report.pk}
    assert visible(users["other_handler"]) == {citizens.pk}
    # Inspectors: cases in their grids, and their own reports anywhere.
    assert visible(users[R.INSPECTOR]) == {in_squad.pk, own_report.pk}
    assert visible(users["other_inspector"]) == {citizens.pk, own_report.pk}
    # The public: their own reports only.
    assert visible(users[R.CITIZEN]) == {citizens.pk}
    assert visible(users["other_citizen"]) == set()
    assert visible(users[R.MERCHANT]) == set()
    # No duplicates from the grid-inspector join.
    assert selectors.cases_visible_to(users[R.INSPECTOR]).count() == 2


def test_handlers_of_a_department_do_not_see_the_squads_area(district):
    with clock.pinned(QUIET_MOMENT):
        case = drive(district, CaseState.IN_HANDLING)
    assert case.pk not in visible(district.users["other_handler"])
    assert case.pk in visible(district.users[R.SQUAD_LEADER])


def test_each_role_finds_its_own_work_in_the_inbox(district):
    users = district.users
    with clock.pinned(QUIET_MOMENT):
        reported = report(district)
        filed = drive(district, CaseState.FILED)
        dispatched = drive(district, CaseState.DISPATCHED)
        handled = drive(district, CaseState.HANDLED, grid=1)
        handled_elsewhere = drive(
            district, CaseState.HANDLED, grid=3, role="other_inspector", source="patrol"
        )
        verified = drive(district, CaseState.VERIFIED)
        closed = drive(district, CaseState.CLOSED)

    def inbox(who):
        with clock.pinned(QUIET_MOMENT):
            return set(selectors.inbox(users[who]).values_list("pk", flat=True))

    assert inbox(R.OPERATOR) == {reported.pk, verified.pk}
    assert inbox(R.DISPATCHER) == {filed.pk}
    assert inbox(R.HANDLER) == {dispatched.pk}
    assert inbox("other_handler") == set()
    assert inbox(R.INSPECTOR) == {handled.pk}
    assert inbox("other_inspector") == {handled_elsewhere.pk}
    assert inbox(R.CITIZEN) == set()
    assert closed.pk not in inbox(R.SHIFT_LEADER)
    with clock.pinned(QUIET_MOMENT):
        assert selectors.inbox_count(users[R.OPERATOR]) == 2


def test_open_cases_are_counted_per_grid(district):
    with clock.pinned(QUIET_MOMENT):
        report(district, grid=0)
        report(district, grid=0)
        drive(district, CaseState.DISPATCHED, grid=1, category=district.days_category)
        drive(district, CaseState.CLOSED, grid=2)
    with clock.pinned(QUIET_MOMENT + dt.timedelta(days=1)):
        counts = {
            c.code: (c.total, c.overdue) for c in selectors.open_cases_by_grid(district.users[R.LEADER])
        }
    assert counts == {district.grids[0].code: (2, 2), district.grids[1].code: (1, 0)}


def test_reply_templates_offer_the_categorys_own_first(district):
    from chengguan.cases.models import ReplyTemplate

    general = ReplyTemplate.objects.create(purpose="handling", text="已处理完毕，现场恢复整洁。")
    own = ReplyTemplate.objects.create(
        category=district.hours_category, purpose="handling", text="违建已拆除。"
    )
    ReplyTemplate.objects.create(category=district.days_category, purpose="handling", text="垃圾已清运。")
    ReplyTemplate.objects.create(purpose="handling", text="停用的常用语", is_active=False)
    assert list(selectors.reply_templates(district.hours_category, "handling")) == [own, general]
    assert list(selectors.reply_templates(None, "handling")) == [general]
