"""The appeal machine's matrix adapter (see tests/workflow_matrix.py)."""

from __future__ import annotations

from chengguan.core.clock import pinned
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from chengguan.stats import appeals, reports
from chengguan.stats.models import Appeal, AppealState
from tests import factories
from tests.workflow_matrix import Matrix

S = AppealState
# Written out by hand, independent of the table.
FROM = {"approve": {S.PENDING}, "reject": {S.PENDING}, "withdraw": {S.PENDING}}
WHO = {"approve": {"leader", "admin"}, "reject": {"leader", "admin"}, "withdraw": {"squad_leader"}}


class AppealMatrix(Matrix):
    machine = appeals.APPEAL_MACHINE

    def setup(self) -> None:
        from tests.cases.conftest import build_district
        from tests.stats.evaluation import NOW, september

        self.district = build_district()
        self.cases = september(self.district)
        with pinned(NOW):
            self.report = reports.publish(
                actor=self.district.users[RoleCode.LEADER], bureau=self.district.bureau, period="2026-09"
            )
        other = factories.bureau(name="金水区城市管理局", code="410105")
        self.outsider = factories.staff(other, RoleCode.ADMIN, username="other_admin").user
        self.count = 0

    def actors(self) -> dict:
        people = {str(role): user for role, user in self.district.users.items() if isinstance(role, str)}
        people["system"] = system_actor(self.district.bureau)
        people["other_bureau_admin"] = self.outsider
        return people

    def _counted_without_appeal(self, newest):
        waiting = set(Appeal.objects.filter(report=newest, state=S.PENDING).values_list("case_id", flat=True))
        for c in self.cases.values():
            m = reports.membership_of(newest, c.pk)
            if m is not None and m[3] == self.district.squad.pk and c.pk not in waiting:
                return c
        return None

    def object_in(self, state: str) -> Appeal:
        from tests.stats.evaluation import NOW

        self.count += 1
        newest = reports.versions_of(self.report).order_by("-version").first()
        # One appeal may wait per case and version; an approved one takes its case out: when no
        # counted case is left to appeal, the period is republished (a fresh newest version).
        case = self._counted_without_appeal(newest)
        if case is None:
            with pinned(NOW):
                newest = reports.publish(
                    actor=self.district.users[RoleCode.LEADER], bureau=self.district.bureau, period="2026-09"
                )
            case = self._counted_without_appeal(newest)
        appeal = appeals.file(
            actor=self.district.users[RoleCode.SQUAD_LEADER],
            report=newest,
            case_id=case.pk,
            reason=f"申诉 {self.count}",
        )
        Appeal.objects.filter(pk=appeal.pk).update(state=state)
        appeal.refresh_from_db()
        return appeal

    def payload(self, action: str, obj) -> dict:
        return {"note": "审核意见"}

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in FROM[action] and who in WHO[action]


MATRICES = {"appeal": AppealMatrix}
