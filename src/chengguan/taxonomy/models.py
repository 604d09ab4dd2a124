"""Component and event categories (部件/事件), their time limits, and routing rules.

The classification is versioned data: GB/T 30428.2-2013 may be replaced by GB/T 47678.5, so each
category belongs to a `Classification` and only one classification is active at a time.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")


class TimeUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("工作时")
    WORKING_DAYS = "working_days", _("工作日")


class Classification(models.Model):
    code = models.CharField(max_length=40, unique=True, help_text="e.g. GB/T 30428.2-2013")
    name = models.CharField(max_length=100)
    source = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "分类标准"
        verbose_name_plural = "分类标准"

    def __str__(self) -> str:
        return self.code


# A parenthesis of the reference taxonomy's glosses that is an editor's note on sources or attributes.
_EDITOR_NOTE = re.compile(r"\s*\((?:also written|has |S\d)[^)]*\)")


class LocalNameMixin:
    """Category names are data in Chinese with an English name beside them where the standard has one."""

    name_zh: str
    name_en: str

    @property
    def english_name(self) -> str:
        """`name_en` without the reference's editor notes ("(S1: 电信井盖)", "(also written 雨水篦子)",
        "(has 站名 attribute)"): they say where a gloss came from, not what the category is."""
        return _EDITOR_NOTE.sub("", self.name_en).strip()

    @property
    def local_name(self) -> str:
        """The English name for English readers when there is one, else the Chinese name."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.english_name
        return self.name_zh


class MajorCategory(LocalNameMixin, models.Model):
    classification = models.ForeignKey(Classification, on_delete=models.CASCADE, related_name="majors")
    kind = models.CharField(max_length=10, choices=CategoryKind.choices)
    code = models.CharField(max_length=2)
    name_zh = models.CharField(max_length=50)
    name_en = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["classification", "kind", "code"], name="uniq_major_code")
        ]
        verbose_name = "大类"
        verbose_name_plural = "大类"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.code} {self.name_zh}"


class Category(LocalNameMixin, models.Model):
    """A minor class. `code` is unique: kind prefix (10 部件 / 20 事件) + major + minor, e.g. 200504."""

    classification = models.ForeignKey(Classification, on_delete=models.CASCADE, related_name="categories")
    major = models.ForeignKey(MajorCategory, on_delete=models.CASCADE, related_name="categories")
    kind = models.CharField(max_length=10, choices=CategoryKind.choices)
    code = models.CharField(max_length=8)
    minor_code = models.CharField(max_length=4, help_text="2-digit major + 2-digit minor, e.g. 0504")
    name_zh = models.CharField(max_length=60)
    name_en = models.CharField(max_length=120, blank=True)
    time_limit_amount = models.PositiveIntegerField()
    time_limit_unit = models.CharField(max_length=16, choices=TimeUnit.choices)
    time_limit_source = models.CharField(max_length=200, blank=True)
    filing_criteria = models.TextField("立案标准", blank=True)
    closing_criteria = models.TextField("结案标准", blank=True)
    locally_edited = models.BooleanField(
        "本局调整",
        default=False,
        help_text="Time limit or criteria changed by the bureau; `chengguan taxonomy load` keeps them.",
    )
    confidence = models.CharField(max_length=10, blank=True)
    sources = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["classification", "code"], name="uniq_category_code")]
        verbose_name = "小类"
        verbose_name_plural = "小类"

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class RoutingRule(models.Model):
    """Category + area → the organisation proposed as the handling unit. Most specific wins:
    a grid beats a community beats a sub-district beats anywhere; a bureau's own rule beats the
    installation's; a category beats a major class."""

    bureau = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": "bureau"},
        help_text="The bureau whose cases the rule routes; empty: every bureau (the installation's default).",
    )
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    major = models.ForeignKey(
        MajorCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subdistrict = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": "subdistrict"},
    )
    community = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": "community"},
    )
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    handler = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="routing_rules")
    use_grid_squad = models.BooleanField(
        default=False, help_text="Route to the squad responsible for the case's grid instead of `handler`."
    )
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "派遣规则"
        verbose_name_plural = "派遣规则"

    def __str__(self) -> str:
        return f"→ {self.handler}"


class BureauTimeLimit(models.Model):
    """A bureau's own handling time limit for a minor class, over the installation's (`Category`):
    on one installation each district sets its own, as its city's 数字城管 rules allow."""

    bureau = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", limit_choices_to={"kind": "bureau"}
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="bureau_limits")
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=TimeUnit.choices)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bureau", "category"], name="uniq_bureau_time_limit")]
        verbose_name = "本局处置时限"
        verbose_name_plural = "本局处置时限"

    def __str__(self) -> str:
        return f"{self.bureau} {self.category.code}: {self.amount} {self.unit}"
