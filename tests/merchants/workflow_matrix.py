"""The letter machine's matrix adapter (see tests/workflow_matrix.py)."""

from __future__ import annotations

import io
import random

from chengguan.merchants import services
from chengguan.merchants.models import Letter, LetterStatus
from chengguan.merchants.states import LETTER_MACHINE
from chengguan.org.roles import RoleCode
from chengguan.org.system import system_actor
from tests import factories
from tests.merchants.conftest import District, merchant_fields
from tests.workflow_matrix import Matrix

S = LetterStatus
FIELD = {"admin", "leader", "squad_leader", "handler", "inspector", "system"}
OFFICE = {"admin", "leader", "squad_leader", "system"}
# Written out by hand, independent of the table.
FROM = {
    "issue": {S.NOT_ISSUED},
    "sign": {S.NOT_ISSUED, S.ISSUED, S.REFUSED},
    "refuse": {S.NOT_ISSUED, S.ISSUED},
    "expire": {S.NOT_ISSUED, S.ISSUED, S.SIGNED, S.REFUSED},
}
WHO = {"issue": FIELD, "sign": FIELD, "refuse": FIELD, "expire": OFFICE}


class LetterMatrix(Matrix):
    machine = LETTER_MACHINE

    def setup(self) -> None:
        from tests.merchants.conftest import build_district

        self.district: District = build_district()
        self.rng = random.Random(3)
        self.count = 0
        other = factories.bureau(name="金水区城市管理局", code="410105")
        self.outsider = factories.staff(other, RoleCode.ADMIN, username="other_admin").user

    def actors(self) -> dict:
        people = {str(role): user for role, user in self.district.users.items()}
        people["handler"] = factories.staff(self.district.squad, RoleCode.HANDLER, username="m_handler").user
        people["system"] = system_actor(self.district.bureau)
        people["other_bureau_admin"] = self.outsider
        return people

    def object_in(self, state: str) -> Letter:
        self.count += 1
        actor = system_actor(self.district.bureau)
        merchant = services.merchant_create(
            actor=actor, **merchant_fields(self.rng, self.district, self.count % 8)
        )
        letter = services.letter_prepare(actor=actor, merchant=merchant, year=2026)
        Letter.objects.filter(pk=letter.pk).update(status=state)
        letter.refresh_from_db()
        return letter

    def payload(self, action: str, obj) -> dict:
        if action == "sign":
            return {"signer_name": "张建国", "method": "paper", "scan": io.BytesIO(b"%PDF-1.4 scan")}
        if action == "refuse":
            return {"reason": "店主不在"}
        return {}

    def expected_allowed(self, state: str, action: str, who: str) -> bool:
        return state in FROM[action] and who in WHO[action]


MATRICES = {"letter": LetterMatrix}
