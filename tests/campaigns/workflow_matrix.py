"""The campaign machine's matrix adapter (see tests/workflow_matrix.py)."""

from __future__ import annotations

from chengguan.campaigns.models import Campaign, CampaignState
from chengguan.campaigns.states import CAMPAIGN_MACHINE
from chengguan.org.roles import RoleCode as R
from tests import factories
from tests.campaigns.conftest import build_world, new_campaign
from tests.cases.conftest import build_district
from tests.workflow_matrix import Matrix

S = CampaignState
# Written out by hand, independent of the table: the lead unit's leader (the squad's leader, or the
# bureau's leaders, and the bureau's system account) moves the campaign; nobody else does.
LEADERS = {"squad_leader", "leader", "system"}
FROM = {
    "start": {S.PLANNED},
    "postpone": {S.PLANNED, S.UNDER_WAY},
    "resume": {S.POSTPONED},
    "begin_closing": {S.UNDER_WAY},
    "close": {S.CLOSING},
    "cancel": {S.PLANNED, S.POSTPONED},
}


class CampaignMatrix(Matrix):
    machine = CAMPAIGN_MACHINE

    def setup(self) -> None:
        self.d = build_district()
        self.w = build_world(self.d)
        self.dept_leader = factories.staff(self.d.department, R.SQUAD_LEADER, username="dept_leader").user
        other = factories.bureau(code="410103", name="二七区城市管理局")
        self.outsider = factories.staff(other, R.LEADER, username="other_leader").user

    def actors(self) -> dict:
        people = {role: self.d.users[role] for role in R.values}
        people["other_unit_leader"] = self.dept_leader
        people["partner_contact_of_campaign"] = self.w.police_contact
        people["other_bureau_leader"] = self.outsider
        return people

    def object_in(self, state: str) -> Campaign:
        c = new_campaign(self.w)
        memory = S.UNDER_WAY if state == S.POSTPONED else ""
        Campaign.objects.filter(pk=c.pk).update(state=state, state_before_postponement=memory)
        c.refresh_from_db()
        return c

    def payload(self, action: str, obj) -> dict:
        return {
            "postpone": {"reason": "汛期"},
            "cancel": {"reason": "上级取消"},
            "close": {"summary": "完成"},
        }.get(action, {})

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in FROM[action] and who in LEADERS


MATRICES = {"campaign": CampaignMatrix}
