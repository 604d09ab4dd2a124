"""The penalty machine's matrix adapter (see tests/workflow_matrix.py).

Each object is a general-procedure case proposed through the services and then given the dates of
its state, counted back from today, so that every date rule of the procedure is satisfied: a refusal
can only come from the state or the actor. (A decided case carries no decision number here, so that
serving it writes the one event of the step; publishing a served decision, its own audited act, is
tested in test_disclosure.py.)
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from chengguan.core import clock
from chengguan.enforcement import periods, services
from chengguan.enforcement.models import PenaltyCase, PenaltyReview, PenaltyState
from chengguan.enforcement.states import PENALTY_MACHINE
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from tests import factories
from tests.enforcement.conftest import PERSON, complete_file
from tests.workflow_matrix import Matrix

S = PenaltyState
# Written out by hand, independent of the table.
BEFORE_DECISION = {
    S.PROPOSED,
    S.INVESTIGATING,
    S.CASE_REVIEW,
    S.NOTIFIED,
    S.HEARING_REQUESTED,
    S.HEARING_SCHEDULED,
    S.HEARD,
}
FROM = {
    "approve_filing": {S.PROPOSED},
    "submit_for_review": {S.INVESTIGATING},
    "legal_review_pass": {S.CASE_REVIEW, S.NOTIFIED, S.HEARD},
    "legal_review_return": {S.CASE_REVIEW, S.NOTIFIED, S.HEARD},
    "serve_notice": {S.CASE_REVIEW},
    "record_statement": {S.NOTIFIED},
    "request_hearing": {S.NOTIFIED},
    "schedule_hearing": {S.HEARING_REQUESTED},
    "hold_hearing": {S.HEARING_SCHEDULED},
    "decide": {S.NOTIFIED, S.HEARD},
    "serve_decision": {S.DECIDED},
    "record_payment": {S.EXECUTING, S.REMINDED},
    "serve_reminder": {S.EXECUTING},
    "apply_court": {S.REMINDED},
    "close": {S.PAID, S.COURT_ENFORCEMENT},
    "suspend": BEFORE_DECISION | {S.EXECUTING, S.REMINDED},
    "resume": {S.SUSPENDED},
    "terminate": BEFORE_DECISION - {S.PROPOSED},
    "transfer": {S.PROPOSED, S.INVESTIGATING, S.CASE_REVIEW},
    "end_revoked": {S.EXECUTING, S.REMINDED, S.COURT_ENFORCEMENT, S.PAID, S.SUSPENDED},
}
OFFICERS = {"handler", "squad_leader"}
CHIEFS = {"squad_leader", "leader"}
LEGAL = {"legal_reviewer"}
LEADER = {"leader"}
WHO = {
    "approve_filing": CHIEFS,
    "submit_for_review": OFFICERS,
    "legal_review_pass": LEGAL,
    "legal_review_return": LEGAL,
    "serve_notice": OFFICERS,
    "record_statement": OFFICERS,
    "request_hearing": OFFICERS,
    "schedule_hearing": OFFICERS,
    "hold_hearing": OFFICERS,
    "decide": LEADER,
    "serve_decision": OFFICERS,
    "record_payment": OFFICERS,
    "serve_reminder": OFFICERS,
    "apply_court": CHIEFS,
    "close": CHIEFS,
    "suspend": LEADER,
    "resume": LEADER,
    "terminate": LEADER,
    "transfer": LEADER,
    "end_revoked": CHIEFS | LEGAL,
}


def _dates(state: str, today: dt.date) -> dict:
    """The columns a case in `state` has, dated so that its next steps are lawful today."""
    filed, notified = today - dt.timedelta(days=60), today - dt.timedelta(days=40)
    served = today - dt.timedelta(days=200)  # the review periods (6 months) have run out
    filing = {"filed_on": filed, "legal_basis": "某条例第三十六条"}
    notice = {**filing, "notice_served_on": notified, "hearing_offered": True}
    decision = {**notice, "decision_on": served - dt.timedelta(days=5)}
    execution = {
        **decision,
        "decision_served_on": served,
        "review_periods_end_on": periods.review_periods_end(served),
        "fine_amount": 1000,
    }
    by_state = {
        S.PROPOSED: {},
        S.INVESTIGATING: filing,
        S.CASE_REVIEW: filing,
        S.NOTIFIED: notice,
        S.HEARING_REQUESTED: {**notice, "hearing_requested_on": notified + dt.timedelta(days=1)},
        S.HEARING_SCHEDULED: {**notice, "hearing_on": today + dt.timedelta(days=30)},
        S.HEARD: {**notice, "legal_review_required": True, "legal_review_passed_on": today},
        S.DECIDED: {**notice, "decision_on": today - dt.timedelta(days=1)},
        S.EXECUTING: execution,
        S.REMINDED: {**execution, "reminder_served_on": today - dt.timedelta(days=40)},
        S.COURT_ENFORCEMENT: {**execution, "court_applied_on": today - dt.timedelta(days=5)},
        S.PAID: {**execution, "paid_on": today - dt.timedelta(days=5)},
        S.SUSPENDED: {**filing, "state_before_suspension": S.INVESTIGATING},
    }
    return by_state.get(state, execution)


class PenaltyMatrix(Matrix):
    machine = PENALTY_MACHINE

    def setup(self) -> None:
        self.bureau = factories.bureau(short_name="中原城管")
        squad = factories.squad(self.bureau, name="一中队")
        roles = [R.HANDLER, R.SQUAD_LEADER, R.LEGAL_REVIEWER, R.LEADER, R.INSPECTOR, R.ADMIN, R.DISPATCHER]
        self.people = {str(role): factories.staff(squad, role).user for role in roles}
        self.partner = factories.staff(squad, R.HANDLER).user
        other = factories.bureau(name="金水区城市管理局", code="410105")
        self.people["other_bureau_leader"] = factories.staff(other, R.LEADER).user
        self.people["system"] = system_actor(self.bureau)
        self.people["superuser"] = get_user_model().objects.create_superuser("root", "root@example.org", "x")
        self.today = clock.today()

    def actors(self) -> dict:
        return self.people

    def object_in(self, state: str) -> PenaltyCase:
        case = services.penalty_case_propose(
            actor=self.people["handler"],
            bureau=self.bureau,
            facts="占道经营，经责令改正拒不改正",
            parties=[PERSON],
            officers=[self.people["handler"], self.partner],
        )
        PenaltyCase.objects.filter(pk=case.pk).update(state=state, **_dates(state, self.today))
        case.refresh_from_db()
        return case

    def payload(self, action: str, obj) -> dict:
        today = self.today
        asked = (obj.notice_served_on or today) + dt.timedelta(days=1)
        return {
            "approve_filing": {"filed_on": today},
            "submit_for_review": {
                "violated_provisions": "某条例第十四条",
                "legal_basis": "某条例第三十六条",
                "fine_amount": "1000",
            },
            "legal_review_pass": {"opinion": "事实清楚，证据确凿"},
            "legal_review_return": {"reason": "证据不足"},
            "serve_notice": {"notice_served_on": today, "hearing_offered": True},
            "record_statement": {"statement_kind": "stated", "statement": "当事人称已自行整改"},
            "request_hearing": {"hearing_requested_on": asked},
            "schedule_hearing": {"hearing_on": today + dt.timedelta(days=30), "hearing_notice_on": today},
            "decide": {"decision_on": today, "overdue_reason": "案情复杂，经集体讨论"},
            "serve_decision": {"decision_served_on": today},
            "record_payment": {"paid_on": today},
            "serve_reminder": {"reminder_served_on": today},
            "apply_court": {"court_applied_on": today},
            "suspend": {"reason": "当事人下落不明"},
            "terminate": {"reason": "违法事实不能成立"},
            "transfer": {"reason": "不属于本机关管辖", "to": "区市场监督管理局"},
            "end_revoked": {"reason": "处罚决定被复议机关撤销。"},
        }.get(action, {})

    def object_for(self, state: str, action: str) -> PenaltyCase:
        case = self.object_in(state)
        if action == "legal_review_pass":  # given once: the case has none yet
            PenaltyCase.objects.filter(pk=case.pk).update(legal_review_passed_on=None)
            case.refresh_from_db()
        if action == "close":  # the file the checklist's required items ask for
            complete_file(SimpleNamespace(handler=self.people["handler"]), case)
        if action == "end_revoked":  # the revocation that the action carries into the case
            PenaltyReview.objects.create(
                case=case,
                kind="reconsideration",
                applied_on=self.today,
                concluded_on=self.today,
                outcome="revoked",
            )
        return case

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in FROM[action] and who in WHO[action]


MATRICES = {"penalty": PenaltyMatrix}
