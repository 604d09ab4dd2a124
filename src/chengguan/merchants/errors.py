"""Every error code the ledger and the letters raise, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class MerchantError(ErrorCodes):
    FORBIDDEN = "merchant.forbidden", "您没有该操作的权限。"
    INVALID = "merchant.invalid", "台账字段有误（逐项说明）。"
    DUPLICATE_CODE = "merchant.duplicate_code", "该统一社会信用代码已在台账中。"
    NOT_FOUND = "merchant.not_found", "商户不存在或您无权查看。"
    OTHER_BUREAU = "merchant.other_bureau", "商户或位置不属于您所在单位（或该案件）的辖区。"
    OUTSIDE_DISTRICT = "merchant.outside_district", "位置不在本辖区任何单元网格内。"
    CASE_NOT_LINKED = "merchant.case_not_linked", "该商户未关联此案件。"
    NOT_A_MERCHANT_ACCOUNT = "merchant.not_a_merchant_account", "只能关联持有“商户”角色的账号。"


class LetterError(ErrorCodes):
    INVALID_TRANSITION = "letter.invalid_transition", "责任书当前状态不允许该操作。"
    MISSING_FIELDS = "letter.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "letter.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "letter.unknown_action", "未知的操作。"
    NOT_FOUND = "letter.not_found", "未找到该责任书。"
    FORBIDDEN = "letter.forbidden", "您没有执行该操作的权限。"
    OTHER_BUREAU = "letter.other_bureau", "该责任书不属于您所在单位的辖区。"
    INVALID = "letter.invalid", "签订信息有误（逐项说明）。"
    FUTURE_DATE = "letter.future_date", "签订日期不能晚于今天。"
    NO_SIGNATURE = "letter.no_signature", "请在签名板上签名后再提交。"
    NO_SCAN = "letter.no_scan", "请上传签字后的责任书扫描件。"
    BAD_SCAN = "letter.bad_scan", "扫描件须为 PDF、JPG 或 PNG 文件。"
    EXPIRED = "letter.expired", "该责任书已过期。"
