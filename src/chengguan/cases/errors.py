"""Every error code the closed loop and its supervision raise, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class CaseError(ErrorCodes):
    # The workflow kernel's codes (core.workflow), under the case machine's prefix.
    INVALID_TRANSITION = "case.invalid_transition", "案件当前状态不允许该操作。"
    MISSING_FIELDS = "case.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "case.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "case.unknown_action", "未知的操作。"
    NOT_FOUND = "case.not_found", "案件不存在或不在您的查看范围内。"
    # Who may act.
    ROLE_FORBIDDEN = "case.role_forbidden", "您的角色不能执行该操作。"
    OUT_OF_SCOPE = "case.out_of_scope", "该案件不在您的管辖范围内。"
    NOT_YOUR_UNIT = "case.not_your_unit", "该案件未派遣给您所在的单位。"
    VERIFIER_IS_HANDLER = "case.verifier_is_handler", "核查人不能是处置人本人。"
    # Intake (上报).
    BAD_IDEMPOTENCY_KEY = "case.bad_idempotency_key", "幂等键过长。"
    BAD_SOURCE = "case.bad_source", "案件来源无效。"
    SOURCE_NOT_ALLOWED = "case.source_not_allowed", "您的角色不能以该来源上报案件。"
    TOO_LONG = "case.too_long", "内容过长。"
    UNKNOWN_CATEGORY = "case.unknown_category", "未知的部件/事件分类代码。"
    AMBIGUOUS_CATEGORY = "case.ambiguous_category", "该四位代码在部件和事件中都有，请同时提供 kind。"
    BAD_LOCATION = "case.bad_location", "位置信息有误。"
    MISSING_LOCATION = "case.missing_location", "请提供位置坐标或地址。"
    OUTSIDE_JURISDICTION = "case.outside_jurisdiction", "该位置不在本辖区范围内。"
    BAD_PHONE = "case.bad_phone", "电话号码格式不正确。"
    # The steps of the lifecycle (guards and steps of cases.states.CASE_MACHINE).
    DELAY_REASON_REQUIRED = "case.delay_reason_required", "已超过办理时限，请填写超时原因。"
    BAD_MERGE_TARGET = "case.bad_merge_target", "请选择一个仍在办理中的本辖区其他案件作为合并目标。"
    BAD_UNIT = "case.bad_unit", "请选择有效的处置单位。"
    AFTER_PHOTO_REQUIRED = "case.after_photo_required", "请上传处置后照片。"
    EXTENSION_PENDING = "case.extension_pending", "已有待审批的延期申请。"
    NO_PENDING_EXTENSION = "case.no_pending_extension", "没有待审批的延期申请。"
    BAD_EXTENSION = "case.bad_extension", "延期单位无效。"
    ALREADY_EVALUATED = "case.already_evaluated", "该案件已评价。"
    NOT_REOPENABLE = "case.not_reopenable", "该案件未经派遣处置，不能重新交办。"
    CHECK_REQUIRED = "case.check_required", "本局要求公众举报先经监督员现场核实，方可立案。"
    CHECK_NOT_WANTED = "case.check_not_wanted", "该案件无需核实或已经核实。"
    # Evidence added later (补充材料).
    EVIDENCE_FORBIDDEN = "case.evidence_forbidden", "只有本辖区的工作人员可以补充证据材料。"
    BAD_STAGE = "case.bad_stage", "材料阶段无效。"
    # 恶意/无效举报.
    SPAM_FORBIDDEN = "case.spam_forbidden", "只有受理员或值班长可以标记恶意/无效举报。"
    ALREADY_SPAM = "case.already_spam", "该案件已标记为恶意/无效举报。"
    NOT_SPAM = "case.not_spam", "该案件未被标记为恶意/无效举报。"
    SPAM_REASON_REQUIRED = "case.spam_reason_required", "请填写判定理由。"
    SPAM_REASON_TOO_LONG = "case.spam_reason_too_long", "理由过长。"
    # The reporter's phone number.
    NO_REPORTER_PHONE = "case.no_reporter_phone", "该案件没有登记反映人电话。"
    PHONE_FORBIDDEN = "case.phone_forbidden", "您的角色不能查看反映人的完整电话。"
    # A bureau's own stage limits.
    INVALID_STAGE_LIMIT = "case.invalid_stage_limit", "环节时限须为正整数个工作时或工作日，且写明依据。"


class SupervisionError(ErrorCodes):
    FORBIDDEN = "supervision.forbidden", "您的角色不能督办或回复督办。"
    BAD_LEVEL = "supervision.bad_level", "督办级别无效。"
    MISSING_FIELDS = "supervision.missing_fields", "请填写必填项。"
    CASE_CLOSED = "supervision.case_closed", "案件已办结，无需督办。"
    BAD_DUE = "supervision.bad_due", "回复期限须晚于现在。"
    ALREADY_REPLIED = "supervision.already_replied", "该督办已回复。"
    NOT_FOUND = "supervision.not_found", "督办件不存在或不在您的查看范围内。"
