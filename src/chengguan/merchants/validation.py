"""Field rules of the ledger, shared by the forms, the API, the services and the importer.

Each `clean_*` returns the normalised value or raises `FieldError` with a reason in the active
language (Chinese unless a web page is read in English).
"""

from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from chengguan.core import phones
from chengguan.core.i18n import source_choices
from chengguan.merchants.models import BusinessType, MerchantStatus


class FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def clean_name(value) -> str:
    name = str(value or "").strip()
    if not name:
        raise FieldError("name", _("单位名称不能为空"))
    if len(name) > 100:
        raise FieldError("name", _("单位名称不能超过100个字"))
    return name


def clean_credit_code(value) -> str:
    """统一社会信用代码 (GB 32100-2015): 18 characters; python-stdnum checks both check digits."""
    raw = str(value or "").strip().upper()
    if not raw:
        raise FieldError("credit_code", _("统一社会信用代码不能为空"))
    try:
        return uscc.validate(raw)
    except StdnumError:
        message = _("统一社会信用代码“%(code)s”校验位错误或格式不符") % {"code": raw}
        raise FieldError("credit_code", message) from None


def clean_id_number(value) -> str:
    """居民身份证号码 (GB 11643-1999): region, birth date and the ISO 7064 check digit."""
    raw = str(value or "").strip().upper()
    if not raw:
        return ""
    try:
        return ric.validate(raw)
    except StdnumError:
        raise FieldError("id_number", _("身份证号码无效（位数、出生日期或校验位错误）")) from None


def clean_phone(value) -> str:
    raw = str(value or "").strip()
    number = phones.normalise(raw)
    if number is not None:
        return number
    raise FieldError("phone", _("联系电话“%(phone)s”不是有效的手机号或固定电话") % {"phone": raw})


# Ledger files name types and states by their Chinese labels, whatever the uploader's language.
_LABEL_BY_TYPE = source_choices(BusinessType)
_TYPE_BY_LABEL = {label: value for value, label in _LABEL_BY_TYPE.items()}
_STATUS_BY_LABEL = {label: value for value, label in source_choices(MerchantStatus).items()}


# Names ledgers use for our types (other cities' forms, the order of words swapped, a shop's trade).
TYPE_SYNONYMS = {
    "五金建材": BusinessType.BUILDING,
    "建材": BusinessType.BUILDING,
    "五金": BusinessType.BUILDING,
    "餐馆": BusinessType.CATERING,
    "饭店": BusinessType.CATERING,
    "餐厅": BusinessType.CATERING,
    "小吃": BusinessType.CATERING,
    "超市": BusinessType.RETAIL,
    "商店": BusinessType.RETAIL,
    "水果": BusinessType.FRUIT_VEG,
    "生鲜": BusinessType.FRUIT_VEG,
    "蔬菜": BusinessType.FRUIT_VEG,
    "理发": BusinessType.BEAUTY,
    "美发": BusinessType.BEAUTY,
    "美容": BusinessType.BEAUTY,
    "汽修": BusinessType.AUTO,
    "洗车": BusinessType.AUTO,
    "药房": BusinessType.PHARMACY,
    "宾馆": BusinessType.HOTEL,
    "酒店": BusinessType.HOTEL,
    "旅馆": BusinessType.HOTEL,
    "家电维修": BusinessType.REPAIR,
}


def clean_business_type(value) -> str:
    """A type by its code, its Chinese label or a known synonym; otherwise refused, naming the
    nearest label so the uploader can fix the row in one go."""
    raw = str(value or "").strip()
    if not raw:
        return BusinessType.OTHER
    if raw in BusinessType.values:
        return raw
    if raw in _TYPE_BY_LABEL:
        return _TYPE_BY_LABEL[raw]
    if raw in TYPE_SYNONYMS:
        return TYPE_SYNONYMS[raw]
    names = [*_TYPE_BY_LABEL, *TYPE_SYNONYMS]
    near = difflib.get_close_matches(raw, names, n=1, cutoff=0.3)
    if near:
        label = _LABEL_BY_TYPE[_TYPE_BY_LABEL.get(near[0]) or TYPE_SYNONYMS[near[0]]]
        message = _("经营类别“%(type)s”不在可选范围内，是否为“%(near)s”？") % {"type": raw, "near": label}
        raise FieldError("business_type", message)
    raise FieldError(
        "business_type",
        _("经营类别“%(type)s”不在可选范围内，可选：%(names)s")
        % {"type": raw, "names": "、".join(_TYPE_BY_LABEL)},
    )


def clean_status(value) -> str:
    raw = str(value or "").strip()
    if not raw:
        return MerchantStatus.OPEN
    if raw in MerchantStatus.values:
        return raw
    if raw in _STATUS_BY_LABEL:
        return _STATUS_BY_LABEL[raw]
    raise FieldError("status", _("经营状态“%(status)s”应为营业、停业或迁出") % {"status": raw})


def clean_frontage(value) -> Decimal:
    if value in (None, ""):
        return Decimal("0.0")
    try:
        metres = Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise FieldError("frontage_m", _("门前责任区长度须为数字（米）")) from None
    if metres < 0 or metres > 10000:
        raise FieldError("frontage_m", _("门前责任区长度应在0到10000米之间"))
    return metres


def clean_address(value) -> str:
    address = str(value or "").strip()
    if not address:
        raise FieldError("address", _("地址不能为空"))
    return address[:200]


def clean_coordinate(lon, lat) -> tuple[float, float]:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise FieldError("lon", _("经纬度缺失或不是数字")) from None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise FieldError("lon", _("经纬度超出范围"))
    return x, y
