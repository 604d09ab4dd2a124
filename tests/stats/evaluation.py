"""A small hand-counted September for the evaluation tests: each case below is there for one
indicator, and the expected figures are counted by hand in `EXPECTED`."""

from __future__ import annotations

import datetime as dt

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.services import case_transition
from chengguan.cases.supervision import supervision_create
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.org.roles import RoleCode as R
from tests.cases import flow

SEP = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
MON = dt.datetime(2026, 9, 14, 9, 30, tzinfo=SHANGHAI)
# The eve of National Day: 3 working days from here run past the week's holiday to Saturday 10
# October (a make-up working day), 18:00.
EVE = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
NOW = dt.datetime(2026, 10, 20, 10, 0, tzinfo=SHANGHAI)


def at(moment: dt.datetime, district, case: Case, action: str, role: str, **payload) -> Case:
    with pinned(moment):
        payload = flow.step_payload(district, case, action, payload)
        return case_transition(actor=district.users[role], case=case, action=action, **payload)


def september(district) -> dict[str, Case]:
    """The fixture's cases by name (see the module docstring of tests/stats/test_evaluation.py)."""
    d, c = district, {}
    with pinned(MON):
        c["closed_service"] = flow.drive(d, "closed")
        verified = flow.drive(d, "verified")
        c["closed_management"] = case_transition(
            actor=d.users[R.OPERATOR], case=verified, action="close", disposition="management"
        )
        c["reworked"] = flow.drive(d, "rework")
        c["extended"] = flow.drive(d, "in_handling")
        c["redispatched"] = flow.drive(d, "dispatched", grid=1)
        c["supervised"] = flow.drive(d, "filed", grid=3)
        c["spam"] = flow.drive(d, "closed")
        c["cancelled"] = case_transition(  # filed, then cancelled
            actor=d.users[R.SHIFT_LEADER], case=flow.drive(d, "filed"), action="cancel", reason="重复录入"
        )
        c["not_filed"] = flow.drive(d, "not_filed")
        c["reported_only"] = flow.drive(d, "reported")
        c["merged"] = flow.drive(d, "merged")
        c["hotline"] = flow.drive(d, "filed", role=R.OPERATOR, source=CaseSource.HOTLINE)
    c["merge_target"] = Case.objects.get(pk=c["merged"].merged_into_id)
    Case.objects.filter(pk=c["spam"].pk).update(is_spam=True, spam_reason="恶意重复举报")
    at(MON, d, c["extended"], "request_extension", R.HANDLER, amount=2, unit="working_days", reason="待材料")
    at(MON, d, c["extended"], "approve_extension", R.DISPATCHER, note="同意")
    # Past the 4 working hours of the category, within the 2 days of the extension: on time.
    at(MON + dt.timedelta(days=1), d, c["extended"], "handle", R.HANDLER, result="已清理")
    at(MON, d, c["redispatched"], "redispatch", R.DISPATCHER, unit=d.department.pk, reason="非本单位职责")
    with pinned(MON):
        supervision_create(actor=d.users[R.LEADER], case=c["supervised"], level="normal", instruction="尽快")
    # Across National Day, in grid 2: one fed back on the last working day before its due time, one
    # after it.
    for name, handled in (
        ("holiday_on_time", dt.datetime(2026, 10, 10, 17, 0, tzinfo=SHANGHAI)),
        ("holiday_late", dt.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)),
    ):
        with pinned(EVE):
            case = flow.drive(d, "in_handling", grid=2, category=d.days_category)
        late = {"delay_reason": "节后人员未到岗"} if name == "holiday_late" else {}
        c[name] = at(handled, d, case, "handle", R.HANDLER, result="已清理", **late)
    # Filed in August: outside the period's cohort.
    with pinned(dt.datetime(2026, 8, 20, 10, 0, tzinfo=SHANGHAI)):
        c["august"] = flow.drive(d, "closed")
    return {k: Case.objects.get(pk=v.pk) for k, v in c.items()}


# Counted by hand from `september` (now = NOW):
#   reported (not spam, reported in Sept): every case but spam and august         = 14
#   valid reports (ever filed): closed ×2, reworked, extended, redispatched, supervised, hotline,
#     cancelled (filed before it was cancelled), holiday ×2                        = 10
#   filed cohort (filed in Sept; no spam, cancelled, merged): closed ×2, reworked, extended,
#     redispatched, supervised, hotline, holiday ×2                               = 9
#   dispatched: closed ×2, reworked, extended, redispatched, holiday ×2           = 7
#   handled: closed ×2, reworked (fed back before the rework), extended, holiday ×2 = 6
#   handled on time: all of those but holiday_late                                = 5
#   closed: 2 (one service, one management); reworked 1; extended 1; redispatched 1; supervised 1
#   overdue open: reworked (its clock restarted on 14 Sept), redispatched          = 2
EXPECTED = {
    "reported": 14,
    "valid_reports": 10,
    "valid_report_rate": 10 / 14,
    "filed": 9,
    "dispatched": 7,
    "handled": 6,
    "handling_rate": 6 / 7,
    "handled_on_time": 5,
    "on_time_handling_rate": 5 / 7,
    "closed": 2,
    "close_rate": 2 / 9,
    "reworked": 1,
    "rework_rate": 1 / 7,
    "extended": 1,
    "extension_rate": 1 / 7,
    "overdue_open": 2,
    "overdue_open_rate": 2 / 7,
    "redispatched": 1,
    "accurate_dispatch_rate": 1 - 1 / 7,
    "supervised": 1,
    "with_disposition": 2,
    "service_closed": 1,
    "management_closed": 1,
    "enforcement_closed": 0,
    "service_share": 0.5,
    "management_share": 0.5,
    "enforcement_share": 0.0,
    "penalty_filed": 0,
    "evaluation_participation_rate": None,
    "file_qualified_rate": None,
    "decisions_changed_rate": None,
    "letter_coverage": None,
}
