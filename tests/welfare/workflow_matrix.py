"""The pitch draw machine's matrix adapter (see tests/workflow_matrix.py)."""

from __future__ import annotations

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.welfare import services
from chengguan.welfare.models import Application, Draw, DrawState, Outcome
from chengguan.welfare.states import DRAW_MACHINE
from tests import factories
from tests.cases.conftest import QUIET_MOMENT, build_district
from tests.welfare.conftest import draw, spot, vendor
from tests.workflow_matrix import Matrix

S = DrawState
# Written out by hand: the bureau office, the leaders and the bureau's system account run draws.
RUNNERS = {"admin", "leader", "system"}
FROM = {"close": {S.OPEN}, "draw": {S.CLOSED}, "vacate": {S.DRAWN}}


class DrawMatrix(Matrix):
    machine = DRAW_MACHINE

    def setup(self) -> None:
        with clock.pinned(QUIET_MOMENT):
            self.d = build_district()
            self.spot = spot(self.d, pitches=1)
            self.vendors = [vendor(self.d) for _ in range(2)]
        other = factories.bureau(code="410103", name="二七区城市管理局")
        self.outsider = factories.staff(other, R.ADMIN, username="other_admin").user
        self.terms = 0

    def running(self):
        return clock.pinned(QUIET_MOMENT)

    def actors(self) -> dict:
        people = {role: self.d.users[role] for role in R.values}
        people["other_bureau_admin"] = self.outsider
        return people

    def object_in(self, state: str) -> Draw:
        import datetime as dt

        self.terms += 1
        dr = draw(self.d, self.spot, start=dt.date(2027, 1, 1) + dt.timedelta(days=self.terms))
        for v in self.vendors:
            Application.objects.create(
                draw=dr, vendor=v, term_start=dr.term_start, number=f"{v.pk:04d}", applied_at=clock.now()
            )
        if state != S.OPEN:
            services.draw_transition(actor=self.d.users[R.ADMIN], draw=dr, action="close")
        if state == S.DRAWN:
            services.draw_transition(actor=self.d.users[R.ADMIN], draw=dr, action="draw")
        dr.refresh_from_db()
        assert dr.state == state
        return dr

    def payload(self, action: str, obj) -> dict:
        return {"pitch": 1} if action == "vacate" else {}

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in FROM[action] and who in RUNNERS

    def world(self, obj):
        obj.refresh_from_db()
        rows = list(
            Application.objects.filter(draw=obj).order_by("pk").values_list("outcome", "pitch", "rank")
        )
        return ({f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}, rows, Outcome.PITCH)


MATRICES = {"welfare_draw": DrawMatrix}
