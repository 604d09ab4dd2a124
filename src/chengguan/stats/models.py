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


class CaseRollup(models.Model):
    """The counts of one cohort (filed or reported, by its Shanghai day) of one group of an area
    level (bureau, sub-district, community, grid, handling unit) in one calendar month (`month` is
    its 1st), under one rule version. A period's whole months are sums of these rows; the days
    around them are counted from the cases. Counts that depend on the moment of reading (still open
    and overdue now) are not kept. Maintained by `stats.rollup` for the months whose cases changed;
    derived data: `chengguan jobs run stats.rollup` builds it the first time and refreshes it."""

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
