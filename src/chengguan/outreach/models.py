"""The bureau's public side: open activities (大手拉小手, 城管志愿者活动日, 网友城管体验日, open days)
with their public registrations, check-in, photos and summary; volunteers and their service hours;
live-streamed enforcement (直播执法) with its audience figures, comment highlights and recordings
kept as evidence; and the media's reports about the bureau.

Personal data of registrants and volunteers (ID numbers, phones, birth dates) are stored in full for
the organisers of the bureau and shown masked everywhere else (`core.masking`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.org.models import Organisation


class ActivityKind(models.TextChoices):
    BIG_HAND = "big_hand", _("大手拉小手")
    VOLUNTEER_DAY = "volunteer_day", _("城管志愿者活动日")
    NETIZEN_DAY = "netizen_day", _("网友城管体验日")
    OPEN_DAY = "open_day", _("开放日")


class ActivityState(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    OPEN = "open", _("报名中")
    CLOSED = "closed", _("报名截止")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class Activity(models.Model):
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("活动类型"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    plan = models.TextField(_("活动方案"))
    place = models.CharField(_("活动地点"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    quota = models.PositiveIntegerField(_("名额"))
    registration_closes_at = models.DateTimeField(_("报名截止时间"))
    state = models.CharField(max_length=10, choices=ActivityState.choices, default=ActivityState.PLANNED)
    summary = models.TextField(_("活动总结"), blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("开放活动")
        verbose_name_plural = _("开放活动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__lte=models.F("starts_at")),
                name="activity_registration_closes_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """One person's place in an activity. `person_key` (a hash of the ID number, else of name and
    phone) makes registering twice one registration. A child under 14 is registered by a guardian,
    whose consent is recorded (个人信息保护法 第三十一条)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="registrations")
    person_key = models.CharField(max_length=64)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    birth_date = models.DateField(_("出生日期"))
    phone = models.CharField(_("联系电话"), max_length=20)
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    guardian_phone = models.CharField(_("监护人电话"), max_length=20, blank=True)
    guardian_consent_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField()
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["activity", "registered_at", "pk"]
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [
            models.UniqueConstraint(fields=["activity", "person_key"], name="uniq_activity_registrant")
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.name}"

    @property
    def is_minor(self) -> bool:
        return bool(self.guardian_name)


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="outreach/photos/")
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    # Only photos the organiser marked publishable (everyone shown has agreed, no child's face
    # without the guardian's consent) appear on the portal, and only once the activity was held.
    publishable = models.BooleanField(_("可在门户公开"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    def __str__(self) -> str:
        return self.caption or self.file.name


class Volunteer(models.Model):
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20)
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["bureau", "name", "pk"]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        constraints = [models.UniqueConstraint(fields=["bureau", "phone"], name="uniq_volunteer_phone")]

    def __str__(self) -> str:
        return self.name


class ServiceHours(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="hours")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="volunteer_hours")
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["volunteer", "activity"]
        verbose_name = _("服务时长")
        verbose_name_plural = _("服务时长")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "activity"], name="uniq_volunteer_activity"),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24), name="service_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.activity} · {self.hours}"


class ServiceCertificate(models.Model):
    """志愿服务时长证明 as issued: the hours are frozen at issue, the token is the verify link's."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("证明编号"), max_length=30, unique=True)
    total_hours = models.DecimalField(_("累计服务时长（小时）"), max_digits=7, decimal_places=1)
    activities = models.PositiveIntegerField(_("参与活动次数"))
    token = models.CharField(max_length=32, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "pk"]
        verbose_name = _("志愿服务时长证明")
        verbose_name_plural = _("志愿服务时长证明")

    def __str__(self) -> str:
        return self.number


class Platform(models.TextChoices):
    DOUYIN = "douyin", _("抖音")
    KUAISHOU = "kuaishou", _("快手")
    WEIBO = "weibo", _("微博")
    CHANNELS = "channels", _("微信视频号")
    OTHER = "other", _("其他平台")


class BroadcastState(models.TextChoices):
    SCHEDULED = "scheduled", _("预告")
    LIVE = "live", _("直播中")
    ENDED = "ended", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class Broadcast(models.Model):
    """直播执法: one session on one platform, with the officers on camera and what it covers."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("直播主题"), max_length=100)
    platform = models.CharField(_("直播平台"), max_length=10, choices=Platform.choices)
    stream_url = models.URLField(_("直播地址"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("直播地点"), max_length=100)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("出镜队员"))
    state = models.CharField(max_length=10, choices=BroadcastState.choices, default=BroadcastState.SCHEDULED)
    peak_viewers = models.PositiveIntegerField(_("最高在线人数"), default=0)
    cumulative_viewers = models.PositiveIntegerField(_("累计观看人数"), default=0)
    summary = models.TextField(_("直播小结"), blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("直播执法")
        verbose_name_plural = _("直播执法")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="broadcast_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class BroadcastOperation(models.Model):
    """A joint operation of a special action shown in the session (the campaigns app keeps the
    operation; the link lives here, below it)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="operation_links")
    operation = models.ForeignKey("campaigns.Operation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["broadcast", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "operation"], name="uniq_broadcast_operation")
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} · {self.operation_id}"


class BroadcastCase(models.Model):
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["broadcast", "pk"]
        constraints = [models.UniqueConstraint(fields=["broadcast", "case"], name="uniq_broadcast_case")]

    def __str__(self) -> str:
        return f"{self.broadcast_id} · {self.case_id}"


class ViewerSample(models.Model):
    """One line of the platform's audience export (or one figure typed in)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="viewer_samples")
    at = models.DateTimeField()
    online = models.PositiveIntegerField()
    cumulative = models.PositiveIntegerField()

    class Meta:
        ordering = ["broadcast", "at"]
        constraints = [models.UniqueConstraint(fields=["broadcast", "at"], name="uniq_viewer_sample")]

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.online}/{self.cumulative}"


class CommentHighlight(models.Model):
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="highlights")
    nickname = models.CharField(_("网友昵称"), max_length=50)
    text = models.CharField(_("评论内容"), max_length=500)
    reply = models.CharField(_("回应"), max_length=500, blank=True)
    said_at = models.DateTimeField(_("评论时间"))

    class Meta:
        ordering = ["broadcast", "said_at", "pk"]
        verbose_name = _("评论精选")
        verbose_name_plural = _("评论精选")

    def __str__(self) -> str:
        return self.text[:30]


class RecordingState(models.TextChoices):
    UPLOADING = "uploading", _("上传中")
    STORED = "stored", _("已存证")


class Recording(models.Model):
    """The session's recording kept as evidence: its SHA-256 is taken when it is stored and checked on
    every download. Gigabytes arrive in chunks (each kept as a part until the last one), or a file
    already in storage is registered; neither is ever held in memory whole."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.PROTECT, related_name="recordings")
    file = models.FileField(upload_to="outreach/recordings/", max_length=300, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    received = models.PositiveBigIntegerField(default=0)
    parts = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=RecordingState.choices, default=RecordingState.UPLOADING)
    keep_until = models.DateField(_("保存期限"))
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="+", verbose_name=_("关联案件"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    stored_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    altered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["broadcast", "pk"]
        verbose_name = _("直播录像")
        verbose_name_plural = _("直播录像")

    def __str__(self) -> str:
        return self.original_name


class Tone(models.TextChoices):
    POSITIVE = "positive", _("正面")
    NEUTRAL = "neutral", _("中性")
    NEGATIVE = "negative", _("负面")


class MediaReport(models.Model):
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    outlet = models.CharField(_("媒体"), max_length=60)
    headline = models.CharField(_("标题"), max_length=150)
    published_on = models.DateField(_("报道日期"))
    link = models.URLField(_("链接"), max_length=300, blank=True)
    tone = models.CharField(_("报道倾向"), max_length=10, choices=Tone.choices)
    deeds = models.ManyToManyField("people.Deed", blank=True, related_name="+", verbose_name=_("先进事迹"))
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="media", verbose_name=_("开放活动")
    )
    broadcasts = models.ManyToManyField(
        Broadcast, blank=True, related_name="media", verbose_name=_("直播执法")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_on", "pk"]
        verbose_name = _("媒体报道")
        verbose_name_plural = _("媒体报道")

    def __str__(self) -> str:
        return f"{self.outlet}：{self.headline}"
