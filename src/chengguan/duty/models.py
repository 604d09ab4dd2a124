"""The force on duty: shift templates per unit, monthly rosters of shifts and who holds each post,
attendance against the roster, swaps and leave, patrols with their GPS tracks, and 督察 findings put
right by the responsible unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chengguan.org.models import Organisation


class Post(models.TextChoices):
    """The posts of a shift (值班岗位); 带班领导 is a post of the roster like the others."""

    LEADER = "leader", _("带班领导")
    CHIEF = "chief", _("值班长")
    OFFICER = "officer", _("值班员")


class DayKind(models.TextChoices):
    """What a day is on the China calendar; each kind has its own shift pattern."""

    WORKDAY = "workday", pgettext_lazy("day kind", "工作日")
    REST = "rest", _("休息日")
    HOLIDAY = "holiday", _("法定节假日")
    MAKEUP = "makeup", _("调休上班日")


class ShiftTemplate(models.Model):
    """One shift of a unit's pattern for a kind of day: when it starts, how long, how many of each
    post it needs (e.g. a 24-hour shift with one 带班领导, one 值班长 and two 值班员)."""

    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    day_kind = models.CharField(_("日期类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("班次"), max_length=20)
    starts = models.TimeField(_("上班时间"))
    hours = models.PositiveSmallIntegerField(_("时长（小时）"))
    leaders = models.PositiveSmallIntegerField(_("带班领导人数"), default=0)
    chiefs = models.PositiveSmallIntegerField(_("值班长人数"), default=0)
    officers = models.PositiveSmallIntegerField(_("值班员人数"), default=0)

    class Meta:
        ordering = ["unit", "day_kind", "starts"]
        verbose_name = _("班次模板")
        verbose_name_plural = _("班次模板")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gte=1, hours__lte=24), name="duty_template_hours_1_24"
            ),
            models.UniqueConstraint(fields=["unit", "day_kind", "starts"], name="uniq_duty_template_start"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_day_kind_display()} {self.name}"

    def needs(self) -> dict[str, int]:
        return {Post.LEADER: self.leaders, Post.CHIEF: self.chiefs, Post.OFFICER: self.officers}


class Roster(models.Model):
    """A unit's roster (值班表) for one month, generated from its pattern on the China calendar."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"), help_text="The first day of the month.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-month", "unit"]
        verbose_name = _("值班表")
        verbose_name_plural = _("值班表")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="uniq_duty_roster_month")]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"


class Shift(models.Model):
    """One shift of a roster on one day, with the posts it needs (copied from the template, so a
    later change of the pattern does not rewrite a month already planned)."""

    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="shifts")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    day_kind = models.CharField(_("日期类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("班次"), max_length=20)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    leaders = models.PositiveSmallIntegerField(default=0)
    chiefs = models.PositiveSmallIntegerField(default=0)
    officers = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "unit"]
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="duty_shift_span")]

    def __str__(self) -> str:
        return f"{self.unit} {self.date} {self.name}"

    def needs(self) -> dict[str, int]:
        return {Post.LEADER: self.leaders, Post.CHIEF: self.chiefs, Post.OFFICER: self.officers}


class Assignment(models.Model):
    """A member of staff on a post of a shift, with their attendance: "on duty" means clocked in during
    a rostered shift and not yet clocked out."""

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="assignments")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("岗位"), max_length=10, choices=Post.choices)
    on_leave = models.BooleanField(_("请假"), default=False)
    clock_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    clock_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    # When the server received each (a tap queued offline by the field app is sent later, with the
    # device's time as `clock_in_at`), and the phone's idempotency key of it.
    clock_in_received_at = models.DateTimeField(null=True, blank=True)
    clock_out_received_at = models.DateTimeField(null=True, blank=True)
    clock_in_key = models.CharField(max_length=64, blank=True)
    clock_out_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["shift__starts_at", "post", "pk"]
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [models.UniqueConstraint(fields=["shift", "staff"], name="uniq_duty_assignment")]

    def __str__(self) -> str:
        return f"{self.shift} {self.get_post_display()} {self.staff}"


class ChangeKind(models.TextChoices):
    SWAP = "swap", _("换班")
    LEAVE = "leave", _("请假")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class RosterChange(models.Model):
    """A swap or leave from one assignment, approved by the unit's leader (the swap machine)."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("类型"), max_length=8, choices=ChangeKind.choices)
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("事由"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("换班与请假")
        verbose_name_plural = _("换班与请假")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assignment}"


class PatrolSource(models.TextChoices):
    STARTED = "", _("开始巡查")
    FIELD = "field", _("外勤应用轨迹")


class Patrol(models.Model):
    """A staff member's time on the street during a shift (巡查), with the GPS track. The points are
    stored packed (`duty.tracks`: 14 bytes a point, WGS-84 to 1e-7 degree), sorted by time; each upload
    batch is kept by its client key so a retried upload adds nothing."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    points = models.BinaryField(default=bytes)
    # The points are deleted after the retention period (`duty.tracks_purge`); the figures stay.
    purged_at = models.DateTimeField(null=True, blank=True)
    # "field": recorded by the field app while its user was on duty, one patrol per assignment.
    source = models.CharField(_("来源"), max_length=8, choices=PatrolSource.choices, blank=True, default="")
    point_count = models.PositiveIntegerField(_("轨迹点数"), default=0)
    distance_m = models.FloatField(_("里程（米）"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")
        indexes = [models.Index(fields=["bureau", "started_at"], name="duty_patrol_bureau_start")]

    def __str__(self) -> str:
        return f"{self.staff} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return (self.ended_at - self.started_at) if self.ended_at else None


class PatrolBatch(models.Model):
    """One upload of points, by the client's key (the field app retries with the same key)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="batches")
    key = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    accepted = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["received_at"]
        constraints = [models.UniqueConstraint(fields=["patrol", "key"], name="uniq_duty_patrol_batch")]

    def __str__(self) -> str:
        return f"{self.patrol_id}:{self.key}"


class FindingKind(models.TextChoices):
    """What a 督察 officer found."""

    NOT_ON_POST = "not_on_post", _("脱岗离岗")
    DISCIPLINE = "discipline", _("风纪问题")
    STREET = "street", _("街面问题未处置")


class Discipline(models.TextChoices):
    UNIFORM = "uniform", _("着装不规范")
    CONDUCT = "conduct", _("言行举止不当")
    VEHICLE = "vehicle", _("执法车辆使用不规范")
    CERTIFICATE = "certificate", _("未出示执法证件")


class FindingState(models.TextChoices):
    RECTIFYING = "rectifying", _("整改中")
    REPORTED = "reported", _("待复查")
    CONTESTED = "contested", _("申诉中")
    CLOSED = "closed", _("已销号")
    REVOKED = "revoked", _("认定已撤销")


class Finding(models.Model):
    """A 督察 finding and the rectification (整改) it asks of the responsible unit: reported with
    photos, re-checked and closed (销号) or sent back; contested once, decided by the bureau's leader."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任人"),
    )
    kind = models.CharField(_("问题类型"), max_length=12, choices=FindingKind.choices)
    discipline = models.CharField(_("风纪事项"), max_length=12, choices=Discipline.choices, blank=True)
    description = models.TextField(_("问题描述"))
    place = models.CharField(_("地点"), max_length=200)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    observed_at = models.DateTimeField(_("发现时间"))
    photo = models.FileField(_("现场照片"), upload_to="duty/findings/", blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("状态"), max_length=12, choices=FindingState.choices, default=FindingState.RECTIFYING
    )
    due_on = models.DateField(_("整改期限"))
    rectification = models.TextField(_("整改情况"), blank=True)
    rectification_photo = models.FileField(_("整改照片"), upload_to="duty/rectified/", blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    sent_back = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    contested = models.BooleanField(_("已申诉"), default=False)
    contest_reason = models.CharField(_("申诉理由"), max_length=500, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-observed_at"]
        verbose_name = _("督察问题")
        verbose_name_plural = _("督察问题")
        indexes = [models.Index(fields=["state", "due_on"], name="duty_finding_state_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit} {self.observed_at:%Y-%m-%d}"


class StreetKind(models.TextChoices):
    STRICT = "strict", _("严管街")
    MODEL = "model", _("示范街")


class StrictStreet(models.Model):
    """A strict-control or model street (严管街/示范街): a named set of grids that must have staff on
    post during its required hours every day (the on-post rate, `duty.onpost`)."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("街道名称"), max_length=60)
    kind = models.CharField(_("类别"), max_length=8, choices=StreetKind.choices, default=StreetKind.STRICT)
    grids = models.ManyToManyField("grids.Grid", related_name="+", verbose_name=_("所含网格"))
    starts = models.TimeField(_("在岗开始"))
    ends = models.TimeField(_("在岗结束"), help_text="Earlier than starts: the hours run past midnight.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["bureau", "name"]
        verbose_name = _("严管街")
        verbose_name_plural = _("严管街")
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="uniq_duty_street_name")]

    def __str__(self) -> str:
        return self.name


# -- Meetings (周一例会制度) ------------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    MONDAY = "monday", _("周一例会")
    SPECIAL = "special", _("专题会议")
    OTHER = "other", _("其他会议")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开")


class Meeting(models.Model):
    """A meeting of the bureau: its agenda, who attends, the minutes and the decisions, and the action
    items it assigns. The Monday meeting recurs weekly (`week_of` is the Monday of its week; held on
    the first working day from that Monday)."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("会议类型"), max_length=8, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=100)
    week_of = models.DateField(null=True, blank=True)
    starts_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("会议地点"), max_length=100, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("主持人"),
    )
    state = models.CharField(
        _("状态"), max_length=8, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    minutes = models.TextField(_("会议纪要"), blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "kind", "week_of"],
                condition=models.Q(week_of__isnull=False),
                name="uniq_duty_meeting_week",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda; `carried` names an overdue action item put on it (the open
    overdue items of the bureau join a planned meeting's agenda by themselves and are kept here when
    the meeting is held)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("议题"), max_length=200)
    presenter = models.CharField(_("汇报人"), max_length=60, blank=True)
    carried = models.ForeignKey(
        "ActionItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("议题")
        verbose_name_plural = _("议题")

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", _("应到")
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("出席情况"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.EXPECTED
    )

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="uniq_duty_attendee")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.person_id}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("会议决定"))

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("会议决定")
        verbose_name_plural = _("会议决定")

    def __str__(self) -> str:
        return self.text[:40]


class ItemState(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class ActionItem(models.Model):
    """A task a meeting assigns to a unit or a person with a due date, tracked to done (the action item
    machine). Overdue is derived from `due_on`; the overdue notice is sent once per due date."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("督办事项"), max_length=200)
    unit = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办单位"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办人"),
    )
    due_on = models.DateField(_("办结期限"))
    state = models.CharField(_("状态"), max_length=10, choices=ItemState.choices, default=ItemState.OPEN)
    result = models.TextField(_("办理结果"), blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("会议督办事项")
        verbose_name_plural = _("会议督办事项")
        indexes = [models.Index(fields=["bureau", "state", "due_on"], name="duty_item_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(person__isnull=False),
                name="duty_item_has_assignee",
            )
        ]

    def __str__(self) -> str:
        return self.title


# -- Major-matter notices (重大事项通报制度) -----------------------------------------------------------


class NoticeKind(models.TextChoices):
    INCIDENT = "incident", _("重大突发事件")
    MEDIA = "media", _("媒体曝光")
    SUPERIOR = "superior", _("上级督办")
    EMERGENCY = "emergency", _("紧急情况")


class NoticeLevel(models.TextChoices):
    """The level of a matter, which sets how soon it must be read (`duty.notices.READ_WITHIN`)."""

    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较大")
    MAJOR = "major", _("重大")
    GRAVE = "grave", _("特别重大")


class Notice(models.Model):
    """A major-matter notice: who must read it (read receipts), the response it asks for by a deadline,
    and the escalation of each unread or unanswered receipt to the next level (the reader's unit
    leaders, then the bureau's leaders)."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事项类型"), max_length=10, choices=NoticeKind.choices)
    level = models.CharField(_("等级"), max_length=8, choices=NoticeLevel.choices)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("通报内容"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("通报时间"))
    read_by = models.DateTimeField(_("阅知时限"))
    response_required = models.BooleanField(_("需要回复"), default=False)
    respond_by = models.DateTimeField(_("回复时限"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("重大事项通报")
        verbose_name_plural = _("重大事项通报")

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """One person who must read a notice: when they read it, their response, and how far their delay
    has been escalated (0 none, 1 their unit's leaders, 2 the bureau's leaders)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("阅知时间"), null=True, blank=True)
    response = models.TextField(_("回复"), blank=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["notice", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "person"], name="uniq_duty_notice_receipt")]
        indexes = [models.Index(fields=["person", "read_at"], name="duty_receipt_person_read")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.person_id}"


# -- Duty log and handover (值班日志, 交接班) -------------------------------------------------------------


class EntryKind(models.TextChoices):
    CALL = "call", _("来电")
    INCIDENT = "incident", pgettext_lazy("duty log", "事件")
    INSTRUCTION = "instruction", _("领导指示")
    OTHER = "other", _("其他")


class LogEntry(models.Model):
    """One event of a shift's duty log (值班日志): a call, an incident, an instruction. The cases reported
    during the shift are not copied here: the log page reads them by time and unit."""

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="log")
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    at = models.DateTimeField(_("时间"))
    text = models.TextField(_("内容"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["shift", "at", "pk"]
        verbose_name = _("值班日志")
        verbose_name_plural = _("值班日志")

    def __str__(self) -> str:
        return f"{self.shift_id} {self.at:%H:%M}"


class HandoverState(models.TextChoices):
    PENDING = "pending", _("待接班")
    ACCEPTED = "accepted", _("已接班")


class Handover(models.Model):
    """The handover (交接班) of a shift to the next shift of its unit, which must accept it (the
    handover machine); an unaccepted handover waits in the next shift's notifications and duty page."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    shift = models.OneToOneField(Shift, on_delete=models.PROTECT, related_name="handover")
    next_shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="handovers_in")
    notes = models.TextField(_("交班情况"))
    open_matters = models.TextField(_("遗留事项"), blank=True)
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(_("交班时间"))
    state = models.CharField(
        _("状态"), max_length=10, choices=HandoverState.choices, default=HandoverState.PENDING
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("接班时间"), null=True, blank=True)
    accept_note = models.CharField(_("接班意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-handed_at"]
        verbose_name = _("交接班")
        verbose_name_plural = _("交接班")

    def __str__(self) -> str:
        return f"{self.shift} → {self.next_shift}"
