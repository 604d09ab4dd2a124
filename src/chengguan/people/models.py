"""The people of the force: the registry of enforcement certificates (行政执法证) and their annual
reviews (年审).

A certificate is in force on a day when the day lies between `valid_from` and `valid_to` and before
`ended_on` (the day it was suspended, withdrawn or replaced by a renewed one). Expiry is derived from
`valid_to`, never flipped by a timer (ARCHITECTURE.md, Deadlines). A renewal is a new row, so the
days the old certificate covered stay covered: a step recorded with a past date is judged by the
certificate that was in force on that date (行政处罚法 第四十二条)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengguan.org.models import Organisation


class CertificateState(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    WITHDRAWN = "withdrawn", _("注销收回")
    REPLACED = "replaced", _("已换发")


class SuspensionReason(models.TextChoices):
    TRANSFER = "transfer", _("调离执法岗位")
    LEFT = "left", _("离职或退休")
    REVIEW_FAILED = "review_failed", _("年审不合格")
    DISCIPLINE = "discipline", _("违纪违法")
    OTHER = "other", _("其他")


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


def in_force_on(day: dt.date, prefix: str = "") -> Q:
    """The certificates in force on `day` (as a filter; `prefix` for a lookup through a relation)."""
    p = prefix
    return Q(**{f"{p}valid_from__lte": day, f"{p}valid_to__gte": day}) & (
        Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gt": day})
    )


class Certificate(models.Model):
    """One enforcement certificate (行政执法证) held by one officer."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enforcement_certificates"
    )
    number = models.CharField(_("执法证号"), max_length=32)
    issuing_authority = models.CharField(_("发证机关"), max_length=100, blank=True)
    territorial_scope = models.CharField(_("执法区域"), max_length=200, blank=True)
    subject_scope = models.CharField(_("执法类别"), max_length=200, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    state = models.CharField(_("状态"), max_length=12, choices=CertificateState.choices, default="valid")
    ended_on = models.DateField(_("停止使用日期"), null=True, blank=True)
    suspension_reason = models.CharField(
        _("暂扣原因"), max_length=16, choices=SuspensionReason.choices, blank=True
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    renewed_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal"
    )
    expiry_warned_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["holder_id", "-valid_from", "-id"]
        verbose_name = _("行政执法证")
        verbose_name_plural = _("行政执法证")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="people_cert_dates"
            ),
            # A number is held by one current certificate (a renewal may keep the number).
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(state__in=["valid", "suspended"]),
                name="uniq_people_cert_current_number",
            ),
        ]
        indexes = [models.Index(fields=["bureau", "valid_to"])]

    def __str__(self) -> str:
        return self.number

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to and (self.ended_on is None or day < self.ended_on)

    def status_label(self, day: dt.date) -> str:
        """What a page shows: the state, or 已过期 when a certificate still on file has run out."""
        if self.state == CertificateState.VALID and day > self.valid_to:
            return str(_("已过期"))
        return self.get_state_display()


class CertificateReview(models.Model):
    """年审: the yearly review of a certificate and its outcome."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("年度"))
    reviewed_on = models.DateField(_("年审日期"))
    outcome = models.CharField(_("年审结果"), max_length=8, choices=ReviewOutcome.choices)
    note = models.CharField(_("意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("年审记录")
        verbose_name_plural = _("年审记录")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "year"], name="uniq_people_cert_review_year")
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.year} {self.get_outcome_display()}"


# -- training (法制培训) ------------------------------------------------------------------------------


class TrainingKind(models.TextChoices):
    LECTURE = "lecture", _("专题讲座")
    SEMINAR = "seminar", _("研讨交流")
    MEETING = "meeting", _("以会代训")
    EXAM = "exam", _("考试")


class TrainingTopic(models.TextChoices):
    LAW = "law", _("法律法规")
    SKILLS = "skills", _("执法技能")
    INCIDENTS = "incidents", _("突发事件处置")


class TrainingState(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class SignInMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    LIST = "list", _("名单登记")


class PeopleSettings(models.Model):
    """The bureau's own settings of the people app: the yearly training hours each officer must reach
    (default `settings.PEOPLE_TRAINING_HOURS_DEFAULT`, see `selectors.required_hours`)."""

    bureau = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    training_hours_required = models.DecimalField(_("每年培训学时要求"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("队伍建设设置")
        verbose_name_plural = _("队伍建设设置")

    def __str__(self) -> str:
        return f"{self.bureau} {self.training_hours_required}"


class TrainingSession(models.Model):
    """One training session: a lecture by an invited law expert or the legal-affairs office, a
    seminar, a meeting that counts as training (以会代训), or an exam."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("形式"), max_length=10, choices=TrainingKind.choices)
    topic = models.CharField(_("内容类别"), max_length=10, choices=TrainingTopic.choices)
    title = models.CharField(_("主题"), max_length=200)
    lecturer = models.CharField(_("主讲人"), max_length=50, blank=True)
    lecturer_org = models.CharField(_("主讲人单位"), max_length=100, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    state = models.CharField(_("状态"), max_length=10, choices=TrainingState.choices, default="planned")
    sign_in_token = models.CharField(max_length=32, unique=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=40), name="people_training_hours")
        ]
        indexes = [models.Index(fields=["bureau", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class TrainingMaterial(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("资料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="people/materials/")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("培训资料")
        verbose_name_plural = _("培训资料")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """An officer's sign-in at a session (培训签到): the hours credited once the session is held, and
    the score of an exam."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("培训签到时间"))
    method = models.CharField(_("签到方式"), max_length=8, choices=SignInMethod.choices)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    score = models.DecimalField(_("考试成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="uniq_people_attendance")]

    def __str__(self) -> str:
        return f"{self.session} {self.staff}"


# -- honours (评先评优) and exemplary deeds (先进事迹) ----------------------------------------------------


class HonourLevel(models.TextChoices):
    PERSON = "person", _("个人")
    UNIT = "unit", _("集体")


class HonourProgramme(models.Model):
    """A selection (党员示范岗, 文明执法标兵, 十佳中队, …) with its period, criteria and quota."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("评选名称"), max_length=100)
    level = models.CharField(_("评选对象"), max_length=8, choices=HonourLevel.choices, default="person")
    period_start = models.DateField(_("评选期间起"))
    period_end = models.DateField(_("评选期间止"))
    criteria = models.TextField(_("评选条件"), blank=True)
    quota = models.PositiveSmallIntegerField(_("名额"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "name"]
        verbose_name = _("评选项目")
        verbose_name_plural = _("评选项目")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="people_honour_period"
            ),
            models.CheckConstraint(condition=Q(quota__gte=1), name="people_honour_quota"),
        ]

    def __str__(self) -> str:
        return self.name


class NominationState(models.TextChoices):
    SUBMITTED = "submitted", _("已推荐")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已公布")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Nomination(models.Model):
    """A unit's nomination of a person (or of a unit) for a programme. `record` is the nominee's record
    gathered when the nomination is made (training hours, closed-loop cases handled, deeds, 督察
    findings, evaluation score: `selectors.nominee_record`), so the unit retypes nothing and the
    reviewers see the record as it stood that day."""

    programme = models.ForeignKey(HonourProgramme, on_delete=models.PROTECT, related_name="nominations")
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominee_unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominating_unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("推荐理由"))
    record = models.JSONField(_("个人记录"), default=dict)
    state = models.CharField(_("状态"), max_length=10, choices=NominationState.choices, default="submitted")
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme_id", "id"]
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        constraints = [
            models.CheckConstraint(
                condition=Q(nominee__isnull=False, nominee_unit__isnull=True)
                | Q(nominee__isnull=True, nominee_unit__isnull=False),
                name="people_nomination_one_nominee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.nominee_id or self.nominee_unit_id}"


class DeedState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已公开")
    REJECTED = "rejected", _("未通过")


class Deed(models.Model):
    """先进事迹: what an officer (or officers) did, when and where, who saw it, the photos and the media
    reports; published on the portal only after approval and with each person's consent recorded."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    what = models.TextField(_("事迹经过"))
    happened_on = models.DateField(_("发生日期"))
    place = models.CharField(_("地点"), max_length=100)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="deeds", verbose_name=_("当事人员")
    )
    witnesses = models.CharField(_("见证人"), max_length=200, blank=True)
    media_reports = models.JSONField(_("媒体报道"), default=list, blank=True)
    consent = models.BooleanField(_("本人同意公开"), default=False)
    consent_note = models.CharField(_("同意情况说明"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=DeedState.choices, default="draft")
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("先进事迹")
        verbose_name_plural = _("先进事迹")

    def __str__(self) -> str:
        return self.title


class DeedPhoto(models.Model):
    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="people/deeds/")
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.sha256[:12]
