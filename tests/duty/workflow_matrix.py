"""The duty machines' matrix adapters (see tests/workflow_matrix.py)."""

from __future__ import annotations

import datetime as dt

from chengguan.duty import services
from chengguan.duty.models import ActionItem, ChangeState, Finding, FindingState, Handover, Post, RosterChange
from chengguan.duty.states import CHANGE_MACHINE, FINDING_MACHINE, HANDOVER_MACHINE, ITEM_MACHINE
from tests.duty.conftest import Force, build_force, pattern
from tests.workflow_matrix import Matrix

S = ChangeState
# Written out by hand, independent of the table: the squad's leader or the bureau's decide; only the
# requester (here officer 0) withdraws.
DECIDERS = {"admin", "leader", "squad_leader", "system"}
WHO = {"approve": DECIDERS, "reject": DECIDERS, "withdraw": {"requester"}}


class ChangeMatrix(Matrix):
    machine = CHANGE_MACHINE

    def setup(self) -> None:
        self.force: Force = build_force()
        pattern(self.force)
        self.roster = services.roster_generate(
            actor=self.force.system, unit=self.force.squad, month=dt.date(2026, 10, 1)
        )
        self.day = 0

    def actors(self) -> dict:
        people = dict(self.force.users)
        people["system"] = self.force.system
        people["requester"] = self.force.officers[0]
        people["replacement"] = self.force.officers[1]
        return people

    def object_in(self, state: str) -> RosterChange:
        self.day += 1
        shift = self.roster.shifts.get(date=dt.date(2026, 10, self.day))
        a = services.shift_assign(
            actor=self.force.system, shift=shift, staff=self.force.officers[0], post=Post.OFFICER
        )
        change = services.change_request(
            actor=self.force.officers[0],
            assignment=a,
            kind="swap",
            reason="家中有事",
            replacement=self.force.officers[1],
        )
        RosterChange.objects.filter(pk=change.pk).update(state=state)
        change.refresh_from_db()
        return change

    def payload(self, action: str, obj) -> dict:
        return {"note": "已核实"} if action in ("approve", "reject") else {}

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state == S.PENDING and who in WHO[action]


MATRICES = {"roster_change": ChangeMatrix}


F = FindingState
# Written out by hand: the responsible unit (and the office) rectifies and contests; the force
# inspectors re-check; the bureau's leader decides a contest.
UNIT = {"admin", "squad_leader", "shift_leader", "handler", "system"}
FINDING_FROM = {
    "report": {F.RECTIFYING},
    "send_back": {F.REPORTED},
    "close": {F.REPORTED},
    "contest": {F.RECTIFYING},
    "uphold": {F.CONTESTED},
    "revoke": {F.CONTESTED},
}
FINDING_WHO = {
    "report": UNIT,
    "contest": UNIT,
    "send_back": {"force_inspector", "system"},
    "close": {"force_inspector", "system"},
    "uphold": {"leader", "system"},
    "revoke": {"leader", "system"},
}


class FindingMatrix(Matrix):
    machine = FINDING_MACHINE

    def setup(self) -> None:
        self.force: Force = build_force()

    def actors(self) -> dict:
        return {**self.force.users, "system": self.force.system}

    def object_in(self, state: str) -> Finding:
        f = services.finding_record(
            actor=self.force.users["force_inspector"],
            unit=self.force.squad,
            kind="street",
            description="垃圾未清运",
            place="建设路",
        )
        Finding.objects.filter(pk=f.pk).update(state=state)
        f.refresh_from_db()
        return f

    def payload(self, action: str, obj) -> dict:
        return {
            "report": {"rectification": "已清运"},
            "send_back": {"reason": "仍有垃圾"},
            "close": {"note": "合格"},
            "contest": {"reason": "不属本单位"},
            "uphold": {"note": "维持"},
            "revoke": {"note": "撤销"},
        }[action]

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in FINDING_FROM[action] and who in FINDING_WHO[action]


MATRICES["finding"] = FindingMatrix


# Written out by hand: the assignee (here the squad, so its leaders, or the named officer) reports an
# item done, as may the meeting's organisers; only the organisers reopen or cancel.
ORGANISERS = {"admin", "leader", "system"}
ITEM_FROM = {"complete": {"open"}, "reopen": {"done"}, "cancel": {"open"}}
ITEM_WHO = {
    "complete": {"squad_leader", "shift_leader", "assignee", *ORGANISERS},
    "reopen": ORGANISERS,
    "cancel": ORGANISERS,
}


class ItemMatrix(Matrix):
    machine = ITEM_MACHINE

    def setup(self) -> None:
        self.force: Force = build_force()
        self.meeting = services.meeting_plan(
            actor=self.force.system,
            bureau=self.force.bureau,
            kind="special",
            title="专题会",
            starts_at=dt.datetime(2026, 10, 9, 9, tzinfo=dt.UTC),
        )
        self.n = 0

    def actors(self) -> dict:
        return {**self.force.users, "system": self.force.system, "assignee": self.force.officers[0]}

    def object_in(self, state: str) -> ActionItem:
        self.n += 1
        # Alternately a unit's item and a person's: both kinds of assignee are tried.
        item = services.action_item_add(
            actor=self.force.system,
            meeting=self.meeting,
            title=f"事项{self.n}",
            unit=self.force.squad,
            person=self.force.officers[0],
            due_on=dt.date(2026, 10, 20),
        )
        ActionItem.objects.filter(pk=item.pk).update(state=state)
        item.refresh_from_db()
        return item

    def payload(self, action: str, obj) -> dict:
        return {"result": "已办结"} if action == "complete" else {"note": "说明"}

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in ITEM_FROM[action] and who in ITEM_WHO[action]


MATRICES["action_item"] = ItemMatrix


# Written out by hand: someone rostered on the next shift (officer 1) accepts, or the system account.
class HandoverMatrix(Matrix):
    machine = HANDOVER_MACHINE

    def setup(self) -> None:
        self.force: Force = build_force()
        pattern(self.force)
        self.roster = services.roster_generate(
            actor=self.force.system, unit=self.force.squad, month=dt.date(2026, 10, 1)
        )
        self.day = 0

    def actors(self) -> dict:
        return {
            **self.force.users,
            "system": self.force.system,
            "giver": self.force.officers[0],
            "taker": self.force.officers[1],
        }

    def object_in(self, state: str) -> Handover:
        self.day += 2
        shift = self.roster.shifts.get(date=dt.date(2026, 10, self.day))
        following = self.roster.shifts.get(date=dt.date(2026, 10, self.day + 1))
        services.shift_assign(
            actor=self.force.system, shift=shift, staff=self.force.officers[0], post=Post.OFFICER
        )
        services.shift_assign(
            actor=self.force.system, shift=following, staff=self.force.officers[1], post=Post.OFFICER
        )
        h = services.handover_give(actor=self.force.officers[0], shift=shift, notes="平稳")
        Handover.objects.filter(pk=h.pk).update(state=state)
        h.refresh_from_db()
        return h

    def payload(self, action: str, obj) -> dict:
        return {"note": "已接班"}

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state == "pending" and who in {"taker", "system"}


MATRICES["handover"] = HandoverMatrix
