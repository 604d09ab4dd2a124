"""Who reads the evaluation (综合评价): the bureau's leadership and the command centre's shift
leader, a squad leader for their own unit's cases, a city leader across their bureaus. What each
sees is further scoped by `cases.selectors.cases_visible_to`, like every case list."""

from __future__ import annotations

from chengguan.core.permissions import permission
from chengguan.org.permissions import holds_or_superuser
from chengguan.org.roles import RoleCode as R

reads_indicators = permission(
    "stats.read_indicators",
    holds_or_superuser(R.LEADER, R.ADMIN, R.SHIFT_LEADER, R.SQUAD_LEADER, R.CITY_LEADER),
)
