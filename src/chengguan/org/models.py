"""Organisations (the bureau's tree and its partners), staff profiles and login lockout."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.org.roles import RoleCode


class OrgKind(models.TextChoices):
    # A city installation's city-level bureau (市城管局) above its district bureaus; it holds no cases.
    CITY = "city", _("市局")
    BUREAU = "bureau", _("局")
    SQUAD = "squad", _("执法中队")
    DEPARTMENT = "department", _("职能部门")
    SUBDISTRICT = "subdistrict", _("街道办事处")
    COMMUNITY = "community", _("社区")
    PARTNER = "partner", _("协作单位")


class PartnerType(models.TextChoices):
    POLICE = "police", _("公安")
    TRAFFIC_POLICE = "traffic_police", _("交警")
    COURT = "court", _("法院")
    MARKET = "market", _("市场监管")
    ECOLOGY = "ecology", _("生态环境")
    # 国土 (natural resources: land use, mineral resources) and 规划 (planning permits) are separate
    # partners of a joint action: a campaign against illegal building needs the one, a campaign on
    # land use the other, even where one local office carries both names.
    NATURAL_RESOURCES = "natural_resources", _("自然资源（国土）")
    PLANNING = "planning", _("规划")
    HEALTH = "health", _("卫生健康")
    HOUSING = "housing", _("住房和城乡建设")
    UTILITY = "utility", _("公用事业单位")
    OTHER = "other", _("其他")


class Organisation(models.Model):
    """A node of the organisation tree. `path` (`/1/5/23/`) makes subtree queries one LIKE."""

    kind = models.CharField(max_length=16, choices=OrgKind.choices, db_index=True)
    partner_type = models.CharField(max_length=20, choices=PartnerType.choices, blank=True)
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=40, blank=True)
    # Administrative code segment: 6-digit county code for a bureau, 3-digit street code for a
    # sub-district, 3-digit community code for a community (they make up unit grid codes).
    code = models.CharField(max_length=20, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    bureau = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The bureau this unit belongs to (itself for a bureau).",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    contact_person = models.CharField(max_length=50, blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    address = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = "组织"
        verbose_name_plural = "组织"
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "kind", "code"],
                condition=~models.Q(code=""),
                name="uniq_org_code_within_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1 if self.path else 0


class Role(models.Model):
    code = models.CharField(max_length=32, choices=RoleCode.choices, unique=True)
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["id"]
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """Who a user is in the bureau: their unit and roles. The enforcement certificate is in the
    people app's registry (`people.Certificate`), the one source of its number."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    roles = models.ManyToManyField(Role, related_name="staff", blank=True)
    full_name = models.CharField(max_length=50)
    phone = models.CharField(max_length=20, blank=True)
    party_member = models.BooleanField(default=False)
    title = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["organisation__path", "full_name"]
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return self.full_name


class LoginScope(models.TextChoices):
    """What a row of failed logins counts (`org.auth`): the lower limits block one client address, so
    no stranger can lock an owner out; only the highest locks the account itself."""

    PAIR = "pair", _("账号+地址")
    ADDRESS = "address", _("地址")
    ACCOUNT = "account", _("账号")


class LoginFailure(models.Model):
    """Failed logins in a burst, for one account from one client address, for one address across
    accounts, or for one account from anywhere; too many block the login for a while."""

    scope = models.CharField(max_length=8, choices=LoginScope.choices, default=LoginScope.ACCOUNT)
    username = models.CharField(max_length=150, blank=True)
    address = models.CharField(max_length=64, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_address = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "username", "address"], name="uniq_login_failure_key")
        ]
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        who = " @ ".join(part for part in (self.username, self.address) if part)
        return f"{who}: {self.failures}"


class StaffSession(models.Model):
    """A staff member's browser session, so an administrator can see who is signed in where and end
    a session (等保 2.0 会话管理). Written at login, touched as the session is used, removed at
    logout, timeout or when ended."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("在线会话")
        verbose_name_plural = _("在线会话")

    def __str__(self) -> str:
        return f"{self.user} @ {self.address}"


class BureauCalendarDay(models.Model):
    """A day a bureau counts differently from the installation's holiday table: a local day off (a
    provincial or autonomous-area holiday, e.g. 广西"三月三") or a day worked in exchange. Deadlines
    of the bureau's cases, penalty cases, rosters and tasks count it (`core.calendar.for_bureau`)."""

    bureau = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="calendar_days",
        limit_choices_to={"kind": "bureau"},
    )
    date = models.DateField()
    works = models.BooleanField(help_text=_("是：当天上班（调休）；否：当天放假"))
    name = models.CharField(max_length=50)
    source = models.CharField(max_length=200, help_text=_("依据的通知或文件"))

    class Meta:
        ordering = ["bureau", "date"]
        constraints = [models.UniqueConstraint(fields=["bureau", "date"], name="uniq_bureau_calendar_day")]
        verbose_name = _("本局节假日调整")
        verbose_name_plural = _("本局节假日调整")

    def __str__(self) -> str:
        return f"{self.bureau} {self.date} {self.name}"


class DevicePurpose(models.TextChoices):
    FIELD = "field", _("外勤应用")
    # The command centre's wall screen (大屏): reads its bureau's figures, acts as no one.
    SCREEN = "screen", _("指挥中心大屏")


class DeviceToken(models.Model):
    """A phone signed in to the field app (`org.devices`): its requests carry `Authorization: Device
    <key>`, which no session timeout ends, so a queue synced hours later still goes through. Only the
    key's SHA-256 is stored; revoking (the user signing out, or an administrator for a lost phone)
    ends it at once and for good.

    A `screen` token is the command centre's wall screen (`stats.screen`): issued by an administrator
    (`user`) for one bureau, it reads that bureau's screen and nothing else; the API refuses it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_tokens")
    name = models.CharField(_("设备名称"), max_length=60)
    purpose = models.CharField(
        _("用途"), max_length=10, choices=DevicePurpose.choices, default=DevicePurpose.FIELD
    )
    bureau = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("所属局"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("大屏令牌所显示的局"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so a user can tell their phones apart without the key itself.
    prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("签发时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("移动设备")
        verbose_name_plural = _("移动设备")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
