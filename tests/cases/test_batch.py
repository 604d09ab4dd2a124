"""The bulk case writer gives what the single-case services give, step for step."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from chengguan.cases.batch import Step, apply_steps
from chengguan.cases.models import Case, CaseDelay, CaseEvidence, CaseExtension
from chengguan.cases.services import case_report, case_transition
from chengguan.core import audit, clock
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from tests.cases.conftest import QUIET_MOMENT
from tests.cases.media import jpeg_bytes

# Rows that hang off a case and are named by id in audit payloads: their ids may differ between runs.
ID_KEYS = frozenset({"extension", "supervision", "evidence"})
AFTER = jpeg_bytes(color=(20, 140, 60))
VERIFY = jpeg_bytes(color=(40, 60, 160))


def _plan(d) -> list[Step]:
    """Three cases over two days: the long way round (return, extension, a late handling with its
    delay reason, rework, close, evaluation), one not filed, and one suspended and resumed."""
    u = d.users
    t0 = QUIET_MOMENT
    lon, lat = d.point(0)

    def at(minutes: float) -> dt.datetime:
        return t0 + dt.timedelta(minutes=minutes)

    def act(minutes, role, case, action, **payload) -> Step:
        return Step(at=at(minutes), actor=u[role], action=action, case=case, payload=payload)

    report = {"category": d.hours_category, "lon": lon, "lat": lat, "description": "人行道上堆放建筑垃圾"}
    return [
        Step(at(0), u[R.INSPECTOR], "report", {**report, "source": "patrol", "photos": [AFTER]}, label="a"),
        Step(
            at(5),
            u[R.OPERATOR],
            "report",
            {
                **report,
                "source": "hotline",
                "category": d.days_category,
                "reporter_name": "王女士",
                "reporter_phone": "13812345678",
                "idempotency_key": "call-1",
            },
            label="b",
        ),
        Step(
            at(7), u[R.INSPECTOR], "report", {**report, "source": "patrol", "lon": d.point(1)[0]}, label="c"
        ),
        act(10, R.OPERATOR, "a", "file"),
        act(12, R.OPERATOR, "b", "not_file", reason="不属于城管职责"),
        act(14, R.OPERATOR, "c", "file"),
        act(20, R.DISPATCHER, "a", "dispatch"),
        act(22, R.DISPATCHER, "c", "dispatch"),
        act(30, R.HANDLER, "a", "return", reason="非本单位职责"),
        act(40, R.DISPATCHER, "a", "dispatch", unit=d.squad),
        act(45, R.HANDLER, "a", "accept"),
        act(46, R.HANDLER, "c", "accept"),
        act(50, R.HANDLER, "a", "request_extension", amount=2, unit="working_hours", reason="需采购材料"),
        act(55, R.DISPATCHER, "a", "approve_extension", note="同意"),
        act(60, R.SHIFT_LEADER, "c", "suspend", reason="待产权单位答复"),
        # The next morning, past the 6 working hours the squad had: late, with its reason.
        act(24 * 60, R.HANDLER, "a", "handle", result="已清理", photos=[AFTER], delay_reason="材料到货晚"),
        act(24 * 60 + 10, R.SHIFT_LEADER, "c", "resume"),
        act(24 * 60 + 30, R.INSPECTOR, "a", "rework", reason="仍有残留"),
        act(24 * 60 + 90, R.HANDLER, "a", "handle", result="已彻底清理", photos=[AFTER]),
        act(
            24 * 60 + 120,
            R.INSPECTOR,
            "a",
            "verify",
            photo=VERIFY,
            photo_lon=lon,
            photo_lat=lat,
            photo_taken_at=at(24 * 60 + 118),
        ),
        act(24 * 60 + 125, R.OPERATOR, "a", "close", disposition="management"),
        act(24 * 60 + 200, R.LEADER, "a", "evaluate", score=4, comment="处置及时"),
    ]


def _one_by_one(steps: list[Step]) -> dict[str, Case]:
    """The same plan through `case_report` and `case_transition`, one call per step."""
    cases: dict[str, Case] = {}
    for step in steps:
        with clock.pinned(step.at):
            if step.action == "report":
                cases[step.label] = case_report(actor=step.actor, **step.payload).case
            else:
                case_transition(actor=step.actor, case=cases[step.case], action=step.action, **step.payload)
    return cases


def _normalised(value):
    if isinstance(value, dict):
        return {k: ("<id>" if k in ID_KEYS else _normalised(v)) for k, v in value.items()}
    return value


def _observed(cases: dict[str, Case]) -> dict:
    """What a user sees of each case: every column but its id and the wall-clock `updated_at`, its
    evidence and delays, and its audit trail (actions, actors, times and before/after)."""
    out = {}
    for label, case in cases.items():
        row = Case.objects.filter(pk=case.pk).values().get()
        del row["id"], row["updated_at"]
        events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).order_by("id")
        out[label] = {
            "case": row,
            "evidence": list(
                CaseEvidence.objects.filter(case=case)
                .order_by("id")
                .values_list("stage", "sha256", "size", "taken_at", "lon", "lat", "uploaded_by", "created_at")
            ),
            "delays": list(
                CaseDelay.objects.filter(case=case).values_list("stage", "due_at", "acted_at", "reason")
            ),
            "extensions": list(
                CaseExtension.objects.filter(case=case).values_list("amount", "unit", "status")
            ),
            "audit": [
                (e.action, e.actor_label, e.created_at, _normalised(e.before), _normalised(e.after))
                for e in events
            ],
        }
    return out


class _Undo(Exception):
    pass


def _run_and_undo(run) -> dict:
    """Run, observe, and roll back, so the next run starts from the same database (case numbers too)."""
    try:
        with transaction.atomic():
            seen = _observed(run())
            raise _Undo
    except _Undo:
        pass
    return seen


def test_a_plan_played_in_bulk_gives_what_the_services_give_one_call_at_a_time(district):
    steps = _plan(district)
    single = _run_and_undo(lambda: _one_by_one(steps))

    result = apply_steps(steps, announce=False)
    assert result.refused == []
    batch = _observed(result.cases)

    assert batch == single
    a = batch["a"]["case"]
    assert (a["state"], a["rework_count"], a["return_count"], a["evaluation_score"]) == ("closed", 1, 1, 4)
    assert [d[3] for d in batch["a"]["delays"]] == ["材料到货晚"]  # the late first handling
    assert [e[0] for e in batch["a"]["audit"]][:3] == ["case.report", "case.file", "case.dispatch"]
    assert batch["b"]["case"]["state"] == "not_filed" and batch["c"]["case"]["state"] == "in_handling"
    assert audit.verify_chain().ok


def test_a_refused_step_changes_nothing_of_its_case_and_the_others_go_through(district):
    u = district.users
    lon, lat = district.point(0)
    t0 = QUIET_MOMENT
    report = {
        "source": "patrol",
        "category": district.hours_category,
        "lon": lon,
        "lat": lat,
        "description": "井盖破损",
    }
    steps = [
        Step(t0, u[R.INSPECTOR], "report", report, label="a"),
        Step(t0, u[R.INSPECTOR], "report", report, label="b"),
        Step(t0 + dt.timedelta(minutes=1), u[R.INSPECTOR], "report", {**report, "lon": 0.0}, label="outside"),
        Step(t0 + dt.timedelta(minutes=2), u[R.OPERATOR], "file", case="a"),
        Step(t0 + dt.timedelta(minutes=2), u[R.OPERATOR], "file", case="b"),
        # An operator may not dispatch; nobody may accept a case that is not dispatched yet.
        Step(t0 + dt.timedelta(minutes=3), u[R.OPERATOR], "dispatch", case="a"),
        Step(t0 + dt.timedelta(minutes=3), u[R.HANDLER], "accept", case="a"),
        Step(t0 + dt.timedelta(minutes=3), u[R.DISPATCHER], "dispatch", case="b"),
        Step(t0 + dt.timedelta(minutes=4), u[R.HANDLER], "handle", case="b", payload={"result": ""}),
        Step(t0 + dt.timedelta(minutes=4), u[R.HANDLER], "accept", case="b"),
    ]
    events_before = AuditEvent.objects.count()

    result = apply_steps(steps, announce=False)

    assert [(r.action, r.code) for r in result.refused] == [
        ("report", "case.outside_jurisdiction"),
        ("dispatch", "case.role_forbidden"),
        ("accept", "case.invalid_transition"),
        ("handle", "case.invalid_transition"),
    ]
    assert result.refused[1].case.pk == result.cases["a"].pk
    assert "outside" not in result.cases
    a, b = (Case.objects.get(pk=result.cases[k].pk) for k in "ab")
    assert (a.state, a.handling_unit_id, a.dispatched_at) == ("filed", None, None)
    assert (b.state, b.handling_unit_id) == ("in_handling", district.squad.pk)
    actions = list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(a.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["case.report", "case.file"]
    # Two reports, two filings, a dispatch and an acceptance: one event each, nothing for the refused.
    assert AuditEvent.objects.count() - events_before == 6
    # No number was spent on the refused report: the two cases are numbered one after the other.
    assert int(b.number[-6:]) - int(a.number[-6:]) == 1
    assert audit.verify_chain().ok


def test_photos_with_the_same_content_are_stored_once(district, _fast_tests):
    u = district.users
    lon, lat = district.point(0)
    report = {
        "source": "patrol",
        "category": district.hours_category,
        "lon": lon,
        "lat": lat,
        "description": "乱堆物料",
    }
    steps = [
        Step(
            QUIET_MOMENT + dt.timedelta(minutes=k),
            u[R.INSPECTOR],
            "report",
            {**report, "photos": [AFTER]},
            label=str(k),
        )
        for k in range(5)
    ]
    result = apply_steps(steps, announce=False)
    assert len(result.cases) == 5
    rows = CaseEvidence.objects.filter(case__in=result.cases.values())
    assert rows.count() == 5 and len(set(rows.values_list("sha256", flat=True))) == 1
    assert len(set(rows.values_list("file", flat=True))) == 1
    stored = [p for p in Path(_fast_tests).rglob("*") if p.is_file() and "thumbs" not in p.parts]
    assert len(stored) == 1 and stored[0].read_bytes() == AFTER


def test_record_many_chains_like_record_one_at_a_time(district):
    case = case_report(
        actor=district.users[R.INSPECTOR],
        source="patrol",
        category=district.hours_category,
        lon=district.point(0)[0],
        lat=district.point(0)[1],
        description="路灯不亮",
    ).case
    with transaction.atomic():
        events = [
            audit.PendingEvent(None, "test.bulk", case, {"n": k}, {"n": k + 1}, created_at=QUIET_MOMENT)
            for k in range(250)
        ]
        audit.record_many(events, batch_size=100)
        audit.record(actor=None, action="test.after", obj=case)
    report = audit.verify_chain()
    assert report.ok and report.count == AuditEvent.objects.count()
    assert AuditEvent.objects.filter(action="test.bulk").count() == 250
