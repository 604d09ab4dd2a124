"""Driving a case along the happy path through the services, to put it into any state."""

from __future__ import annotations

from chengguan.cases.models import Case, CaseSource
from chengguan.cases.services import case_report, case_transition
from chengguan.cases.states import CaseState
from chengguan.org.roles import RoleCode as R
from tests.cases.media import jpeg_upload

# Each state and the steps (action, role, payload) that reach it from `reported`.
_FILE = ("file", R.OPERATOR, {})
_DISPATCH = ("dispatch", R.DISPATCHER, {})
_ACCEPT = ("accept", R.HANDLER, {})
_HANDLE = ("handle", R.HANDLER, {"result": "已拆除"})
_VERIFY = ("verify", R.INSPECTOR, {})
PATHS: dict[str, list[tuple[str, str, dict]]] = {
    CaseState.REPORTED: [],
    CaseState.FILED: [_FILE],
    CaseState.NOT_FILED: [("not_file", R.OPERATOR, {"reason": "不属于城管职责"})],
    CaseState.MERGED: [("merge", R.OPERATOR, {})],
    CaseState.CANCELLED: [("cancel", R.SHIFT_LEADER, {"reason": "重复录入"})],
    CaseState.DISPATCHED: [_FILE, _DISPATCH],
    CaseState.RETURNED: [_FILE, _DISPATCH, ("return", R.HANDLER, {"reason": "非本单位职责"})],
    CaseState.IN_HANDLING: [_FILE, _DISPATCH, _ACCEPT],
    CaseState.SUSPENDED: [_FILE, _DISPATCH, _ACCEPT, ("suspend", R.SHIFT_LEADER, {"reason": "待业主配合"})],
    CaseState.HANDLED: [_FILE, _DISPATCH, _ACCEPT, _HANDLE],
    CaseState.REWORK: [_FILE, _DISPATCH, _ACCEPT, _HANDLE, ("rework", R.INSPECTOR, {"reason": "仍有残留"})],
    CaseState.VERIFIED: [_FILE, _DISPATCH, _ACCEPT, _HANDLE, _VERIFY],
    CaseState.CLOSED: [
        _FILE,
        _DISPATCH,
        _ACCEPT,
        _HANDLE,
        _VERIFY,
        ("close", R.OPERATOR, {"disposition": "service"}),
    ],
}


def report(district, *, grid: int = 0, role: str = R.INSPECTOR, category=None, **kwargs) -> Case:
    """A fresh case reported at the centre of grid `grid`."""
    lon, lat = district.point(grid)
    kwargs.setdefault("source", CaseSource.PATROL if role == R.INSPECTOR else CaseSource.HOTLINE)
    kwargs.setdefault("description", "人行道上堆放建筑垃圾")
    return case_report(
        actor=district.users[role],
        category=category or district.hours_category,
        lon=kwargs.pop("lon", lon),
        lat=kwargs.pop("lat", lat),
        **kwargs,
    ).case


def step_payload(district, case: Case, action: str, payload: dict) -> dict:
    """Fill in what an action needs that cannot be written down in advance (photos, targets)."""
    payload = dict(payload)
    lon, lat = case.lon, case.lat
    if action == "handle":
        payload.setdefault("photos", [jpeg_upload()])
    if action == "verify":
        payload.setdefault("photo", jpeg_upload())
        payload.setdefault("photo_lon", lon)
        payload.setdefault("photo_lat", lat)
    if action == "merge" and "target" not in payload:
        payload["target"] = report(district, description="同一处建筑垃圾").pk
    return payload


def drive(district, state: str, case: Case | None = None, **report_kwargs) -> Case:
    """A case in `state`, reached through the services (a new one unless `case` is given)."""
    case = case or report(district, **report_kwargs)
    for action, role, payload in PATHS[state]:
        payload = step_payload(district, case, action, payload)
        case = case_transition(actor=district.users[role], case=case, action=action, **payload)
    return Case.objects.get(pk=case.pk)
