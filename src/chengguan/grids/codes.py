"""Unit grid codes (单元网格编码).

The code concatenates the administrative codes of the units that own the grid, so a code alone says
where a grid lies: 6-digit county code (GB/T 2260) + 3-digit street (街道) + 3-digit community (社区)
+ a sequence within the community. CJ/T 213 uses a 2-digit sequence (14 digits in all); GB/T 30428.1
allows a 3-digit one (15 digits), chosen with `settings.GRID_CODE_DIGITS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from chengguan.core.errors import ValidationFailed
from chengguan.grids.errors import GridError
from chengguan.org.models import Organisation, OrgKind

COUNTY_DIGITS = 6
STREET_DIGITS = 3
COMMUNITY_DIGITS = 3
PREFIX_DIGITS = COUNTY_DIGITS + STREET_DIGITS + COMMUNITY_DIGITS


@dataclass(frozen=True)
class Problem:
    """One reason a grid is refused: the field, a stable English code and a Chinese message."""

    field: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def raise_problems(problems: list[Problem]) -> None:
    """Raise one `ValidationFailed` carrying every problem as field errors (no-op when empty)."""
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message)
    raise ValidationFailed(problems[0].message, code=problems[0].code, fields=fields)


def code_digits() -> int:
    digits = int(getattr(settings, "GRID_CODE_DIGITS", 14))
    if digits not in (14, 15):
        raise ValueError("GRID_CODE_DIGITS must be 14 or 15")
    return digits


def sequence_digits() -> int:
    return code_digits() - PREFIX_DIGITS


def community_chain(community: Organisation) -> tuple[Organisation, Organisation, list[Problem]]:
    """The community's sub-district and bureau, with problems if the tree cannot make a code."""
    problems: list[Problem] = []
    sub = community.parent
    bureau = community.bureau
    if community.kind != OrgKind.COMMUNITY:
        problems.append(
            Problem("community", GridError.NOT_A_COMMUNITY, f"“{community.name}”不是社区，网格须归属社区")
        )
    if sub is None or sub.kind != OrgKind.SUBDISTRICT:
        problems.append(
            Problem(
                "community", GridError.COMMUNITY_WITHOUT_SUBDISTRICT, f"社区“{community.name}”不属于任何街道"
            )
        )
    if bureau is None or not _is_digits(bureau.code, COUNTY_DIGITS):
        problems.append(
            Problem("community", GridError.COUNTY_CODE_MISSING, "所属城管局没有 6 位县级行政区划代码")
        )
    if not _is_digits(community.code, COMMUNITY_DIGITS):
        problems.append(
            Problem("community", GridError.COMMUNITY_CODE_MISSING, f"社区“{community.name}”没有 3 位社区代码")
        )
    if sub is not None and not _is_digits(sub.code, STREET_DIGITS):
        problems.append(
            Problem("community", GridError.STREET_CODE_MISSING, f"街道“{sub.name}”没有 3 位街道代码")
        )
    return sub, bureau, problems


def grid_code_problems(code: str, *, community: Organisation) -> list[Problem]:
    """Every reason `code` is not a valid code for a grid of `community` (empty list when valid)."""
    digits = code_digits()
    code = code or ""
    if not code:
        return [Problem("code", GridError.CODE_REQUIRED, "网格编码不能为空")]
    if not _is_digits(code, digits):
        return [Problem("code", GridError.CODE_FORMAT, f"网格编码须为 {digits} 位数字，收到“{code}”")]
    sub, bureau, problems = community_chain(community)
    if problems:
        return problems
    county, street = code[:COUNTY_DIGITS], code[COUNTY_DIGITS : COUNTY_DIGITS + STREET_DIGITS]
    comm, seq = code[COUNTY_DIGITS + STREET_DIGITS : PREFIX_DIGITS], code[PREFIX_DIGITS:]
    if county != bureau.code:
        problems.append(
            Problem(
                "code",
                GridError.CODE_MISMATCH,
                f"网格编码的区县代码 {county} 与所属城管局的 {bureau.code} 不一致",
            )
        )
    if street != sub.code:
        problems.append(
            Problem(
                "code",
                GridError.CODE_MISMATCH,
                f"网格编码的街道代码 {street} 与街道“{sub.name}”的 {sub.code} 不一致",
            )
        )
    if comm != community.code:
        problems.append(
            Problem(
                "code",
                GridError.CODE_MISMATCH,
                f"网格编码的社区代码 {comm} 与社区“{community.name}”的 {community.code} 不一致",
            )
        )
    if int(seq) == 0:
        problems.append(Problem("code", GridError.CODE_SEQUENCE, "网格顺序码从 1 开始，不能全为 0"))
    return problems


def validate_grid_code(code: str, *, community: Organisation) -> None:
    """Raise `ValidationFailed` unless `code` fits `community`, its sub-district and county."""
    raise_problems(grid_code_problems(code, community=community))


def make_grid_code(community: Organisation, seq: int) -> str:
    """The code of the `seq`-th grid of `community` (seq starts at 1)."""
    sub, bureau, problems = community_chain(community)
    raise_problems(problems)
    width = sequence_digits()
    if not 1 <= seq < 10**width:
        raise ValidationFailed(
            f"网格顺序码须在 1 到 {10**width - 1} 之间",
            code=GridError.CODE_SEQUENCE,
            fields={"code": ["顺序码超出范围"]},
        )
    return f"{bureau.code}{sub.code}{community.code}{seq:0{width}d}"


def split_code(code: str) -> tuple[str, str, str, str]:
    """(county, street, community, sequence) digits of a well-formed code."""
    return (
        code[:COUNTY_DIGITS],
        code[COUNTY_DIGITS : COUNTY_DIGITS + STREET_DIGITS],
        code[COUNTY_DIGITS + STREET_DIGITS : PREFIX_DIGITS],
        code[PREFIX_DIGITS:],
    )


def _is_digits(value: str | None, length: int) -> bool:
    return bool(value) and len(value) == length and value.isascii() and value.isdigit()
