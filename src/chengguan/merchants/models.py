"""The street-front merchant ledger (台账) and the yearly responsibility letters (门前三包责任书)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.grids.models import Grid
from chengguan.org.models import Organisation


class BusinessType(models.TextChoices):
    CATERING = "catering", _("餐饮")
    RETAIL = "retail", _("零售")
    CONVENIENCE = "convenience", _("便利店")
    FRUIT_VEG = "fruit_veg", _("果蔬生鲜")
    BEAUTY = "beauty", _("美容美发")
    REPAIR = "repair", _("维修")
    BUILDING = "building", _("建材五金")
    AUTO = "auto", _("汽车服务")
    PHARMACY = "pharmacy", _("药店")
    HOTEL = "hotel", _("住宿")
    SERVICE = "service", _("生活服务")
    OTHER = "other", _("其他")


class MerchantStatus(models.TextChoices):
    OPEN = "open", _("营业")
    CLOSED = "closed", _("停业")
    MOVED = "moved", _("迁出")


class Merchant(models.Model):
    """One street-front unit or shop. Grid, community, sub-district and squad follow its location."""

    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("单位名称", max_length=100, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    operator_name = models.CharField("法定代表人/经营者", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    business_type = models.CharField(
        "经营类别", max_length=12, choices=BusinessType.choices, default=BusinessType.OTHER, db_index=True
    )
    address = models.CharField("地址", max_length=200)
    lon = models.FloatField(help_text="WGS-84")
    lat = models.FloatField(help_text="WGS-84")
    grid = models.ForeignKey(Grid, null=True, blank=True, on_delete=models.PROTECT, related_name="merchants")
    community = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="merchants_as_community"
    )
    subdistrict = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="merchants_as_subdistrict"
    )
    squad = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="merchants_as_squad"
    )
    frontage_m = models.DecimalField("门前责任区长度（米）", max_digits=7, decimal_places=1, default=0)
    status = models.CharField(
        "经营状态", max_length=8, choices=MerchantStatus.choices, default=MerchantStatus.OPEN, db_index=True
    )
    # The merchant's own sign-in (role 商户), linked by the bureau: their home page shows this shop's
    # letters and cases, and nobody else's (`selectors.shops_of_account`).
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="shops"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "沿街商户"
        verbose_name_plural = "沿街商户"
        indexes = [models.Index(fields=["bureau", "status"])]

    def __str__(self) -> str:
        return self.name


class MerchantPhoto(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="merchants/photos/%Y/%m/")
    caption = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.file.name


class LetterStatus(models.TextChoices):
    NOT_ISSUED = "not_issued", _("未发放")
    ISSUED = "issued", _("已发放")
    SIGNED = "signed", _("已签订")
    REFUSED = "refused", _("拒签")
    EXPIRED = "expired", _("已过期")


class SignMethod(models.TextChoices):
    PAPER = "paper", _("纸质签字扫描件")
    SCREEN = "screen", _("平板手写签名")


class Letter(models.Model):
    """The responsibility letter of one merchant for one year, numbered gaplessly per year."""

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="letters")
    bureau = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(db_index=True)
    seq = models.PositiveIntegerField()
    number = models.CharField("责任书编号", max_length=40, unique=True)
    token = models.CharField(max_length=24, unique=True, help_text="Key of the public verification page")
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.NOT_ISSUED)
    term_start = models.DateField()
    term_end = models.DateField()
    issued_at = models.DateTimeField(null=True, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signer_name = models.CharField(max_length=50, blank=True)
    sign_method = models.CharField(max_length=8, choices=SignMethod.choices, blank=True)
    signature_file = models.FileField(upload_to="merchants/signatures/%Y/", blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refused_reason = models.CharField(max_length=200, blank=True)
    receipt_confirmed_at = models.DateTimeField(null=True, blank=True)
    receipt_address = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "seq"]
        verbose_name = "门前三包责任书"
        verbose_name_plural = "门前三包责任书"
        constraints = [
            models.UniqueConstraint(fields=["merchant", "year"], name="uniq_letter_merchant_year"),
            models.UniqueConstraint(fields=["bureau", "year", "seq"], name="uniq_letter_seq"),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return self.number


class MerchantCase(models.Model):
    """A case of the closed loop that names a merchant (e.g. 店外经营, 乱堆物堆料).

    Kept here rather than on `cases.Case` because merchants sit above cases in the app layering.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="merchant_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "case"], name="uniq_merchant_case")]

    def __str__(self) -> str:
        return f"{self.merchant_id}↔{self.case_id}"
