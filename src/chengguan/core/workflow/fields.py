"""The fields a workflow action takes, declared once: the kernel cleans input with them, and the API
serializers, the web forms and the OpenAPI entries are built from them.

A `FieldSpec` says what a value is (its kind), how it is labelled and its bounds. `clean` turns raw
input (a string from a form, JSON, a Python value from a service call) into the Python value the
step functions read, or raises `Invalid` with the message for that field.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime

from chengguan.core import clock

KINDS = (
    "text",
    "line",
    "int",
    "float",
    "money",
    "date",
    "datetime",
    "bool",
    "choice",
    "choices",
    "file",
    "files",
    "ref",
    "data",
)
DEFAULT_LENGTH = {"text": 2000, "line": 200}
EMPTY = (None, "", [], ())


class Invalid(ValueError):
    """A value that cannot be used; the message is shown beside the field."""


@dataclass(frozen=True)
class FieldSpec:
    """One input field. `kind` is one of KINDS; `choices` are (value, label) pairs or a callable giving
    them (for choices that depend on settings); `ref` is the id of another row, resolved by the step;
    `data` is an encoded blob (a signature drawn on a screen); a file's `content_types` are the types
    it may have (for the API schema: the step's own check decides)."""

    kind: str
    label: Any
    help: Any = ""
    max_length: int | None = None
    min_value: int | float | Decimal | None = None
    max_value: int | float | Decimal | None = None
    choices: tuple[tuple[str, Any], ...] | Callable[[], Iterable[tuple[str, Any]]] | None = None
    content_types: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    @property
    def length(self) -> int | None:
        return self.max_length or DEFAULT_LENGTH.get(self.kind)

    def choice_pairs(self) -> list[tuple[str, Any]]:
        pairs = self.choices() if callable(self.choices) else self.choices
        return [(str(value), label) for value, label in pairs or ()]

    def clean(self, value: Any) -> Any:
        return _CLEANERS[self.kind](self, value)


def _text(spec: FieldSpec, value) -> str:
    text = str(value).strip()
    if spec.length and len(text) > spec.length:
        raise Invalid(f"不能超过 {spec.length} 字。")
    if spec.kind == "line" and ("\n" in text or "\r" in text):
        raise Invalid("请填写一行文字。")
    return text


def _bounded(spec: FieldSpec, number):
    if spec.min_value is not None and number < spec.min_value:
        raise Invalid(f"不能小于 {spec.min_value}。")
    if spec.max_value is not None and number > spec.max_value:
        raise Invalid(f"不能大于 {spec.max_value}。")
    return number


def _int(spec: FieldSpec, value) -> int:
    if isinstance(value, bool):
        raise Invalid("须为整数。")
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise Invalid("须为整数。") from None
    return _bounded(spec, number)


def _float(spec: FieldSpec, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid("须为数字。") from None
    if not math.isfinite(number):
        raise Invalid("须为数字。")
    return _bounded(spec, number)


def _money(spec: FieldSpec, value) -> Decimal:
    try:
        amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise Invalid("金额格式不正确。") from None
    if not amount.is_finite() or amount < 0:
        raise Invalid("金额不能为负数。")
    return _bounded(spec, amount)


def _date(spec: FieldSpec, value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.SHANGHAI).date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid("日期格式不正确。") from None


def _datetime(spec: FieldSpec, value) -> dt.datetime:
    """An aware datetime; a time without a zone is Beijing time."""
    try:
        moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value).strip())
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid("时间格式不正确。")
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI)


TRUE_WORDS = frozenset({"1", "true", "on", "yes", "是"})
FALSE_WORDS = frozenset({"0", "false", "off", "no", "否"})


def _bool(spec: FieldSpec, value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid("须为是或否。")


def _choice(spec: FieldSpec, value) -> str:
    allowed = {v for v, _ in spec.choice_pairs()}
    if str(value) not in allowed:
        raise Invalid("不是有效的选项。")
    return str(value)


def _choices(spec: FieldSpec, value) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    return [_choice(spec, v) for v in values]


def _file(spec: FieldSpec, value):
    if isinstance(value, (list, tuple)):
        raise Invalid("只能上传一个文件。")
    return value


def _files(spec: FieldSpec, value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _data(spec: FieldSpec, value):
    """Bytes or a base64/data-URL string (a signature drawn on a screen), passed on untouched."""
    if not isinstance(value, (bytes, str)):
        raise Invalid("数据格式不正确。")
    return value


def _ref(spec: FieldSpec, value):
    """A row id (or the row itself, from service callers); the step looks it up in scope."""
    if hasattr(value, "pk"):
        return value
    return _int(spec, value)


_CLEANERS: dict[str, Callable[[FieldSpec, Any], Any]] = {
    "text": _text,
    "line": _text,
    "int": _int,
    "float": _float,
    "money": _money,
    "date": _date,
    "datetime": _datetime,
    "bool": _bool,
    "choice": _choice,
    "choices": _choices,
    "file": _file,
    "files": _files,
    "ref": _ref,
    "data": _data,
}
