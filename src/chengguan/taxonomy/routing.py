"""Proposing the handling unit for a case from the routing rules (派遣规则).

The dispatcher (派遣员) gets a proposal, not a decision: the most specific active rule wins. Area comes
first (a grid rule beats a community rule beats a sub-district rule beats a district-wide one), then
the bureau (a bureau's own rule beats the installation's default for every bureau), then the
category (a minor-class rule beats a major-class rule beats a catch-all). Equal rules are broken by the
lowest id, so the same case always gets the same proposal.
"""

from __future__ import annotations

from django.db.models import Q

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation
from chengguan.taxonomy.models import Category, RoutingRule


def area_rank(rule: RoutingRule) -> int:
    """3 grid, 2 community, 1 sub-district, 0 anywhere."""
    if rule.grid_id:
        return 3
    if rule.community_id:
        return 2
    if rule.subdistrict_id:
        return 1
    return 0


def bureau_rank(rule: RoutingRule) -> int:
    """1 the bureau's own rule, 0 the installation's default."""
    return 1 if rule.bureau_id else 0


def category_rank(rule: RoutingRule) -> int:
    """2 minor class, 1 major class, 0 any category."""
    if rule.category_id:
        return 2
    if rule.major_id:
        return 1
    return 0


def matching_rules(*, category: Category, grid: Grid | None) -> list[RoutingRule]:
    """Active rules that apply to `category` in `grid`, most specific first."""
    rules = RoutingRule.objects.filter(is_active=True, handler__is_active=True).filter(
        Q(category__isnull=True) | Q(category=category),
        Q(major__isnull=True) | Q(major_id=category.major_id),
    )
    if grid is None:
        rules = rules.filter(grid__isnull=True, community__isnull=True, subdistrict__isnull=True)
        rules = rules.filter(bureau__isnull=True)
    else:
        grid_bureau = Organisation.objects.filter(pk=grid.subdistrict_id).values("bureau_id")
        rules = rules.filter(
            Q(grid__isnull=True) | Q(grid=grid),
            Q(community__isnull=True) | Q(community_id=grid.community_id),
            Q(subdistrict__isnull=True) | Q(subdistrict_id=grid.subdistrict_id),
            Q(bureau__isnull=True) | Q(bureau_id__in=grid_bureau),
        )
    return sorted(
        rules.select_related("handler"),
        key=lambda r: (-area_rank(r), -bureau_rank(r), -category_rank(r), r.pk),
    )


def handler_for(rule: RoutingRule, grid: Grid | None) -> Organisation:
    """The rule's organisation; a grid-squad rule names the squad of the case's grid when it has one."""
    if rule.use_grid_squad and grid is not None and grid.squad_id:
        return grid.squad
    return rule.handler


def propose_handler(*, category: Category, grid: Grid | None) -> Organisation | None:
    """The organisation proposed to handle a case of `category` in `grid`, or None if no rule applies."""
    rules = matching_rules(category=category, grid=grid)
    return handler_for(rules[0], grid) if rules else None
