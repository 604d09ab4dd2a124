"""Tell a citizen who left a phone number when their case is filed, dispatched and closed.

Listens to `case_changed` (sent after the case's transaction committed). Messages carry the case
number to track it by and the unit that handles it, never a member of staff's name. Each event of a
case is sent once (a re-dispatch after a return does not send a second "dispatched").
"""

from __future__ import annotations

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.signals import case_changed
from chengguan.cases.states import Action
from chengguan.messaging import sms
from chengguan.org.system import system_actor

# The channels where the person waiting is outside the bureau (patrol reports have no one to tell).
NOTIFIED_SOURCES = frozenset({CaseSource.CITIZEN, CaseSource.HOTLINE, CaseSource.DEPUTY, CaseSource.OPEN311})
SIGNATURE = "【城管】"
TEXTS = {
    Action.FILE: "您反映的问题已立案（编号{number}），我们将尽快派人处理。",
    Action.DISPATCH: "您反映的问题（编号{number}）已派遣至{unit}处理。",
    Action.CLOSE: "您反映的问题（编号{number}）已办结，可凭编号查询处理结果并评价，感谢您的监督。",
}


def message_for(case: Case, action: str) -> str:
    unit = case.handling_unit.name if case.handling_unit_id else "责任单位"
    return SIGNATURE + TEXTS[action].format(number=case.number, unit=unit)


def _on_case_changed(sender, *, case: Case, action: str, **kwargs) -> None:
    if action not in TEXTS or case.source not in NOTIFIED_SOURCES:
        return
    if not case.reporter_phone or case.is_spam:
        return
    sms.sms_queue(
        actor=system_actor(case.bureau),
        phone=case.reporter_phone,
        body=message_for(case, action),
        key=f"case:{case.pk}:{action}",
        case=case,
    )


case_changed.connect(_on_case_changed, dispatch_uid="portal.notify")
