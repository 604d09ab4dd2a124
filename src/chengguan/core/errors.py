"""Domain errors with stable English codes and Chinese messages, mapped to HTTP by one handler."""

from __future__ import annotations

from django.db import models


class DomainError(Exception):
    """A rule refused the request. `code` is stable English; `message` is for users (Chinese)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The object is not in a state that allows the action (HTTP 409)."""

    status = 409
    code = "conflict"


class ErrorCodes(models.TextChoices):
    """An app's error codes as an enum: the value is the stable English code, the label the Chinese
    message it stands for (the text in `docs/errors.md`). Raise with the member as `code=`:

        class CaseError(ErrorCodes):
            INVALID_TRANSITION = "case.invalid_transition", "案件当前状态不允许该操作。"

        raise Conflict(f"…{detail}…", code=CaseError.INVALID_TRANSITION)
    """


def all_error_codes() -> dict[str, tuple[str, str]]:
    """Every declared code → (enum name, Chinese message), for docs/errors.md and its test. Each
    app declares its codes in `<app>/errors.py`."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.errors") is not None:
            importlib.import_module(f"{config.name}.errors")
    out: dict[str, tuple[str, str]] = {}
    stack = list(ErrorCodes.__subclasses__())
    while stack:
        enum = stack.pop()
        stack.extend(enum.__subclasses__())
        for member in enum:
            out[member.value] = (f"{enum.__module__}.{enum.__name__}", str(member.label))
    return out


# -- the codes of the kernel's own services (evidence files, jobs, legal periods, coordinates) -------


class EvidenceError(ErrorCodes):
    EMPTY = "evidence.empty", "文件为空。"
    BAD_TYPE = "evidence.bad_type", "只能上传 JPEG、PNG 或 WebP 格式的照片。"
    TOO_LARGE = "evidence.too_large", "文件过大。"
    TOO_MANY_PIXELS = "evidence.too_many_pixels", "图片像素过大。"
    TOO_SMALL = "evidence.too_small", "图片过小。"
    CORRUPT = "evidence.corrupt", "图片文件已损坏或无法识别。"


class JobError(ErrorCodes):
    UNKNOWN_KIND = "job.unknown_kind", "未知的任务类型。"
    ALREADY_DONE = "job.already_done", "任务已完成，无需继续。"


class LegalPeriodError(ErrorCodes):
    UNKNOWN = "legal_period.unknown", "未找到法定期限。"
    COUNTED_IN_HOURS = "legal_period.counted_in_hours", "该法定期限按小时计算。"
    NO_DAY_COUNT = "legal_period.no_day_count", "该法定期限没有天数。"


class CoordsError(ErrorCodes):
    UNKNOWN_CRS = "coords.unknown_crs", "未知的坐标系。"


class TextError(ErrorCodes):
    """What the one text normaliser (`core.text`) refuses, on every interactive input."""

    CONTROL_CHARACTER = "text.control_character", "不能包含控制字符（制表符和换行除外）。"
    TOO_LONG = "text.too_long", "内容过长。"
    BAD_URL = "text.bad_url", "链接须为 http:// 或 https:// 开头的有效网址。"
    BAD_EMAIL = "text.bad_email", "电子邮箱地址格式不正确。"


class LimitError(ErrorCodes):
    """The one limiter of public intake (`core.limits`)."""

    RATE_LIMITED = "limits.rate_limited", "提交过于频繁，请稍后再试。如情况紧急，请拨打 12319 城建服务热线。"


class FilterError(ErrorCodes):
    """Query parameters of the lists (`core.filters`): each refused with a field-level 400."""

    BAD_ID = "filter.bad_id", "编号须为 1 到 9223372036854775807 之间的整数。"
    BAD_YEAR = "filter.bad_year", "年度须为 1990 到 2100 之间的整数。"
    BAD_BOOLEAN = "filter.bad_boolean", "请填写 true 或 false。"
    BAD_PAGE = "filter.bad_page", "页码须为不小于 1 的整数。"
