"""Every write to unit grids: create, update, bulk import, plus the GeoJSON export.

Each write runs in one transaction that also bumps `GridSetVersion` (so every process rebuilds its
point→grid index) and appends one audit event with the changed fields. Geometry goes into the audit
trail as its sha256, which keeps the chain small while still proving which polygon was in force.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, QuerySet

from chengguan.core import audit
from chengguan.core.errors import DomainError, ValidationFailed
from chengguan.grids import codes
from chengguan.grids.codes import Problem
from chengguan.grids.errors import GridError
from chengguan.grids.geometry import (
    geometry_digest,
    grid_fields_from_geometry,
    normalise_geojson,
    shape_from_geojson,
)
from chengguan.grids.models import Grid, GridSetVersion
from chengguan.grids.permissions import can_maintain_grids
from chengguan.org import selectors as org_selectors
from chengguan.org.models import Organisation, OrgKind

User = get_user_model()
UPDATABLE_FIELDS = frozenset({"code", "name", "community", "squad", "geometry", "inspectors"})


# --- permission and checks ---------------------------------------------------------------------


def _require_grid_admin(actor, bureau_id: int | None = None) -> None:
    """Grids are back-office data (`grids.maintain`)."""
    can_maintain_grids.refuse(actor, bureau_id)


def _squad_problems(squad: Organisation | None, community: Organisation) -> list[Problem]:
    if squad is None:
        return []
    if squad.kind != OrgKind.SQUAD:
        return [Problem("squad", GridError.NOT_A_SQUAD, f"“{squad.name}”不是执法中队")]
    if community.bureau_id is not None and squad.bureau_id != community.bureau_id:
        return [
            Problem("squad", GridError.SQUAD_OTHER_BUREAU, f"执法中队“{squad.name}”不属于本网格所在的城管局")
        ]
    return []


def check_grid(
    *, code: str, community: Organisation, geometry: Any, squad: Organisation | None, exclude_pk: int | None
) -> tuple[dict, dict, list[Problem]]:
    """Validate everything about a grid at once so a user sees all problems in one answer.

    Returns the cleaned GeoJSON, the derived columns (area, bbox, centroid) and the problems.
    """
    problems = codes.grid_code_problems(code, community=community)
    if code and not problems and Grid.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        problems.append(Problem("code", GridError.CODE_TAKEN, f"网格编码 {code} 已被其他网格使用"))
    problems += _squad_problems(squad, community)
    clean_geometry: dict = {}
    derived: dict = {}
    try:
        clean_geometry = normalise_geojson(geometry)
        derived = grid_fields_from_geometry(shape_from_geojson(clean_geometry))
    except ValidationFailed as exc:
        problems.append(Problem("geometry", exc.code, exc.message))
    return clean_geometry, derived, problems


def _snapshot(grid: Grid, inspectors: Iterable | None = None) -> dict:
    users = grid.inspectors.all() if inspectors is None else inspectors
    return {
        "code": grid.code,
        "name": grid.name,
        "subdistrict_id": grid.subdistrict_id,
        "community_id": grid.community_id,
        "squad_id": grid.squad_id,
        "inspectors": sorted(u.username for u in users),
        "geometry_sha256": geometry_digest(grid.geometry),
        "area_m2": grid.area_m2,
    }


def _bump_version() -> None:
    if not GridSetVersion.objects.filter(pk=1).update(version=F("version") + 1):
        GridSetVersion.objects.create(pk=1, version=1)


# --- create and update ---------------------------------------------------------------------------


def grid_create(
    *,
    actor,
    code: str,
    community: Organisation,
    geometry: Any,
    squad: Organisation | None = None,
    name: str = "",
    inspectors: Sequence = (),
) -> Grid:
    """Add a unit grid to a community. The sub-district is the community's parent."""
    code = str(code).strip()
    _require_grid_admin(actor, community.bureau_id)
    clean_geometry, derived, problems = check_grid(
        code=code, community=community, geometry=geometry, squad=squad, exclude_pk=None
    )
    codes.raise_problems(problems)
    inspectors = list(inspectors)
    with transaction.atomic():
        grid = Grid.objects.create(
            code=code,
            name=name or "",
            subdistrict=community.parent,
            community=community,
            squad=squad,
            geometry=clean_geometry,
            **derived,
        )
        if inspectors:
            grid.inspectors.set(inspectors)
        _bump_version()
        audit.record(actor=actor, action="grid.create", obj=grid, after=_snapshot(grid, inspectors))
    return grid


def _grid_update(*, actor, grid: Grid, **fields) -> tuple[Grid, bool]:
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            f"不能修改网格字段：{', '.join(sorted(unknown))}",
            code=GridError.FIELD_NOT_EDITABLE,
            fields={name: ["该字段不可修改"] for name in sorted(unknown)},
        )
    with transaction.atomic():
        locked = (
            Grid.objects.select_for_update(of=("self",))
            .select_related("community__parent", "community__bureau")
            .get(pk=grid.pk)
        )
        old_inspectors = list(locked.inspectors.all())
        before = _snapshot(locked, old_inspectors)
        community = fields.get("community", locked.community)
        _require_grid_admin(actor, locked.community.bureau_id)
        if community.pk != locked.community_id:
            _require_grid_admin(actor, community.bureau_id)
        code = str(fields.get("code", locked.code)).strip()
        squad = fields.get("squad", locked.squad)
        clean_geometry, derived, problems = check_grid(
            code=code,
            community=community,
            geometry=fields.get("geometry", locked.geometry),
            squad=squad,
            exclude_pk=locked.pk,
        )
        codes.raise_problems(problems)
        inspectors = list(fields["inspectors"]) if "inspectors" in fields else old_inspectors
        locked.code = code
        locked.name = fields.get("name", locked.name) or ""
        locked.community = community
        locked.subdistrict = community.parent
        locked.squad = squad
        locked.geometry = clean_geometry
        for column, value in derived.items():
            setattr(locked, column, value)
        after = _snapshot(locked, inspectors)
        changed = [key for key in after if after[key] != before[key]]
        if not changed:
            return locked, False
        locked.save(
            update_fields=[
                "code",
                "name",
                "community",
                "subdistrict",
                "squad",
                "geometry",
                *derived,
                "updated_at",
            ]
        )
        if "inspectors" in changed:
            locked.inspectors.set(inspectors)
        _bump_version()
        audit.record(
            actor=actor,
            action="grid.update",
            obj=locked,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return locked, True


def grid_update(*, actor, grid: Grid, **fields) -> Grid:
    """Change a grid's code, name, community, squad, geometry or inspectors.

    Setting values equal to the current ones writes nothing (no audit event, no index rebuild).
    """
    updated, _changed = _grid_update(actor=actor, grid=grid, **fields)
    return updated


# --- import and export ---------------------------------------------------------------------------


class FeatureError(NamedTuple):
    """A rejected feature: its position in the file's `features` array, its code, and why."""

    index: int
    code: str
    reasons: list[str]


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[FeatureError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.imported + self.updated + self.unchanged + len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Resolver:
    """Looks up communities, squads and users by the codes and names a GeoJSON file carries,
    remembering each answer: one file holds thousands of grids of a few dozen communities."""

    def __init__(self, bureau: Organisation | None):
        self.bureau = bureau
        self._communities: dict[tuple[str, str, str], Organisation | None] = {}
        self._squads: dict[tuple[int | None, str], Organisation | None] = {}
        self._users: dict[str, Any] = {}

    def community(self, county: str, street: str, comm: str) -> Organisation | None:
        key = (county, street, comm)
        if key not in self._communities:
            qs = Organisation.objects.filter(
                kind=OrgKind.COMMUNITY,
                code=comm,
                parent__kind=OrgKind.SUBDISTRICT,
                parent__code=street,
                bureau__code=county,
            ).select_related("parent", "bureau")
            if self.bureau is not None:
                qs = qs.filter(bureau=self.bureau)
            self._communities[key] = qs.first()
        return self._communities[key]

    def squad(self, name: str, bureau_id: int | None) -> Organisation | None:
        key = (bureau_id, name)
        if key not in self._squads:
            qs = Organisation.objects.filter(kind=OrgKind.SQUAD, bureau_id=bureau_id)
            self._squads[key] = qs.filter(name=name).first() or qs.filter(short_name=name).first()
        return self._squads[key]

    def user(self, username: str):
        if username not in self._users:
            self._users[username] = User.objects.filter(username=username).first()
        return self._users[username]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _feature_args(feature: Any, resolver: _Resolver) -> tuple[str, dict, list[Problem]]:
    """(code, grid_create arguments, problems) for one GeoJSON feature."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return "", {}, [Problem("feature", GridError.FEATURE_INVALID, "不是 GeoJSON Feature 对象")]
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return "", {}, [Problem("properties", GridError.FEATURE_INVALID, "properties 必须是对象")]
    code = _text(props.get("code"))
    digits = codes.code_digits()
    if not code:
        return "", {}, [Problem("code", GridError.CODE_REQUIRED, "缺少网格编码（properties.code）")]
    if not (code.isascii() and code.isdigit() and len(code) == digits):
        return (
            code,
            {},
            [Problem("code", GridError.CODE_FORMAT, f"网格编码须为 {digits} 位数字，收到“{code}”")],
        )
    county, street, comm, _seq = codes.split_code(code)
    wanted = _text(props.get("community"))
    if len(wanted) == codes.PREFIX_DIGITS and wanted.isdigit():
        county, street, comm = wanted[:6], wanted[6:9], wanted[9:]
    elif len(wanted) == codes.COMMUNITY_DIGITS and wanted.isdigit():
        comm = wanted
    elif wanted:
        return (
            code,
            {},
            [
                Problem(
                    "community", GridError.COMMUNITY_FORMAT, f"社区代码须为 3 位或 12 位数字，收到“{wanted}”"
                )
            ],
        )
    community = resolver.community(county, street, comm)
    if community is None:
        where = f"{county}{street}{comm}"
        return (
            code,
            {},
            [Problem("community", GridError.UNKNOWN_COMMUNITY, f"找不到社区 {where}（区县+街道+社区代码）")],
        )
    problems: list[Problem] = []
    squad = None
    squad_name = _text(props.get("squad"))
    if squad_name:
        squad = resolver.squad(squad_name, community.bureau_id)
        if squad is None:
            problems.append(Problem("squad", GridError.UNKNOWN_SQUAD, f"找不到执法中队“{squad_name}”"))
    raw_inspectors = props.get("inspectors") or []
    if isinstance(raw_inspectors, str):
        raw_inspectors = [part for part in raw_inspectors.replace("，", ",").split(",") if part.strip()]
    inspectors = []
    for username in raw_inspectors:
        user = resolver.user(_text(username))
        if user is None:
            problems.append(
                Problem("inspectors", GridError.UNKNOWN_INSPECTOR, f"找不到监督员账号“{username}”")
            )
        else:
            inspectors.append(user)
    args = {
        "code": code,
        "community": community,
        "geometry": feature.get("geometry"),
        "squad": squad,
        "name": _text(props.get("name")),
        "inspectors": inspectors,
    }
    return code, args, problems


def grids_import(
    *, actor, features: Iterable[dict], progress: Callable[[int], Any] | None = None
) -> ImportReport:
    """Create or update one grid per GeoJSON feature; a bad feature is reported, the rest are saved.

    A feature whose code exists updates that grid in place, so importing the same file twice
    changes nothing the second time. `progress(1)` is called after each feature (tqdm's `update`).
    Properties: `code` (required), `name`, `community` (3-digit code, or 12-digit county+street+
    community; default: the code's digits), `squad` (squad name), `inspectors` (usernames).
    """
    if isinstance(features, dict):
        features = (
            features.get("features", [features])
            if features.get("type") == "FeatureCollection"
            else [features]
        )
    _require_grid_admin(actor)
    bureau = None if org_selectors.sees_everything(actor) else org_selectors.bureau_of(actor)
    resolver = _Resolver(bureau)
    report = ImportReport()
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        code, args, problems = _feature_args(feature, resolver)
        if code and code in seen:
            problems.append(
                Problem(
                    "code",
                    GridError.CODE_DUPLICATE_IN_FILE,
                    f"网格编码 {code} 在文件中重复（同第 {seen[code]} 个要素）",
                )
            )
        elif code:
            seen[code] = index
        if not problems:
            try:
                existing = Grid.objects.filter(code=code).first()
                if existing is None:
                    grid_create(actor=actor, **args)
                    report.imported += 1
                else:
                    _grid, changed = _grid_update(actor=actor, grid=existing, **args)
                    if changed:
                        report.updated += 1
                    else:
                        report.unchanged += 1
            except DomainError as exc:
                problems = _problems_of(exc)
        if problems:
            report.errors.append(FeatureError(index, code, [str(p) for p in problems]))
        if progress is not None:
            progress(1)
    return report


def _problems_of(exc: DomainError) -> list[Problem]:
    if not exc.fields:
        return [Problem("", exc.code, exc.message)]
    return [Problem(name, exc.code, message) for name, messages in exc.fields.items() for message in messages]


def grid_feature(grid: Grid) -> dict:
    """One grid as a GeoJSON Feature whose properties `grids_import` reads back unchanged."""
    return {
        "type": "Feature",
        "id": grid.code,
        "geometry": grid.geometry,
        "properties": {
            "code": grid.code,
            "name": grid.name,
            "subdistrict": grid.subdistrict.code,
            "subdistrict_name": grid.subdistrict.name,
            "community": grid.community.code,
            "community_name": grid.community.name,
            "squad": grid.squad.name if grid.squad else "",
            "area_m2": grid.area_m2,
            "inspectors": sorted(u.username for u in grid.inspectors.all()),
        },
    }


def grids_export(queryset: QuerySet[Grid] | None = None) -> dict:
    """A GeoJSON FeatureCollection (WGS-84) of the grids, ordered by code."""
    qs = Grid.objects.all() if queryset is None else queryset
    qs = (
        qs.select_related("subdistrict", "community", "squad").prefetch_related("inspectors").order_by("code")
    )
    return {"type": "FeatureCollection", "features": [grid_feature(grid) for grid in qs]}
