"""The life of a responsibility letter, declared once: (state, action) → target state and who may act.

The same table drives `services.letter_transition`, the buttons on the merchant page and the API's
`actions` field.
"""

from __future__ import annotations

from dataclasses import dataclass

from chengguan.merchants.models import LetterStatus as S
from chengguan.org import selectors as org_selectors
from chengguan.org.roles import RoleCode as R

FIELD_ROLES = frozenset({R.ADMIN, R.LEADER, R.SQUAD_LEADER, R.HANDLER, R.INSPECTOR})
OFFICE_ROLES = frozenset({R.ADMIN, R.LEADER, R.SQUAD_LEADER})


@dataclass(frozen=True)
class Rule:
    target: str
    roles: frozenset[str]
    label: str


LETTER_TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.NOT_ISSUED, "issue"): Rule(S.ISSUED, FIELD_ROLES, "发放"),
    (S.NOT_ISSUED, "sign"): Rule(S.SIGNED, FIELD_ROLES, "登记签订"),
    (S.ISSUED, "sign"): Rule(S.SIGNED, FIELD_ROLES, "登记签订"),
    (S.REFUSED, "sign"): Rule(S.SIGNED, FIELD_ROLES, "登记签订"),
    (S.NOT_ISSUED, "refuse"): Rule(S.REFUSED, FIELD_ROLES, "登记拒签"),
    (S.ISSUED, "refuse"): Rule(S.REFUSED, FIELD_ROLES, "登记拒签"),
    (S.NOT_ISSUED, "expire"): Rule(S.EXPIRED, OFFICE_ROLES, "作废"),
    (S.ISSUED, "expire"): Rule(S.EXPIRED, OFFICE_ROLES, "作废"),
    (S.SIGNED, "expire"): Rule(S.EXPIRED, OFFICE_ROLES, "作废"),
    (S.REFUSED, "expire"): Rule(S.EXPIRED, OFFICE_ROLES, "作废"),
}


def allowed(actor, rule: Rule) -> bool:
    return actor is None or org_selectors.has_role(actor, *rule.roles)


def available_actions(actor, status: str) -> list[tuple[str, str]]:
    """(action, label) pairs `actor` may apply to a letter in `status`."""
    return [
        (action, rule.label)
        for (state, action), rule in LETTER_TRANSITIONS.items()
        if state == status and allowed(actor, rule)
    ]
