"""The matrix adapters of the activity and live-session machines (see tests/workflow_matrix.py)."""

from __future__ import annotations

from chengguan.org.roles import RoleCode as R
from chengguan.outreach.models import Activity, ActivityState, Broadcast, BroadcastState
from chengguan.outreach.states import ACTIVITY_MACHINE, BROADCAST_MACHINE
from tests import factories
from tests.cases.conftest import build_district
from tests.outreach.conftest import new_activity, new_broadcast
from tests.workflow_matrix import Matrix

# Written out by hand, independent of the table: the bureau office, the leaders and the squad
# leaders organise the public side; nobody else, and nobody of another bureau.
ORGANISERS = {"admin", "leader", "squad_leader", "system"}
A, B = ActivityState, BroadcastState
ACTIVITY_FROM = {
    "publish": {A.PLANNED},
    "close_registration": {A.OPEN},
    "hold": {A.OPEN, A.CLOSED},
    "cancel": {A.PLANNED, A.OPEN, A.CLOSED},
}
BROADCAST_FROM = {"go_live": {B.SCHEDULED}, "end": {B.LIVE}, "cancel": {B.SCHEDULED}}


class _OutreachMatrix(Matrix):
    def setup(self) -> None:
        self.d = build_district()
        other = factories.bureau(code="410103", name="二七区城市管理局")
        self.outsider = factories.staff(other, R.ADMIN, username="other_admin").user

    def actors(self) -> dict:
        people = {role: self.d.users[role] for role in R.values}
        people["other_bureau_admin"] = self.outsider
        return people

    def payload(self, action: str, obj) -> dict:
        return {"hold": {"summary": "圆满完成"}, "cancel": {"reason": "天气原因"}}.get(action, {})


class ActivityMatrix(_OutreachMatrix):
    machine = ACTIVITY_MACHINE

    def object_in(self, state: str) -> Activity:
        a = new_activity(self.d, state="planned")
        Activity.objects.filter(pk=a.pk).update(state=state)
        a.refresh_from_db()
        return a

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in ACTIVITY_FROM[action] and who in ORGANISERS


class BroadcastMatrix(_OutreachMatrix):
    machine = BROADCAST_MACHINE

    def object_in(self, state: str) -> Broadcast:
        b = new_broadcast(self.d, live=False)
        Broadcast.objects.filter(pk=b.pk).update(state=state)
        b.refresh_from_db()
        return b

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in BROADCAST_FROM[action] and who in ORGANISERS


MATRICES = {"activity": ActivityMatrix, "broadcast": BroadcastMatrix}
