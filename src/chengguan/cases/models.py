"""Cases of the digital closed loop and what hangs off them: evidence, extensions, delays,
supervision (督办) and reply templates (常用语)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation
from chengguan.taxonomy.models import Category, TimeUnit


class CaseState(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("case state", "已上报")
    FILED = "filed", pgettext_lazy("case state", "已立案")
    NOT_FILED = "not_filed", pgettext_lazy("case state", "不予立案")
    DISPATCHED = "dispatched", pgettext_lazy("case state", "已派遣")
    RETURNED = "returned", pgettext_lazy("case state", "已退回")
    IN_HANDLING = "in_handling", pgettext_lazy("case state", "处置中")
    HANDLED = "handled", pgettext_lazy("case state", "已反馈")
    REWORK = "rework", pgettext_lazy("case state", "返工")
    VERIFIED = "verified", pgettext_lazy("case state", "已核查")
    SUSPENDED = "suspended", pgettext_lazy("case state", "缓办")
    CLOSED = "closed", pgettext_lazy("case state", "已结案")
    CANCELLED = "cancelled", pgettext_lazy("case state", "已作废")
    MERGED = "merged", pgettext_lazy("case state", "已合并")


OPEN_STATES = frozenset(
    {
        CaseState.REPORTED,
        CaseState.FILED,
        CaseState.DISPATCHED,
        CaseState.RETURNED,
        CaseState.IN_HANDLING,
        CaseState.HANDLED,
        CaseState.REWORK,
        CaseState.VERIFIED,
        CaseState.SUSPENDED,
    }
)
# States in which the handling clock runs against `handling_due_at`.
HANDLING_STATES = frozenset({CaseState.DISPATCHED, CaseState.IN_HANDLING, CaseState.REWORK})
FINAL_STATES = frozenset({CaseState.CLOSED, CaseState.CANCELLED, CaseState.NOT_FILED, CaseState.MERGED})


class Disposition(models.TextChoices):
    """721工作法: 70 % service, 20 % management, 10 % enforcement."""

    SERVICE = "service", _("服务")
    MANAGEMENT = "management", _("管理")
    ENFORCEMENT = "enforcement", _("执法")


class CheckFinding(models.TextChoices):
    """What the inspector found on site when checking a public report (核实)."""

    CONFIRMED = "confirmed", _("属实")
    NOT_FOUND = "not_found", _("不属实")


class CaseSource(models.TextChoices):
    PATROL = "patrol", _("监督员上报")
    CITIZEN = "citizen", _("市民举报")
    HOTLINE = "hotline", _("12345热线")
    DEPUTY = "deputy", _("人大代表/政协委员")
    LEADER = "leader", _("领导交办")
    MEDIA = "media", _("媒体曝光")
    VIDEO = "video", _("视频巡查")
    LIVE = "live", _("直播执法")
    OPEN311 = "open311", _("Open311接口")


class Priority(models.TextChoices):
    """Set by whoever reports the case (紧急 for a danger to people or traffic); unlike the derived
    urgency (预警/超时), it does not change with the clock."""

    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")


# What a reporter chooses at intake besides what, where and who: each a choice field of `Case`. The
# report form, intake (`services.check_report`), Open311's service attributes, the list filters and
# the export all read this list, so a new one is its field, its choices and its name here.
INTAKE_ATTRIBUTES: tuple[str, ...] = ("priority",)


@functools.cache
def intake_attribute_fields() -> tuple[models.Field, ...]:
    """The model fields of `INTAKE_ATTRIBUTES`, in order (label, choices and default come from them)."""
    return tuple(Case._meta.get_field(name) for name in INTAKE_ATTRIBUTES)


class Case(models.Model):
    number = models.CharField("案件编号", max_length=20, unique=True)
    source = models.CharField(max_length=12, choices=CaseSource.choices, db_index=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases")
    description = models.TextField()
    address = models.CharField(max_length=200, blank=True)
    lon = models.FloatField(null=True, blank=True, help_text="WGS-84")
    lat = models.FloatField(null=True, blank=True, help_text="WGS-84")
    input_crs = models.CharField(max_length=6, default="wgs84")

    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    community = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subdistrict = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    squad = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    state = models.CharField(max_length=12, choices=CaseState.choices, default=CaseState.REPORTED)
    state_before_suspension = models.CharField(max_length=12, choices=CaseState.choices, blank=True)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(max_length=50, blank=True)
    reporter_phone = models.CharField(max_length=20, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    proposed_unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handling_unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="handled_cases"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    reported_at = models.DateTimeField(db_index=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    suspended_at = models.DateTimeField(null=True, blank=True)

    # The due time of whatever the case is waiting for now, and the moment 80 % of that time is used.
    # Overdue and warning are derived from these by comparison with the current time.
    stage_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    stage_warning_at = models.DateTimeField(null=True, blank=True, db_index=True)
    handling_limit_amount = models.PositiveIntegerField(null=True, blank=True)
    handling_limit_unit = models.CharField(max_length=16, choices=TimeUnit.choices, blank=True)
    handling_due_at = models.DateTimeField(null=True, blank=True)
    # When the current handling clock started: the last dispatch, or the last rework.
    handling_started_at = models.DateTimeField(null=True, blank=True)
    handled_late = models.BooleanField(default=False)
    # What the evaluation (综合评价) counts of the steps, kept on the case as each step is taken, so a
    # figure is a condition on the case's own columns rather than a search of its audit trail and
    # delays: who filed it and who dispatched it first (岗位评价), how often it was redispatched, how
    # many extensions were approved, and which waits ended late (a CaseDelay of that stage exists).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_dispatcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    redispatch_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    extension_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    filed_late = models.BooleanField(default=False, db_default=False)
    dispatched_late = models.BooleanField(default=False, db_default=False)
    verified_late = models.BooleanField(default=False, db_default=False)

    result = models.TextField("处置结果", blank=True)
    reason = models.TextField("最近一次原因/说明", blank=True)
    disposition = models.CharField(max_length=12, choices=Disposition.choices, blank=True)
    # Filled by the penalty-case app when an enforcement disposition opens a penalty case.
    penalty_case_ref = models.CharField(max_length=40, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rework_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)
    verify_flags = models.JSONField(default=list, blank=True)
    # 核实: an inspector's on-site check of a public report before filing (where the bureau asks for it).
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_finding = models.CharField(max_length=12, choices=CheckFinding.choices, blank=True)
    evaluation_score = models.PositiveSmallIntegerField(null=True, blank=True)
    evaluation_comment = models.CharField(max_length=200, blank=True)
    priority = models.CharField(
        _("紧急程度"), max_length=6, choices=Priority.choices, default=Priority.NORMAL, db_index=True
    )
    is_supervised = models.BooleanField(default=False, db_index=True)
    # An operator's spam mark keeps the record (nothing acknowledged is lost) but takes the case out
    # of every published figure.
    is_spam = models.BooleanField("恶意/无效举报", default=False, db_index=True)
    spam_reason = models.CharField(max_length=200, blank=True)
    # When the person who reported it must have been told the result (citizen, hotline, deputy).
    feedback_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["state", "stage_due_at"]),
            models.Index(fields=["handling_unit", "state"]),
            models.Index(fields=["grid", "state"]),
            models.Index(fields=["category", "state", "reported_at"]),
            models.Index(fields=["lat", "lon"]),
            # The evaluation's cohorts by day and its rollup's staleness check (stats.rollup).
            models.Index(fields=["filed_at"], name="cases_case_filed_at_idx"),
            models.Index(fields=["verified_at"], name="cases_case_verified_at_idx"),
            models.Index(fields=["updated_at"], name="cases_case_updated_at_idx"),
            # "Still with the unit and past its handling due time now" (超期待处置), counted at read.
            models.Index(
                fields=["handling_due_at", "filed_at"],
                condition=models.Q(state__in=sorted(HANDLING_STATES)),
                name="cases_case_overdue_open_idx",
            ),
        ]
        verbose_name = "案件"
        verbose_name_plural = "案件"

    def __str__(self) -> str:
        return self.number


class EvidenceStage(models.TextChoices):
    REPORT = "report", pgettext_lazy("evidence stage", "上报")
    HANDLE = "handle", _("处置后")
    VERIFY = "verify", _("核查")
    OTHER = "other", _("其他")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")


class CaseEvidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    stage = models.CharField(max_length=8, choices=EvidenceStage.choices)
    kind = models.CharField(max_length=6, choices=EvidenceKind.choices)
    file = models.FileField(upload_to="evidence/%Y/%m/")
    thumbnail = models.FileField(upload_to="evidence/thumbs/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name = "证据材料"
        verbose_name_plural = "证据材料"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已驳回")


class CaseExtension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=TimeUnit.choices)
    reason = models.TextField()
    status = models.CharField(max_length=8, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="pending"), name="one_pending_extension_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"延期 {self.amount} {self.get_unit_display()}（{self.get_status_display()}）"


class CaseDelay(models.Model):
    """Why a due time was missed: asked for when the late action is taken, kept and reported."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="delays")
    stage = models.CharField(max_length=12, choices=CaseState.choices)
    due_at = models.DateTimeField()
    acted_at = models.DateTimeField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"超时 {self.get_stage_display()}"


class SupervisionLevel(models.TextChoices):
    NORMAL = "normal", _("一般督办")
    KEY = "key", _("重点督办")
    LISTED = "listed", _("挂牌督办")


class Supervision(models.Model):
    """督办: a leader's instruction on a case, with a reply due time."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervisions")
    level = models.CharField(max_length=8, choices=SupervisionLevel.choices)
    instruction = models.TextField()
    reply_due_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["reply_due_at"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.case_id}"


class TemplatePurpose(models.TextChoices):
    INTAKE = "intake", _("受理")
    HANDLING = "handling", _("处置")
    RETURN = "return", _("退回")
    VERIFY = "verify", _("核查")
    NOT_FILE = "not_file", _("不予立案")


class ReplyTemplate(models.Model):
    """常用语: canned texts per category (or for all categories) that save typing."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=TemplatePurpose.choices)
    text = models.CharField(max_length=300)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["purpose", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class BureauStageLimit(models.Model):
    """A bureau's own time limit for a desk stage of the closed loop (filing, dispatch, verification,
    closing), over the installation's (`cases.limits`): one installation, each district its city's rules."""

    bureau = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", limit_choices_to={"kind": "bureau"}
    )
    stage = models.CharField(max_length=20, choices=CaseState.choices)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=TimeUnit.choices)
    source = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bureau", "stage"], name="uniq_bureau_stage_limit")]
        verbose_name = _("本局环节时限")
        verbose_name_plural = _("本局环节时限")

    def __str__(self) -> str:
        return f"{self.bureau} {self.stage}: {self.amount} {self.unit}"


class IntakeCheckSetting(models.Model):
    """A bureau's choice to have public reports (市民举报、12345、Open311) checked on site by an
    inspector (核实) before the intake desk may file them; off where a bureau has no row."""

    bureau = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="+", limit_choices_to={"kind": "bureau"}
    )
    check_public_reports = models.BooleanField(_("公众举报须先核实再立案"), default=False)
    source = models.CharField(_("依据的文件"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("立案前核实设置")
        verbose_name_plural = _("立案前核实设置")

    def __str__(self) -> str:
        return f"{self.bureau} {'on' if self.check_public_reports else 'off'}"
