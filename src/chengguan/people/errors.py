"""Every error code the people app raises, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class PeopleError(ErrorCodes):
    FORBIDDEN = "people.forbidden", "您没有该操作的权限。"
    OTHER_BUREAU = "people.other_bureau", "该人员不属于您所在单位。"
    NOT_STAFF = "people.not_staff", "只能为本局的工作人员办理（逐项说明）。"
    INVALID = "people.invalid", "提交的数据有误（逐项说明）。"
    TRAINING_NOT_STARTED = "people.training_not_started", "培训尚未开始，不能确认已举办。"
    BAD_SIGN_IN = "people.bad_sign_in", "签到二维码无效或已过期。"
    SIGN_IN_CLOSED = "people.sign_in_closed", "该培训已取消或不在签到时间内。"
    ALREADY_SIGNED_IN = "people.already_signed_in", "已经签到。"
    NOT_AN_EXAM = "people.not_an_exam", "只有考试可以登记成绩。"
    QUOTA_FULL = "people.quota_full", "该评选的名额已满。"
    NO_CONSENT = "people.no_consent", "未记录当事人同意公开，不能公开。"
    NOT_IN_PERIOD = "people.not_in_period", "不在评选期间内，不能推荐。"
    ALREADY_NOMINATED = "people.already_nominated", "该人员或单位已被推荐参加本次评选。"
    BAD_PHOTO = "people.bad_photo", "照片须为 JPEG 或 PNG 文件，且不超过 10 MB。"
    BAD_MATERIAL = "people.bad_material", "培训资料须为 PDF、Word、PPT 或图片文件，且不超过 20 MB。"
    PROGRAMME_DECIDED = "people.programme_decided", "该评选已有推荐作出决定，不能再修改。"


class TrainingError(ErrorCodes):
    INVALID_TRANSITION = "training.invalid_transition", "培训当前状态不允许该操作。"
    MISSING_FIELDS = "training.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "training.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "training.unknown_action", "未知的操作。"
    NOT_FOUND = "training.not_found", "培训不存在或您无权查看。"


class CertificateError(ErrorCodes):
    INVALID_TRANSITION = "certificate.invalid_transition", "执法证当前状态不允许该操作。"
    MISSING_FIELDS = "certificate.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "certificate.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "certificate.unknown_action", "未知的操作。"
    NOT_FOUND = "certificate.not_found", "执法证不存在或您无权查看。"
    FORBIDDEN = "certificate.forbidden", "只有政工人事人员或管理员可以管理执法证。"
    OTHER_BUREAU = "certificate.other_bureau", "该执法证不属于您所在单位。"
    NUMBER_TAKEN = "certificate.number_taken", "执法证号已被其他在用的执法证使用，请核对。"
    DATE_ORDER = "certificate.date_order", "有效期至不能早于有效期起。"
    REVIEWED = "certificate.reviewed", "该执法证本年度已年审。"
    HOLDER_HAS_CERTIFICATE = "certificate.holder_has_certificate", "该人员已有在用的执法证，请办理换证。"


class NominationError(ErrorCodes):
    INVALID_TRANSITION = "nomination.invalid_transition", "推荐当前状态不允许该操作。"
    MISSING_FIELDS = "nomination.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "nomination.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "nomination.unknown_action", "未知的操作。"
    NOT_FOUND = "nomination.not_found", "推荐不存在或您无权查看。"


class DeedError(ErrorCodes):
    INVALID_TRANSITION = "deed.invalid_transition", "先进事迹当前状态不允许该操作。"
    MISSING_FIELDS = "deed.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "deed.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "deed.unknown_action", "未知的操作。"
    NOT_FOUND = "deed.not_found", "先进事迹不存在或您无权查看。"
