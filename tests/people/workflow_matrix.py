"""The certificate machine's matrix adapter (see tests/workflow_matrix.py)."""

from __future__ import annotations

import datetime as dt

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from chengguan.org.system import system_actor
from chengguan.people import services
from chengguan.people.models import (
    Certificate,
    CertificateState,
    Deed,
    DeedState,
    Nomination,
    NominationState,
    TrainingSession,
    TrainingState,
)
from chengguan.people.states import CERTIFICATE_MACHINE, DEED_MACHINE, NOMINATION_MACHINE, TRAINING_MACHINE
from tests import factories
from tests.workflow_matrix import Matrix

S = CertificateState
# Written out by hand, independent of the table: the personnel officer, the bureau's admin and its
# system account keep the registry; nobody else, and nobody of another bureau.
KEEPERS = {"personnel", "admin", "system"}
FROM = {
    "review_pass": {S.VALID},
    "review_fail": {S.VALID},
    "suspend": {S.VALID},
    "reinstate": {S.SUSPENDED},
    "withdraw": {S.VALID, S.SUSPENDED},
    "renew": {S.VALID},
}


class CertificateMatrix(Matrix):
    machine = CERTIFICATE_MACHINE

    def setup(self) -> None:
        self.bureau = factories.bureau()
        self.squad = factories.squad(self.bureau, name="第一中队")
        self.users = {
            name: factories.staff(unit, role, username=f"p_{name}", certified=False).user
            for name, unit, role in (
                ("personnel", self.bureau, R.PERSONNEL),
                ("admin", self.bureau, R.ADMIN),
                ("leader", self.bureau, R.LEADER),
                ("squad_leader", self.squad, R.SQUAD_LEADER),
                ("handler", self.squad, R.HANDLER),
                ("citizen", self.bureau, R.CITIZEN),
            )
        }
        other = factories.bureau(name="金水区城市管理局", code="410105")
        self.users["other_bureau_personnel"] = factories.staff(other, R.PERSONNEL, username="p_outsider").user
        self.users["system"] = system_actor(self.bureau)
        self.n = 0

    def actors(self) -> dict:
        return self.users

    def object_in(self, state: str) -> Certificate:
        self.n += 1
        holder = factories.staff(self.squad, R.HANDLER, username=f"p_holder{self.n}", certified=False).user
        cert = factories.certificate(
            holder,
            self.squad,
            number=f"M{self.n:05d}",
            valid_from=dt.date(2024, 1, 1),
            valid_to=dt.date(2099, 1, 1),
        )
        Certificate.objects.filter(pk=cert.pk).update(state=state)
        cert.refresh_from_db()
        return cert

    def payload(self, action: str, obj) -> dict:
        return {
            "review_pass": {"note": "合格"},
            "review_fail": {"note": "考核不合格"},
            "suspend": {"reason": "discipline"},
            "reinstate": {},
            "withdraw": {"note": "注销"},
            "renew": {"valid_to": dt.date(2099, 12, 31)},
        }[action]

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in FROM[action] and who in KEEPERS


MATRICES = {"certificate": CertificateMatrix}


TS = TrainingState
TRAINING_FROM = {"hold": {TS.PLANNED}, "cancel": {TS.PLANNED}}


class TrainingMatrix(CertificateMatrix):
    machine = TRAINING_MACHINE

    def object_in(self, state: str) -> TrainingSession:
        self.n += 1
        session = services.training_plan(
            actor=self.users["personnel"],
            bureau=self.bureau,
            kind="lecture",
            topic="law",
            title=f"行政处罚法专题讲座 {self.n}",
            starts_at=clock.now() - dt.timedelta(hours=3),
            hours="2",
        )
        TrainingSession.objects.filter(pk=session.pk).update(state=state)
        session.refresh_from_db()
        return session

    def payload(self, action: str, obj) -> dict:
        return {"hold": {}, "cancel": {"note": "讲师临时有事"}}[action]

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in TRAINING_FROM[action] and who in KEEPERS


MATRICES["training"] = TrainingMatrix


NS = NominationState
NOMINATION_FROM = {
    "review": {NS.SUBMITTED},
    "approve": {NS.REVIEWED},
    "publish": {NS.APPROVED},
    "reject": {NS.SUBMITTED, NS.REVIEWED},
    "withdraw": {NS.SUBMITTED},
}
NOMINATION_WHO = {
    "review": KEEPERS,
    "approve": {"leader", "system"},
    "publish": KEEPERS,
    "reject": KEEPERS | {"leader"},
    "withdraw": {"squad_leader"},  # the nominator
}


class NominationMatrix(CertificateMatrix):
    machine = NOMINATION_MACHINE

    def setup(self) -> None:
        super().setup()
        self.programme = services.programme_create(
            actor=self.users["personnel"],
            bureau=self.bureau,
            name="文明执法标兵",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2099, 12, 31),
            quota=1000,
        )

    def object_in(self, state: str) -> Nomination:
        self.n += 1
        nominee = factories.staff(self.squad, R.HANDLER, username=f"p_nominee{self.n}").user
        nomination = services.nomination_submit(
            actor=self.users["squad_leader"],
            programme=self.programme,
            nominee=nominee,
            reason="执法规范、群众满意",
        )
        Nomination.objects.filter(pk=nomination.pk).update(state=state)
        nomination.refresh_from_db()
        return nomination

    def payload(self, action: str, obj) -> dict:
        return {"reject": {"note": "条件不符"}}.get(action, {})

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in NOMINATION_FROM[action] and who in NOMINATION_WHO[action]


MATRICES["nomination"] = NominationMatrix

DS = DeedState
DEED_FROM = {
    "submit": {DS.DRAFT, DS.REJECTED},
    "approve": {DS.SUBMITTED},
    "reject": {DS.SUBMITTED},
    "publish": {DS.APPROVED},
    "unpublish": {DS.PUBLISHED},
}
DEED_WHO = {
    "submit": {"personnel", "admin", "system", "squad_leader"},
    "approve": {"leader", "system"},
    "reject": {"leader", "system"},
    "publish": KEEPERS,
    "unpublish": KEEPERS,
}


class DeedMatrix(CertificateMatrix):
    machine = DEED_MACHINE

    def object_in(self, state: str) -> Deed:
        deed = services.deed_record(
            actor=self.users["personnel"],
            bureau=self.bureau,
            title="桥上劝下轻生女子",
            what="巡查中发现一名女子欲轻生，队员耐心劝导，将其安全劝下。",
            happened_on=dt.date(2026, 6, 1),
            place="金水河桥",
            people=[self.users["handler"]],
            consent=True,
        )
        Deed.objects.filter(pk=deed.pk).update(state=state)
        deed.refresh_from_db()
        return deed

    def payload(self, action: str, obj) -> dict:
        return {"reject": {"note": "材料不全"}, "unpublish": {"note": "本人要求撤下"}}.get(action, {})

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in DEED_FROM[action] and who in DEED_WHO[action]


MATRICES["deed"] = DeedMatrix
