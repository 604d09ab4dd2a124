"""The life of a responsibility letter on the workflow kernel: (state, action) → target, who may act,
what each action takes. The same table drives `services.letter_transition`, the buttons on the
merchant page, the API's actions and docs/workflows.md.
"""

from __future__ import annotations

import base64

from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengguan.core.errors import ValidationFailed
from chengguan.core.workflow import FieldSpec, Guard, Machine, transition
from chengguan.merchants.errors import LetterError
from chengguan.merchants.models import Letter, LetterStatus, SignMethod
from chengguan.merchants.permissions import can_expire_letters, can_work_letters, letter_in_bureau

S = LetterStatus


class LetterActions(models.TextChoices):
    ISSUE = "issue", _("发放")
    SIGN = "sign", _("登记签订")
    REFUSE = "refuse", _("登记拒签")
    EXPIRE = "expire", _("作废")


A = LetterActions

FIELDS = {
    "signer_name": FieldSpec("line", _("签字人"), max_length=50),
    "signed_on": FieldSpec("date", _("签订日期"), _("默认今天")),
    "method": FieldSpec("choice", _("签订方式"), choices=SignMethod.choices),
    "scan": FieldSpec("file", _("签字后的责任书扫描件"), _("PDF、JPG 或 PNG")),
    "signature_png": FieldSpec("data", _("手写签名"), _("签名板上的签名（PNG，data URL 或 base64）")),
    "reason": FieldSpec("line", _("拒签原因"), max_length=200),
}

PNG = b"\x89PNG\r\n\x1a\n"


def _signature(ctx) -> tuple[bytes, str]:
    """The signed document: a PNG drawn on the screen, or a scan (PDF, JPG or PNG)."""
    if ctx.data["method"] == SignMethod.SCREEN:
        data = ctx.get("signature_png") or b""
        if isinstance(data, str):
            data = base64.b64decode(data.split(",", 1)[-1] or "", validate=False)
        if not data.startswith(PNG) or len(data) < 100:
            raise ValidationFailed(
                "请在签名板上签名后再提交",
                code=LetterError.NO_SIGNATURE,
                fields={"signature_png": ["缺少签名"]},
            )
        return data, "png"
    upload = ctx.get("scan")
    if upload is None:
        raise ValidationFailed(
            "请上传签字后的责任书扫描件", code=LetterError.NO_SCAN, fields={"scan": ["缺少扫描件"]}
        )
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    for magic, ext in ((b"%PDF", "pdf"), (b"\xff\xd8\xff", "jpg"), (PNG, "png")):
        if data.startswith(magic):
            return data, ext
    raise ValidationFailed(
        "扫描件须为 PDF、JPG 或 PNG 文件", code=LetterError.BAD_SCAN, fields={"scan": ["格式不支持"]}
    )


def _hand_over(ctx) -> None:
    """Signing or refusing on the spot also counts as handing the letter over."""
    if ctx.obj.issued_at is None:
        ctx.obj.issued_at = ctx.now


def _issue(ctx) -> None:
    ctx.obj.issued_at = ctx.now


def _sign(ctx) -> None:
    letter = ctx.obj
    data, ext = _signature(ctx)
    letter.signature_file.save(f"{letter.year}-{letter.seq:05d}.{ext}", ContentFile(data), save=False)
    letter.signer_name = ctx.data["signer_name"]
    letter.signed_on = ctx.get("signed_on", ctx.today)
    letter.sign_method = ctx.data["method"]
    letter.officer = ctx.actor
    letter.refused_reason = ""
    _hand_over(ctx)


def _refuse(ctx) -> None:
    ctx.obj.refused_reason = ctx.data["reason"]
    ctx.obj.officer = ctx.actor
    _hand_over(ctx)


not_in_future = Guard(
    lambda ctx: ctx.get("signed_on", ctx.today) <= ctx.today,
    code=LetterError.FUTURE_DATE,
    message="签订日期不能晚于今天",
    field="signed_on",
)


def snapshot(letter: Letter) -> dict:
    return {
        "status": letter.status,
        "signed_on": letter.signed_on,
        "signer_name": letter.signer_name,
        "sign_method": letter.sign_method,
        "officer": letter.officer_id,
        "refused_reason": letter.refused_reason,
    }


LETTER_MACHINE = Machine(
    name="letter",
    model=Letter,
    states=LetterStatus,
    actions=LetterActions,
    fields=FIELDS,
    noun="责任书",
    error_prefix="letter",  # codes: merchants.errors.LetterError
    state_field="status",
    scope=letter_in_bureau,
    snapshot=snapshot,
    transitions=[
        transition(A.ISSUE, {S.NOT_ISSUED}, S.ISSUED, can_work_letters, step=_issue),
        transition(
            A.SIGN,
            {S.NOT_ISSUED, S.ISSUED, S.REFUSED},
            S.SIGNED,
            can_work_letters,
            required=("signer_name", "method"),
            optional=("signed_on", "scan", "signature_png"),
            guards=(not_in_future,),
            step=_sign,
        ),
        transition(
            A.REFUSE,
            {S.NOT_ISSUED, S.ISSUED},
            S.REFUSED,
            can_work_letters,
            required=("reason",),
            step=_refuse,
        ),
        transition(A.EXPIRE, {S.NOT_ISSUED, S.ISSUED, S.SIGNED, S.REFUSED}, S.EXPIRED, can_expire_letters),
    ],
)
