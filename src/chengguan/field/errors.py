"""Every error code the field app raises, with the message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class FieldError(ErrorCodes):
    PHOTO_HASH_MISMATCH = "field.photo_hash_mismatch", "照片在传输中损坏（校验值不符），请重新发送。"
    PHOTO_HASH_MISSING = "field.photo_hash_missing", "每张照片须附设备计算的 SHA-256 校验值。"
    KEY_REQUIRED = "field.key_required", "外勤应用的上报须带幂等键。"
    KEY_REUSED = "field.key_reused", "该幂等键已用于另一项操作。"
    NOT_A_TASK = "field.not_a_task", "外勤应用不办理该操作。"
