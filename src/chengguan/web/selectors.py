"""Reads the web pages need beyond the foundation selectors: home-page summaries, map extent and
sub-district outlines, category search. Each takes the viewer and stays within their scope."""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet
from shapely.geometry import mapping, shape

from chengguan.grids.models import Grid, GridSetVersion
from chengguan.grids.permissions import works_assigned_grids
from chengguan.grids.selectors import grids_visible_to
from chengguan.org.models import Organisation, OrgKind, Role, StaffProfile
from chengguan.org.roles import ALL_ROLES, STAFF_ROLES
from chengguan.org.selectors import visible_organisations
from chengguan.taxonomy.models import Category
from chengguan.taxonomy.selectors import active_categories

# Twelve colours that stay apart from each other on a light background and under colour-blindness
# simulation well enough for a legend; sub-districts take them in code order so a colour never moves.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bcbd22",
    "#a0cbe8",
    "#d37295",
)
SAMPLE_SIZE = 12


def ancestors(org: Organisation) -> list[Organisation]:
    """The units above `org`, the root first (from its materialised path)."""
    ids = [int(p) for p in org.path.strip("/").split("/") if p and int(p) != org.pk]
    by_id = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def unit_grids(org: Organisation) -> QuerySet[Grid]:
    """The grids a unit answers for: a sub-district's, a community's, a squad's; the bureau's all."""
    grids = Grid.objects.select_related("community", "subdistrict", "squad")
    if org.kind == OrgKind.SUBDISTRICT:
        return grids.filter(subdistrict=org)
    if org.kind == OrgKind.COMMUNITY:
        return grids.filter(community=org)
    if org.kind == OrgKind.SQUAD:
        return grids.filter(squad=org)
    if org.kind == OrgKind.BUREAU:
        return grids.filter(subdistrict__bureau=org)
    if org.kind == OrgKind.CITY:
        return grids.filter(subdistrict__path__startswith=org.path)
    return grids.none()


@dataclass
class MyGrids:
    """What the home page shows under "my grids"."""

    scope: str  # "assigned" (an inspector's own grids) or "unit"
    total: int
    sample: list[Grid] = field(default_factory=list)


def my_grids(user, profile: StaffProfile | None) -> MyGrids | None:
    if profile is None:
        return None
    if works_assigned_grids(user):
        assigned = Grid.objects.filter(inspectors=user).select_related("community", "subdistrict", "squad")
        return MyGrids("assigned", assigned.count(), list(assigned[:SAMPLE_SIZE]))
    grids = unit_grids(profile.organisation)
    return MyGrids("unit", grids.count(), list(grids[:SAMPLE_SIZE]))


def _staff_members() -> QuerySet[StaffProfile]:
    """Profiles of bureau staff: a deputy or citizen filed under a unit is not one of its staff."""
    holders = StaffProfile.roles.through.objects.filter(role__code__in=STAFF_ROLES).values("staffprofile_id")
    return StaffProfile.objects.filter(pk__in=holders)


def colleagues(profile: StaffProfile, limit: int = 30) -> QuerySet[StaffProfile]:
    """Others in the same unit (the page masks their phones)."""
    return (
        _staff_members()
        .filter(organisation=profile.organisation)
        .exclude(pk=profile.pk)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("full_name")[:limit]
    )


def colleague_count(profile: StaffProfile) -> int:
    return _staff_members().filter(organisation=profile.organisation).exclude(pk=profile.pk).count()


def bureau_overview(bureau: Organisation) -> dict:
    """The counts a leader checks first: units by kind, grids, staff by role, partner agencies."""
    units = Organisation.objects.filter(bureau=bureau, is_active=True)
    by_kind = dict(units.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    counts = dict(
        Role.objects.filter(code__in=STAFF_ROLES)
        .annotate(n=Count("staff", filter=Q(staff__organisation__bureau=bureau)))
        .values_list("code", "n")
    )
    staff_by_role = [(code, counts[code]) for code in ALL_ROLES if counts.get(code)]
    grids_by_subdistrict = (
        Organisation.objects.filter(bureau=bureau, kind=OrgKind.SUBDISTRICT)
        .annotate(
            n_grids=Count("grids_as_subdistrict", distinct=True),
            n_communities=Count("children", filter=Q(children__kind=OrgKind.COMMUNITY), distinct=True),
        )
        .order_by("code", "pk")
    )
    partners = Organisation.objects.filter(Q(bureau=bureau) | Q(parent=bureau), kind=OrgKind.PARTNER)
    return {
        "subdistricts": by_kind.get(OrgKind.SUBDISTRICT, 0),
        "communities": by_kind.get(OrgKind.COMMUNITY, 0),
        "squads": by_kind.get(OrgKind.SQUAD, 0),
        "departments": by_kind.get(OrgKind.DEPARTMENT, 0),
        "grids": Grid.objects.filter(subdistrict__bureau=bureau).count(),
        "staff": _staff_members().filter(organisation__bureau=bureau).count(),
        "staff_by_role": staff_by_role,
        "grids_by_subdistrict": list(grids_by_subdistrict),
        "partners": list(partners.distinct().order_by("sort_order", "name")),
    }


def _grid_set_key() -> str:
    """Changes whenever any grid does, so cached outlines are never stale."""
    version = GridSetVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    agg = Grid.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    stamp = agg["last"].timestamp() if agg["last"] else 0
    return f"{version}:{agg['n']}:{stamp}"


def subdistrict_colours(user) -> list[dict]:
    """Legend rows (id, code, name, colour) for the sub-districts of the grids `user` may see.

    Colours follow the order of all sub-districts of the bureau by code, so the same sub-district has
    the same colour for every user."""
    visible_ids = set(grids_visible_to(user).values_list("subdistrict_id", flat=True).distinct())
    subs = Organisation.objects.filter(kind=OrgKind.SUBDISTRICT).order_by("bureau_id", "code", "pk")
    rows, position = [], {}
    for sub in subs:
        index = position.setdefault(sub.bureau_id, 0)
        position[sub.bureau_id] = index + 1
        if sub.pk in visible_ids:
            rows.append(
                {"id": sub.pk, "code": sub.code, "name": sub.name, "colour": PALETTE[index % len(PALETTE)]}
            )
    return rows


def map_extent(user) -> dict | None:
    """Bounding box, count and mean area of the grids `user` may see (drives the map's first view)."""
    agg = grids_visible_to(user).aggregate(
        n=Count("id"),
        min_lon=Min("min_lon"),
        min_lat=Min("min_lat"),
        max_lon=Max("max_lon"),
        max_lat=Max("max_lat"),
    )
    if not agg["n"]:
        return None
    total_area = sum(grids_visible_to(user).values_list("area_m2", flat=True))
    return {
        "count": agg["n"],
        "bbox": [agg["min_lon"], agg["min_lat"], agg["max_lon"], agg["max_lat"]],
        "mean_area_m2": total_area / agg["n"],
    }


def _outline(polygons: list) -> dict:
    """One sub-district's outline from its grids. Grids tile without overlaps, so the fast coverage
    union applies; the general union is the fallback when the tiling has floating-point seams."""
    merged = shapely.coverage_union_all(polygons)
    if not merged.is_valid or merged.geom_type not in ("Polygon", "MultiPolygon"):
        merged = shapely.union_all(polygons, grid_size=1e-7)
    return mapping(merged.simplify(1e-5))


def _outlines(subdistrict_ids: set[int]) -> dict[int, dict]:
    """Outlines of the given sub-districts, each cached until any grid changes."""
    version = _grid_set_key()
    keys = {sub_id: f"web:outline:{version}:{sub_id}" for sub_id in subdistrict_ids}
    found = cache.get_many(list(keys.values()))
    result = {sub_id: found[key] for sub_id, key in keys.items() if key in found}
    missing = subdistrict_ids - result.keys()
    if missing:
        shapes: dict[int, list] = {}
        rows = Grid.objects.filter(subdistrict_id__in=missing).values_list("subdistrict_id", "geometry")
        for sub_id, geometry in rows.iterator(chunk_size=2000):
            shapes.setdefault(sub_id, []).append(shape(geometry))
        computed = {sub_id: _outline(polys) for sub_id, polys in shapes.items()}
        cache.set_many({keys[sub_id]: outline for sub_id, outline in computed.items()}, timeout=24 * 3600)
        result.update(computed)
    return result


def subdistrict_outlines(user) -> dict:
    """GeoJSON of the outlines of the sub-districts whose grids `user` may see (low-zoom map view)."""
    legend = {row["id"]: row for row in subdistrict_colours(user)}
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {"id": sub_id, "name": legend[sub_id]["name"], "code": legend[sub_id]["code"]},
        }
        for sub_id, geometry in sorted(_outlines(set(legend)).items())
    ]
    return {"type": "FeatureCollection", "features": features}


_KIND_ORDER = {
    OrgKind.BUREAU: 0,
    OrgKind.DEPARTMENT: 1,
    OrgKind.SQUAD: 2,
    OrgKind.SUBDISTRICT: 3,
    OrgKind.COMMUNITY: 4,
    OrgKind.PARTNER: 5,
}


def _tree_key(org: Organisation) -> tuple:
    return (_KIND_ORDER.get(org.kind, 9), org.sort_order, org.code, org.name)


def visible_tree(user) -> tuple[list[tuple[Organisation, int]], list[Organisation]]:
    """The organisation tree `user` may see as (unit, depth) rows in reading order — departments,
    then squads, then sub-districts with their communities — and the partner agencies apart."""
    orgs = list(visible_organisations(user))
    partners = sorted((o for o in orgs if o.kind == OrgKind.PARTNER), key=_tree_key)
    units = [o for o in orgs if o.kind != OrgKind.PARTNER]
    ids = {o.pk for o in units}
    children: dict[int | None, list[Organisation]] = {}
    for org in units:
        parent = org.parent_id if org.parent_id in ids else None
        children.setdefault(parent, []).append(org)
    rows: list[tuple[Organisation, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for org in sorted(children.get(parent, []), key=_tree_key):
            rows.append((org, depth))
            walk(org.pk, depth + 1)

    walk(None, 0)
    return rows, partners


def unit_staff(user, org: Organisation) -> QuerySet[StaffProfile]:
    """The staff of a unit the view has checked `user` may see."""
    return (
        _staff_members()
        .filter(organisation=org)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("full_name")
    )


def search_categories(query: str = "", kind: str = "") -> QuerySet[Category]:
    """Active categories matching a code, a name (Chinese or English) or words of the criteria."""
    categories = active_categories().select_related("major")
    if kind:
        categories = categories.filter(kind=kind)
    for word in query.split():
        categories = categories.filter(
            Q(code__icontains=word)
            | Q(minor_code__icontains=word)
            | Q(name_zh__icontains=word)
            | Q(name_en__icontains=word)
            | Q(major__name_zh__icontains=word)
            | Q(filing_criteria__icontains=word)
            | Q(closing_criteria__icontains=word)
        )
    return categories.order_by("kind", "major__code", "code")
