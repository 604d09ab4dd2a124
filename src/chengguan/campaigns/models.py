"""Special actions (专项行动) and joint enforcement with other departments (联合执法): the campaign
with its goals, area, categories, units and partners; its tree of phases and tasks with progress
reports; joint operations with who took part and the cases they filed; enforcement support from the
police or the court. Results are never stored here: they are counted from the linked cases
(`selectors.campaign_figures`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.org.models import Organisation


class CampaignKind(models.Model):
    """A kind of special action (占道经营, 渣土车, 户外广告, 违法建设, 油烟, 夜市): a bureau's own list."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("类别名称"), max_length=40)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bureau", "sort_order", "name"]
        verbose_name = _("专项行动类别")
        verbose_name_plural = _("专项行动类别")
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="uniq_campaign_kind_name")]

    def __str__(self) -> str:
        return self.name


class CampaignState(models.TextChoices):
    PLANNED = "planned", _("计划中")
    UNDER_WAY = "under_way", _("进行中")
    POSTPONED = "postponed", _("已暂缓")
    CLOSING = "closing", _("总结中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class Campaign(models.Model):
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("行动名称"), max_length=100)
    kind = models.ForeignKey(CampaignKind, on_delete=models.PROTECT, related_name="campaigns")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    whole_district = models.BooleanField(_("全区"), default=False)
    grids = models.ManyToManyField("grids.Grid", blank=True, related_name="+")
    streets = models.ManyToManyField(Organisation, blank=True, related_name="+")
    categories = models.ManyToManyField("taxonomy.Category", blank=True, related_name="+")
    lead_unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField(Organisation, blank=True, related_name="campaigns_joined")
    plan_document = models.FileField(upload_to="campaigns/plans/", blank=True)
    description = models.TextField(_("行动方案摘要"), blank=True)
    state = models.CharField(max_length=12, choices=CampaignState.choices, default=CampaignState.PLANNED)
    state_before_postponement = models.CharField(max_length=12, choices=CampaignState.choices, blank=True)
    reason = models.CharField(_("最近一次原因"), max_length=500, blank=True)
    summary = models.TextField(_("行动总结"), blank=True)
    summary_published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GoalMetric(models.TextChoices):
    """What a goal counts: the figures come from the linked cases, or from the task reports."""

    FOUND = "found", _("发现问题")
    PUT_RIGHT = "put_right", _("整改到位")
    PENALTIES = "penalties", _("立案处罚")
    FINES = "fines", _("罚款金额（元）")
    REPORTED = "reported", _("任务填报")


class CampaignGoal(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(_("目标"), max_length=100)
    metric = models.CharField(_("统计口径"), max_length=10, choices=GoalMetric.choices)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    unit_label = models.CharField(_("单位"), max_length=10, blank=True)

    class Meta:
        ordering = ["campaign", "pk"]
        verbose_name = _("行动目标")
        verbose_name_plural = _("行动目标")
        constraints = [
            models.CheckConstraint(condition=models.Q(target__gt=0), name="campaign_goal_positive")
        ]

    def __str__(self) -> str:
        return self.name


class CampaignPartner(models.Model):
    """A partner department of the org tree taking part, with its contact person for this action."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["campaign", "pk"]
        verbose_name = _("协作部门")
        verbose_name_plural = _("协作部门")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="uniq_campaign_partner")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}（{self.contact_name}）"


class TaskKind(models.TextChoices):
    PHASE = "phase", _("阶段")
    TASK = "task", _("任务")


class Task(models.Model):
    """A node of the campaign's tree: a phase (阶段) holding tasks, or a task for one unit of the bureau
    or one partner department, due on a date counted on the China calendar."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=6, choices=TaskKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("要求"), blank=True)
    assignee = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    goal = models.ForeignKey(CampaignGoal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target = models.DecimalField(_("任务指标"), max_digits=12, decimal_places=2, null=True, blank=True)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "sort_order", "pk"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")

    def __str__(self) -> str:
        return self.title


class TaskReport(models.Model):
    """A progress report on a task: the figure achieved since the last report, text and photos."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    figure = models.DecimalField(_("完成数"), max_digits=12, decimal_places=2, default=0)
    text = models.TextField(_("进展情况"))
    completes = models.BooleanField(_("任务完成"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["task", "reported_at", "pk"]
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")

    def __str__(self) -> str:
        return f"{self.task} {self.reported_at:%Y-%m-%d}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(TaskReport, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to="campaigns/reports/")
    thumbnail = models.FileField(upload_to="campaigns/reports/thumbs/", blank=True)
    content_type = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.sha256[:12]


class OperationKind(models.TextChoices):
    INSPECTION = "inspection", _("联合检查整治")
    ENFORCEMENT = "enforcement", _("强制执行")


class Operation(models.Model):
    """A joint operation (联合行动): when, where, who took part, what was found."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="operations")
    kind = models.CharField(_("行动类型"), max_length=12, choices=OperationKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    units = models.ManyToManyField(Organisation, blank=True, related_name="+")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # 行政强制法 第四十三条: compulsory enforcement at night or on a statutory holiday only in an emergency.
    urgent = models.BooleanField(_("情况紧急"), default=False)
    urgent_reason = models.CharField(_("紧急理由"), max_length=500, blank=True)
    findings = models.TextField(_("发现情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("联合行动")
        verbose_name_plural = _("联合行动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="campaign_operation_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.starts_at:%Y-%m-%d}"


class Participant(models.Model):
    """A partner department's officer who took part (not on the bureau's staff)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cert_no = models.CharField(_("证件号"), max_length=32, blank=True)

    class Meta:
        ordering = ["operation", "pk"]

    def __str__(self) -> str:
        return self.name


class CampaignCase(models.Model):
    """A closed-loop case counted for the campaign (`cases` knows nothing of campaigns)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(
        Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="case_links"
    )
    unit = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], name="uniq_campaign_case")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.case_id}"


class CampaignPenalty(models.Model):
    """A penalty case opened in the campaign (from an operation, or served by a support request)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="penalty_links")
    penalty = models.ForeignKey("enforcement.PenaltyCase", on_delete=models.PROTECT, related_name="+")
    operation = models.ForeignKey(
        Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="penalty_links"
    )
    unit = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "penalty"], name="uniq_campaign_penalty")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.penalty_id}"


class SupportKind(models.TextChoices):
    POLICE = "police", _("公安协助（阻碍执法）")
    COURT = "court", _("法院强制执行")


class SupportRequest(models.Model):
    """A request for the police's or the court's help (协助函), who came and how it ended."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="support_requests")
    kind = models.CharField(_("协助类型"), max_length=8, choices=SupportKind.choices)
    addressed_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    document = models.FileField(upload_to="campaigns/support/")
    requested_at = models.DateTimeField()
    who_came = models.CharField(_("到场人员"), max_length=300, blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    penalties = models.ManyToManyField("enforcement.PenaltyCase", blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["operation", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.requested_at:%Y-%m-%d}"
