"""Every error code the public channel (reports, tracking, ratings, 回访复核) and Open311 client
registration raise, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class PortalError(ErrorCodes):
    # Who may act.
    STAFF_ONLY = "portal.staff_only", "只有工作人员可以登记反馈和回访。"
    OUT_OF_SCOPE = "portal.out_of_scope", "该案件不在您的管辖范围内。"
    REVIEW_NOT_ALLOWED = "portal.review_not_allowed", "只有领导或值班长可以复核不满意评价。"
    # A citizen's report.
    BAD_PHONE = "portal.bad_phone", "手机号码格式不正确。"
    BAD_CATEGORY = "portal.bad_category", "请选择问题类型。"
    BAD_CRS = "portal.bad_crs", "坐标系无效。"
    TOO_MANY_PHOTOS = "portal.too_many_photos", "上传的照片过多。"
    TOO_LONG = "portal.too_long", "内容过长。"
    # Feedback, ratings and their review.
    BAD_METHOD = "portal.bad_method", "反馈方式无效。"
    NAIVE_TIME = "portal.naive_time", "时间须带时区。"
    FUTURE_TIME = "portal.future_time", "时间不能晚于现在。"
    NOT_YET_ACCEPTED = "portal.not_yet_accepted", "案件尚未受理，不能反馈结果。"
    BAD_RATING = "portal.bad_rating", "请选择满意程度。"
    NOT_CLOSED = "portal.not_closed", "问题办结后才能评价。"
    ALREADY_RATED = "portal.already_rated", "您已评价过此问题。"
    BAD_DECISION = "portal.bad_decision", "请选择处理方式。"
    MISSING_FIELDS = "portal.missing_fields", "请填写必填项。"
    NOT_DISSATISFIED = "portal.not_dissatisfied", "只有不满意的评价需要复核。"
    ALREADY_REVIEWED = "portal.already_reviewed", "该评价已复核。"


class Open311ClientError(ErrorCodes):
    FORBIDDEN = "open311.forbidden", "只有管理员可以登记或停用 Open311 应用。"
    MISSING_NAME = "open311.missing_name", "请填写应用名称。"
    DUPLICATE_CLIENT = "open311.duplicate_client", "该应用名称已存在。"
