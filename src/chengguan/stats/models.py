"""What the evaluation keeps: a bureau's own indicator rules, and the history of inspectors' grids."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation


class IndicatorRuleOverride(models.Model):
    """A bureau's own version of the indicator rules: entries of `indicators.yaml` replaced by key
    (`indicators`, `staff_indicators`), its own score weights and deductions. The newest row whose
    `valid_from` has come is in force; older rows stay, so a figure computed under them can say so."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.CharField(_("规则版本"), max_length=40)
    valid_from = models.DateField(_("生效日期"))
    indicators = models.JSONField(default=list, blank=True, help_text="list of indicator entries by key")
    staff_indicators = models.JSONField(default=list, blank=True)
    weights = models.JSONField(default=list, blank=True, help_text="empty: the default weights")
    staff_weights = models.JSONField(default=list, blank=True, help_text="empty: the default weights")
    deductions = models.JSONField(default=dict, blank=True, help_text="empty: the default deductions")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["bureau", "-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "version"], name="one_rule_version_per_bureau")
        ]
        verbose_name = _("指标规则（本局）")
        verbose_name_plural = _("指标规则（本局）")

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.version}"


class GridAssignment(models.Model):
    """One spell of an inspector on a grid: `Grid.inspectors` says who is there now, this says who
    was there when a case was reported (漏报率 counts against the inspector of that moment). Kept by
    a signal on `Grid.inspectors` (stats.signals); `until` is empty while the spell lasts."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["grid", "since", "id"]
        indexes = [models.Index(fields=["inspector", "grid", "since"])]

    def __str__(self) -> str:
        return f"{self.grid_id}:{self.inspector_id} {self.since:%Y-%m-%d}"


# Counts a rollup row keeps: slot i holds the i-th rolled count of the rule version in force
# (`stats.rollup.slots`); integer columns, so a period's sums are plain SQL sums.
ROLLUP_SLOTS = 24


class GridMonthRow(models.Model):
    """What a rollup row of a grid's month is about: the rule version, the cohort, the month (its
    1st) and where its cases are (the case's own area and handling-unit columns)."""

    rule_version = models.CharField(max_length=60)
    cohort = models.CharField(max_length=40)
    month = models.DateField()
    bureau_id = models.IntegerField()
    subdistrict_id = models.IntegerField(null=True)
    community_id = models.IntegerField(null=True)
    grid_id = models.IntegerField(null=True)
    handling_unit_id = models.IntegerField(null=True)

    class Meta:
        abstract = True


class CaseRollup(GridMonthRow):
    """The counts of one cohort (filed or reported, by its Shanghai day) of the cases of one grid
    and handling unit (with the grid's community, sub-district and bureau) in one calendar month
    (`month` is its 1st), under one rule version. Every area level's figure of a month is a sum of
    these rows grouped by its column; a period's whole months come from them, the days around them
    from the cases. Counts that depend on the moment of reading (still open and overdue now) are not
    kept. A case's grid and cohort month never change once it is in the cohort, so the rows of one
    grid's month are recounted alone when one of its cases changes (`stats.rollup`). Derived data:
    `chengguan jobs run stats.rollup` builds it the first time and refreshes it."""

    locals().update({f"n{i}": models.IntegerField(default=0) for i in range(ROLLUP_SLOTS)})

    class Meta:
        indexes = [
            models.Index(fields=["rule_version", "month", "bureau_id"]),
            models.Index(fields=["rule_version", "cohort", "month", "grid_id"]),
        ]

    def __str__(self) -> str:
        where = f"grid {self.grid_id} unit {self.handling_unit_id}"
        return f"{self.rule_version} {self.cohort} {self.month:%Y-%m} {where}"


class DueRollup(GridMonthRow):
    """The cases of one cohort, grid and unit of a month that a count depending on the moment of
    reading ("still with the unit and past its handling due time now") counts, less the comparison
    with now: how many stand open, by the Shanghai day they fall due. A read adds the days before
    today and counts today's from the cases; a case that is handled leaves its day when its grid's
    month is recounted (`stats.rollup`)."""

    indicator = models.CharField(max_length=40)
    due_on = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["rule_version", "cohort", "month", "grid_id"]),
            models.Index(fields=["rule_version", "indicator", "due_on"]),
        ]

    def __str__(self) -> str:
        where = f"due {self.due_on} grid {self.grid_id}"
        return f"{self.rule_version} {self.indicator} {self.month:%Y-%m} {where}"


class LevelRollup(models.Model):
    """A month's sums of the `CaseRollup` rows of one cohort for each group of a level above the
    grid (bureau, sub-district, community, handling unit): a year of those levels reads a dozen rows
    per group instead of every grid's. Rewritten from `CaseRollup` whenever a month's rows change
    (`stats.rollup`)."""

    rule_version = models.CharField(max_length=60)
    cohort = models.CharField(max_length=40)
    month = models.DateField()
    level = models.CharField(max_length=12)
    group_id = models.IntegerField()
    bureau_id = models.IntegerField()
    locals().update({f"n{i}": models.IntegerField(default=0) for i in range(ROLLUP_SLOTS)})

    class Meta:
        indexes = [models.Index(fields=["rule_version", "level", "month"])]

    def __str__(self) -> str:
        return f"{self.rule_version} {self.cohort} {self.month:%Y-%m} {self.level} {self.group_id}"


class RollupState(models.Model):
    """How far the rollup of a rule version has followed the cases: every case change up to
    `watermark` (the newest `Case.updated_at` it has read) is in it. A read that finds a newer change
    refreshes first (`stats.rollup.ensure_fresh`)."""

    rule_version = models.CharField(max_length=60, unique=True)
    watermark = models.DateTimeField(null=True)
    built_at = models.DateTimeField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.rule_version} @ {self.watermark}"


# -- published evaluation reports (综合评价通报) and appeals against them (申诉/核减) ----------------


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    QUARTERLY = "quarterly", _("季报")
    ANNUAL = "annual", _("年报")


class PublishedReport(models.Model):
    """One version of a bureau's evaluation report of a period, frozen when published: `data` holds
    the computed rows of every level (values, points, deductions, score, rank), the bureau's summary
    figures and the definitions and weights they were computed under (`stats.reports`). Republishing
    the period, or approving an appeal against it, adds the next `version`; old ones stay as they were.

    `excluded_cases` are the cases taken out by approved appeals (their counts subtracted from the
    frozen figures); `cases_from` is the version whose `ReportCase` rows this one reads (itself when
    empty: a version made by an appeal reuses the rows of the version it was derived from)."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=ReportKind.choices)
    label = models.CharField(_("期间"), max_length=10, help_text="2026-11, 2026-Q4, 2026")
    first = models.DateField(_("起始日"))
    last = models.DateField(_("截止日"))
    version = models.PositiveIntegerField(_("版本"))
    rule_version = models.CharField(_("规则版本"), max_length=60)
    weights_version = models.CharField(_("权重版本"), max_length=60)
    data = models.JSONField(default=dict)
    as_of = models.DateTimeField(_("数据截至"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"))
    reason = models.CharField(_("发布原因"), max_length=200, blank=True)
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cases_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    excluded_cases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["bureau", "-first", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "first", "version"], name="one_report_version_per_period"
            )
        ]
        indexes = [models.Index(fields=["bureau", "kind", "first"], name="report_period_idx")]
        verbose_name = _("综合评价通报")
        verbose_name_plural = _("综合评价通报")

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.label} v{self.version}"

    @property
    def rows_source_id(self) -> int:
        return self.cases_from_id or self.pk


class ReportCase(models.Model):
    """A case one version counted when it was published: which counts of the case table it is in
    (`counts`, a bit per key of `data["case_counts"]`) and the groups it was counted under then.
    The frozen drill-down lists and the appeals read these, not the case as it is now."""

    report = models.ForeignKey(PublishedReport, on_delete=models.CASCADE, related_name="counted")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    counts = models.BigIntegerField()
    subdistrict_id = models.IntegerField(null=True)
    community_id = models.IntegerField(null=True)
    unit_id = models.IntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "case"], name="one_row_per_counted_case")]
        indexes = [models.Index(fields=["report", "unit_id"], name="report_case_unit_idx")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.case_id}"


class AppealState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已核减")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Appeal(models.Model):
    """A handling unit's request (申诉/核减) to take one counted case out of a report version, with
    its reason; the evaluator approves (a new version without the case: `result`) or rejects it."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(PublishedReport, on_delete=models.PROTECT, related_name="appeals")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申诉理由"))
    state = models.CharField(
        _("状态"), max_length=12, choices=AppealState.choices, default=AppealState.PENDING
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("申诉时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    result = models.ForeignKey(
        PublishedReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "case"],
                condition=models.Q(state="pending"),
                name="one_pending_appeal_per_case",
            )
        ]
        indexes = [models.Index(fields=["bureau", "state"], name="appeal_bureau_state_idx")]
        verbose_name = _("评价申诉")
        verbose_name_plural = _("评价申诉")

    def __str__(self) -> str:
        return f"{self.report_id}:{self.case_id} {self.state}"
