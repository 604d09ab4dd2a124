"""The register of street vendors (摊贩) the bureau helps, the designated vending spots (便民疏导点)
with their numbered pitches, the pitch draws of each term and the help given (帮扶).

Personal data (name, ID number, phone, photo) is kept with the person's consent (个人信息保护法
第十三条、第十四条) and shown masked; the hardship category and its evidence are sensitive personal
information (第二十八条) kept only with a separate consent (第二十九条) and shown only to the roles of
`permissions.can_see_hardship`. Withdrawing consent erases the person's data (第四十七条) and leaves
an anonymous stub, so the bureau's yearly figures still count the help given."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case
from chengguan.core.masking import mask_id_number, mask_phone
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation


class Hardship(models.TextChoices):
    DIBAO = "dibao", _("低保")
    DISABILITY = "disability", _("残疾")
    UNEMPLOYED = "unemployed", _("失业")
    ELDERLY = "elderly", _("高龄")
    OTHER = "other", _("其他")


class VendorStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    ERASED = "erased", _("已删除")


class Vendor(models.Model):
    """A street vendor on the register. ID number and phone are stored in full and shown masked."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    goods = models.CharField(_("经营品种"), max_length=100, blank=True)
    usual_place = models.CharField(_("常在地点"), max_length=200, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    consent_at = models.DateTimeField(_("同意登记时间"), null=True, blank=True)
    hardship = models.CharField(_("困难类别"), max_length=12, choices=Hardship.choices, blank=True)
    hardship_evidence = models.CharField(_("核实的证明材料"), max_length=300, blank=True)
    sensitive_consent_at = models.DateTimeField(_("敏感信息单独同意时间"), null=True, blank=True)
    photo = models.FileField(_("照片"), upload_to="welfare/vendors/", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=VendorStatus.choices, default="active")
    erased_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("摊贩")
        verbose_name_plural = _("摊贩")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "id_number"],
                condition=~Q(id_number=""),
                name="welfare_vendor_unique_id",
            ),
            models.CheckConstraint(
                condition=Q(hardship="") | Q(sensitive_consent_at__isnull=False),
                name="welfare_hardship_needs_consent",
            ),
        ]
        indexes = [models.Index(fields=["bureau", "status"])]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_hardship(self) -> bool:
        return bool(self.hardship) and self.status == VendorStatus.ACTIVE


class VendorCase(models.Model):
    """A closed-loop case in which the vendor was found (picked by the operator on the case page)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "case"], name="welfare_vendor_case_once")]

    def __str__(self) -> str:
        return f"{self.vendor_id} · {self.case_id}"


class SpotKind(models.TextChoices):
    CONVENIENCE = "convenience", _("便民疏导点")
    CLUSTER = "cluster", _("摊点群")
    TEMPORARY = "temporary", _("临时摊点")


class Spot(models.Model):
    """A designated vending spot with `pitches` numbered pitches (1 … pitches)."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=SpotKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    pitches = models.PositiveSmallIntegerField(_("摊位数"))
    capacity = models.PositiveSmallIntegerField(_("容纳人数"))
    opening_hours = models.CharField(_("开放时间"), max_length=100)
    rules = models.TextField(_("管理规定"), blank=True)
    managing_unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("管理单位")
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("便民疏导点")
        verbose_name_plural = _("便民疏导点")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "code"], name="welfare_spot_code"),
            models.CheckConstraint(
                condition=Q(pitches__gte=1, pitches__lte=500), name="welfare_spot_pitches"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DrawState(models.TextChoices):
    OPEN = "open", _("接受申请")
    CLOSED = "closed", _("申请截止")
    DRAWN = "drawn", _("已摇号")


class Draw(models.Model):
    """The pitch draw of one spot for one term. The seed is made when the draw is announced and only
    its SHA-256 is shown until the draw, so nobody can pick it after seeing the applications."""

    spot = models.ForeignKey(Spot, on_delete=models.PROTECT, related_name="draws")
    term = models.CharField(_("期次"), max_length=50)
    term_start = models.DateField(_("本期开始"))
    term_end = models.DateField(_("本期结束"))
    applications_close_at = models.DateTimeField(_("申请截止时间"))
    state = models.CharField(_("状态"), max_length=10, choices=DrawState.choices, default="open")
    seed = models.CharField(max_length=64)
    seed_hash = models.CharField(_("种子的 SHA-256"), max_length=64)
    announced_at = models.DateTimeField()
    drawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-term_start", "spot__code"]
        verbose_name = _("摊位摇号")
        verbose_name_plural = _("摊位摇号")
        constraints = [
            models.UniqueConstraint(fields=["spot", "term_start"], name="welfare_draw_term"),
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="welfare_draw_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spot} {self.term}"

    @property
    def bureau_id(self) -> int:
        return self.spot.bureau_id

    @property
    def published_seed(self) -> str:
        """The seed, once the draw has been made (before that only its hash is public)."""
        return self.seed if self.state == DrawState.DRAWN else ""


class Outcome(models.TextChoices):
    PENDING = "pending", _("待摇号")
    PITCH = "pitch", _("已分配摊位")
    WAITING = "waiting", _("候补")
    VACATED = "vacated", _("已腾退")


class Application(models.Model):
    """One vendor's application in one draw. `priority` (a hardship applicant) is fixed when the
    application is made: it is what the draw ranks first."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="applications")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="applications")
    term_start = models.DateField()
    number = models.CharField(_("申请编号"), max_length=10)
    priority = models.BooleanField(_("优先组"), default=False)
    applied_at = models.DateTimeField()
    rank = models.PositiveIntegerField(_("排位"), null=True, blank=True)
    rank_hash = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default="pending")
    pitch = models.PositiveSmallIntegerField(_("摊位号"), null=True, blank=True)

    class Meta:
        ordering = ["draw", "rank", "number"]
        verbose_name = _("摊位申请")
        verbose_name_plural = _("摊位申请")
        constraints = [
            # One application per person per term (any spot of the bureau).
            models.UniqueConstraint(fields=["vendor", "term_start"], name="welfare_one_application_per_term"),
            models.UniqueConstraint(fields=["draw", "number"], name="welfare_application_number"),
        ]

    def __str__(self) -> str:
        return f"{self.draw} {self.number}"


class HelpKind(models.TextChoices):
    GOODS = "goods", _("物资帮扶")
    REFERRAL = "referral", _("转介")
    FOLLOW_UP = "follow_up", _("跟踪回访")


class ReferralTo(models.TextChoices):
    JOBS = "jobs", _("就业岗位")
    MARKET = "market", _("市场摊位")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    TRAINING = "training", _("技能培训")


class HelpRecord(models.Model):
    """One act of help: goods given, a referral, or a follow-up with its outcome."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="help_records")
    kind = models.CharField(_("帮扶方式"), max_length=10, choices=HelpKind.choices)
    on = models.DateField(_("日期"))
    what = models.CharField(_("物资"), max_length=100, blank=True)
    quantity = models.CharField(_("数量"), max_length=50, blank=True)
    given_by = models.CharField(_("帮扶人或单位"), max_length=100, blank=True)
    referral_to = models.CharField(_("转介去向"), max_length=15, choices=ReferralTo.choices, blank=True)
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    outcome = models.CharField(_("结果"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        indexes = [models.Index(fields=["bureau", "on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class WelfareSettings(models.Model):
    """The bureau's own settings: the category codes of a vending case (721 工作法: a hardship vendor's
    first one offers help and a pitch before a penalty). Default `settings.WELFARE_VENDING_CATEGORIES`."""

    bureau = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    vending_categories = models.CharField(_("占道经营类案件的小类代码"), max_length=200)

    class Meta:
        verbose_name = _("帮扶设置")
        verbose_name_plural = _("帮扶设置")

    def __str__(self) -> str:
        return f"{self.bureau} {self.vending_categories}"
