"""Who reads the evaluation (综合评价): the bureau's leadership and the command centre's shift
leader, a squad leader for their own unit's cases, a city leader across their bureaus. What each
sees is further scoped by `cases.selectors.cases_visible_to`, like every case list."""

from __future__ import annotations

from chengguan.core.permissions import Rule, permission
from chengguan.org.permissions import holds, holds_or_superuser, in_bureau, in_unit, same_bureau
from chengguan.org.roles import RoleCode as R
from chengguan.stats.errors import AppealError, ReportError

reads_indicators = permission(
    "stats.read_indicators",
    holds_or_superuser(R.LEADER, R.ADMIN, R.SHIFT_LEADER, R.SQUAD_LEADER, R.CITY_LEADER),
)

# -- published reports and appeals (申诉/核减) ------------------------------------------------------


def _bureau_readable(actor, bureau_id) -> bool:
    """The actor's own bureau, or one a city leader oversees."""
    from chengguan.org import selectors as org_selectors

    if bureau_id is None or same_bureau(actor, bureau_id):
        return True
    overseen = org_selectors.overseen_bureaus(actor)
    return overseen is not None and overseen.filter(pk=bureau_id).exists()


def _report_bureau(obj):
    return getattr(obj, "bureau_id", None) if obj is not None else None


# The report is circulated (通报) to the bureau's leadership and to every unit it ranks: the readers
# of the indicators and the handling units' staff (their drill-down lists stay scoped to them).
reads_reports = permission(
    "stats.read_reports",
    holds(
        R.LEADER,
        R.ADMIN,
        R.SHIFT_LEADER,
        R.SQUAD_LEADER,
        R.CITY_LEADER,
        R.HANDLER,
        code=ReportError.READ_FORBIDDEN,
        message=ReportError.READ_FORBIDDEN.label,
    )
    & Rule(
        lambda actor, report: _bureau_readable(actor, _report_bureau(report)),
        code=ReportError.READ_FORBIDDEN,
        message=ReportError.READ_FORBIDDEN.label,
        name="stats.report_bureau",
    ),
)
# Publishing freezes the figures: the bureau's leadership and office, or its system account (the CLI).
publishes_reports = permission(
    "stats.publish_reports",
    holds(R.LEADER, R.ADMIN, R.SYSTEM, code=ReportError.FORBIDDEN, message=ReportError.FORBIDDEN.label)
    & in_bureau(lambda bureau: getattr(bureau, "pk", None), code=ReportError.FORBIDDEN),
)


def _appeal_unit(obj):
    """The unit an appeal (or a counted case being appealed: `(case, unit)`) is filed for."""
    return getattr(obj, "unit", None)


# A handling unit's squad leader or staff appeal for the cases counted against their own unit.
appeals_as_unit = permission(
    "stats.appeal_as_unit",
    holds(R.SQUAD_LEADER, R.HANDLER, code=AppealError.FORBIDDEN, message=AppealError.FORBIDDEN.label),
)
files_appeals = permission(
    "stats.file_appeal",
    appeals_as_unit
    & Rule(
        lambda actor, obj: in_unit(actor, _appeal_unit(obj)),
        code=AppealError.FORBIDDEN,
        message=AppealError.FORBIDDEN.label,
        name="stats.appeal_own_unit",
    ),
)
withdraws_appeals = permission(
    "stats.withdraw_appeal",
    Rule(
        lambda actor, appeal: appeal is not None and appeal.filed_by_id == getattr(actor, "pk", None),
        code=AppealError.NOT_FILER,
        message=AppealError.NOT_FILER.label,
        name="stats.appeal_filer",
    ),
)
# The evaluator (考评): the bureau's leadership and office, who publish the reports.
decides_appeals = permission(
    "stats.decide_appeal",
    holds(R.LEADER, R.ADMIN, code=AppealError.DECIDE_FORBIDDEN, message=AppealError.DECIDE_FORBIDDEN.label),
)
appeal_in_bureau = in_bureau(
    lambda appeal: appeal.bureau_id, code=AppealError.OTHER_BUREAU, message=AppealError.OTHER_BUREAU.label
)
