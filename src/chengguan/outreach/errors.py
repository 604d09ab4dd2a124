"""Every error code the outreach app raises, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class ActivityError(ErrorCodes):
    INVALID_TRANSITION = "activity.invalid_transition", "活动当前状态不允许该操作。"
    MISSING_FIELDS = "activity.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "activity.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "activity.unknown_action", "未知的操作。"
    NOT_FOUND = "activity.not_found", "活动不存在或您无权查看。"
    FORBIDDEN = "activity.forbidden", "您没有组织开放活动的权限。"
    OTHER_BUREAU = "activity.other_bureau", "该活动不属于您所在单位。"
    INVALID = "activity.invalid", "活动的数据有误（逐项说明）。"
    NOT_OPEN = "activity.registration_not_open", "该活动目前不接受报名。"
    CLOSED = "activity.registration_closed", "报名已截止，感谢关注。"
    FULL = "activity.full", "报名人数已满，感谢关注。"
    BAD_PERSON = "activity.bad_registrant", "报名信息有误（逐项说明）。"
    # 个人信息保护法 第三十一条
    GUARDIAN_CONSENT = (
        "activity.guardian_consent",
        "不满十四周岁的未成年人须由监护人代为报名并同意处理其个人信息（《个人信息保护法》第三十一条）。",
    )
    NOT_REGISTERED = "activity.not_registered", "该报名不属于本活动。"
    BAD_PHOTO = "activity.bad_photo", "活动照片须为 JPEG、PNG 或 WebP 格式。"


class VolunteerError(ErrorCodes):
    NOT_FOUND = "volunteer.not_found", "志愿者不存在或您无权查看。"
    INVALID = "volunteer.invalid", "志愿者的数据有误（逐项说明）。"
    DUPLICATE = "volunteer.duplicate", "该志愿者已登记。"
    BAD_HOURS = "volunteer.bad_hours", "服务时长须大于 0 且不超过 24 小时。"
    NO_HOURS = "volunteer.no_hours", "该志愿者还没有服务时长，不能出具证明。"


class BroadcastError(ErrorCodes):
    INVALID_TRANSITION = "broadcast.invalid_transition", "直播当前状态不允许该操作。"
    MISSING_FIELDS = "broadcast.missing_fields", "请填写必填项。"
    INVALID_FIELDS = "broadcast.invalid_fields", "提交的数据有误，请检查标出的字段。"
    UNKNOWN_ACTION = "broadcast.unknown_action", "未知的操作。"
    NOT_FOUND = "broadcast.not_found", "直播不存在或您无权查看。"
    FORBIDDEN = "broadcast.forbidden", "您没有管理直播执法的权限。"
    OTHER_BUREAU = "broadcast.other_bureau", "该直播不属于您所在单位。"
    INVALID = "broadcast.invalid", "直播的数据有误（逐项说明）。"
    BAD_VIEWERS_CSV = (
        "broadcast.bad_viewers_csv",
        "观看数据文件无法读取：须为平台导出的 CSV（时间、在线人数、累计观看）。",
    )


class RecordingError(ErrorCodes):
    NOT_FOUND = "recording.not_found", "录像不存在或您无权查看。"
    INVALID = "recording.invalid", "录像的数据有误（逐项说明）。"
    BAD_OFFSET = "recording.bad_offset", "分片的起始位置与已上传的字节数不符。"
    TOO_LARGE = "recording.too_large", "分片超出了登记的文件大小。"
    INCOMPLETE = "recording.incomplete", "录像尚未上传完整。"
    DONE = "recording.complete", "录像已上传完成，不能再追加。"
    HASH_MISMATCH = "recording.hash_mismatch", "录像文件与登记的 SHA-256 不符：文件已被改动或损坏。"
    NOT_IN_STORAGE = "recording.not_in_storage", "存储中没有该文件。"


class MediaError(ErrorCodes):
    NOT_FOUND = "media_report.not_found", "媒体报道不存在或您无权查看。"
    INVALID = "media_report.invalid", "媒体报道的数据有误（逐项说明）。"
