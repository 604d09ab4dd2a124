"""Each deadline derived by hand from the law around the 2026 Spring Festival (off Feb 15–23; Sat Feb 14
and Sat Feb 28 worked) and National Day (off Oct 1–7; Sun Sep 20 and Sat Oct 10 worked), and the
`legal-periods` command printing the same dates. The start day is never counted."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chengguan.enforcement import periods

D = dt.date

# (event, start, period id, due date derived by hand)
HAND_DERIVED = [
    # 缴纳罚款 15 days (APL Art.67): Feb 5 + 15 = Feb 20, a Spring Festival day;
    # Feb 21–23 off too → Tue Feb 24.
    ("decision_served", D(2026, 2, 5), "apl_fine_payment", D(2026, 2, 24)),
    # Feb 13 + 15 = Sat Feb 28, a worked Saturday: no roll.
    ("decision_served", D(2026, 2, 13), "apl_fine_payment", D(2026, 2, 28)),
    # Sep 22 + 15 = Oct 7, National Day → Thu Oct 8.
    ("decision_served", D(2026, 9, 22), "apl_fine_payment", D(2026, 10, 8)),
    # 复议 60 days (ARL Art.20): Sep 22 + 8 = Sep 30, +31 = Oct 31, +21 = Sat Nov 21 → Mon Nov 23.
    ("decision_served", D(2026, 9, 22), "arl_application_period", D(2026, 11, 23)),
    # 起诉 6 months (ALL Art.46): Apr 7 → Oct 7, National Day → Oct 8.
    ("decision_served", D(2026, 4, 7), "all_direct_suit", D(2026, 10, 8)),
    # 送达决定书 7 working days (APL Art.61): from Thu Feb 12: 13(1) Sat 14(2) | 15–23 off | 24(3) 25(4)
    # 26(5) 27(6) Sat 28(7).
    ("decided", D(2026, 2, 12), "apl_service_of_decision", D(2026, 2, 28)),
    # From Mon Sep 28: 29(1) 30(2) | Oct 1–7 off | 8(3) 9(4) Sat 10(5) | Sun 11 | 12(6) 13(7).
    ("decided", D(2026, 9, 28), "apl_service_of_decision", D(2026, 10, 13)),
    # 听证申请 5 working days (APL Art.64): from Wed Feb 11: 12(1) 13(2) Sat 14(3) | off | 24(4) 25(5).
    ("notice_served", D(2026, 2, 11), "apl_hearing_request", D(2026, 2, 25)),
    # From Fri Sep 18: Sat 19 rest | Sun 20 worked(1) 21(2) 22(3) 23(4) 24(5).
    ("notice_served", D(2026, 9, 18), "apl_hearing_request", D(2026, 9, 24)),
    # 催告后等待 10 working days (ACL Art.54): from Tue Feb 10: 11(1) 12(2) 13(3) Sat 14(4) | off |
    # 24(5) 25(6) 26(7) 27(8) Sat 28(9) | Sun Mar 1 | Mon Mar 2(10).
    ("reminder_served", D(2026, 2, 10), "acl_reminder_before_court_application", D(2026, 3, 2)),
    # From Fri Sep 25: 26–27 weekend | 28(1) 29(2) 30(3) | off | Oct 8(4) 9(5) Sat 10(6) | 11 |
    # 12(7) 13(8) 14(9) 15(10).
    ("reminder_served", D(2026, 9, 25), "acl_reminder_before_court_application", D(2026, 10, 15)),
    # 申请法院强制执行 3 months (ACL Art.53): Jul 7 → Oct 7, National Day → Oct 8.
    ("reconsideration_period_ended", D(2026, 7, 7), "acl_court_application_window", D(2026, 10, 8)),
    # Nov 20, 2025 → Feb 20, 2026, Spring Festival → Feb 24.
    ("reconsideration_period_ended", D(2025, 11, 20), "acl_court_application_window", D(2026, 2, 24)),
    # 作出决定 90 days (APL Art.60): Nov 21, 2025: +9 = Nov 30, +31 = Dec 31 (40), +31 = Jan 31 (71),
    # +19 = Feb 19 (90), Spring Festival → Feb 24.
    ("filed", D(2025, 11, 21), "apl_decision_deadline", D(2026, 2, 24)),
    # Jul 3: +28 = Jul 31, +31 = Aug 31 (59), +30 = Sep 30 (89), Oct 1 (90), National Day → Oct 8.
    ("filed", D(2026, 7, 3), "apl_decision_deadline", D(2026, 10, 8)),
]


def _command(*args) -> dict:
    out = StringIO()
    call_command("legal_periods", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("event", "start", "period_id", "due"), HAND_DERIVED)
def test_deadline_matches_the_hand_count_and_the_command(event, start, period_id, due):
    computed = {d.period_id: d for d in periods.deadlines_for_event(event, start)}
    assert computed[period_id].due_on == due
    printed = {d["period_id"]: d for d in _command("--event", event, "--on", start.isoformat())["deadlines"]}
    assert printed[period_id]["due_on"] == due.isoformat()
    assert printed[period_id]["article"]


def test_decision_served_starts_payment_reconsideration_and_litigation():
    printed = _command("--event", "decision_served", "--on", "2026-09-22")
    assert {d["period_id"]: d["article"] for d in printed["deadlines"]} == {
        "apl_fine_payment": "APL Art.67 para.3",
        "arl_application_period": "ARL Art.20",
        "all_direct_suit": "ALL Art.46",
    }


def test_hearing_notice_is_counted_back_from_the_hearing():
    # 7 working days before Tue Oct 13: 12(1) Sat 10(2) 9(3) 8(4) | Oct 1–7 off | Sep 30(5) 29(6) 28(7).
    [notice] = periods.deadlines_for_event("hearing", D(2026, 10, 13))
    assert notice.due_on == D(2026, 9, 28)


def test_unknown_event_and_missing_arguments_are_refused():
    with pytest.raises(CommandError):
        _command("--event", "filed")
    with pytest.raises(CommandError):
        _command()
    with pytest.raises(CommandError):
        _command("--case", "no such case")
