"""Drawing responsibility letters with ReportLab: one A4 page per letter, in the bureau's style.

Chinese text must show in any reader: a TrueType CJK font is embedded when one is installed (e.g.
Debian's fonts-wqy-microhei; OpenType/CFF fonts such as Noto CJK cannot be embedded by ReportLab),
otherwise the standard CID font STSong-Light is used, which every PDF reader supplies.

The wording lives in `letter_text`; everything that is the same on every letter is wrapped once, so
a batch of 20,000 costs little more than drawing the strings.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from chengguan.core.pdf import BLACK, PAGE_H, PAGE_W, RED, cn_date, font_name
from chengguan.merchants import letter_text as T
from chengguan.merchants.pdf_concat import PdfConcatenator
from chengguan.merchants.qr import pdf_inline_image

LEFT, RIGHT = 62.0, PAGE_W - 62.0
WIDTH = RIGHT - LEFT
SIGN_X = LEFT + WIDTH / 2 + 12
GREY = Color(0.35, 0.35, 0.35)


@dataclass(frozen=True, slots=True)
class LetterData:
    number: str
    token: str
    year: int
    term_start: dt.date
    term_end: dt.date
    name: str
    credit_code: str
    operator_name: str
    address: str
    frontage_m: str
    grid_code: str
    community: str
    subdistrict: str
    squad: str
    bureau: str


@lru_cache(maxsize=4096)
def _char_width(font: str, size: float, ch: str) -> float:
    return pdfmetrics.stringWidth(ch, font, size)


def wrap(text: str, font: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """`core.pdf.wrap` with the character widths cached: the facts of 20,000 letters are wrapped on
    the hot path, where the uncached widths cost three times as much. Kept to its own punctuation
    list so the letters' line breaks stay as they were."""
    lines: list[str] = []
    line, used, limit = "", 0.0, width - indent
    for ch in text:
        w = _char_width(font, size, ch)
        if used + w > limit and line and ch not in "，。、；：”）》！？":
            lines.append(line)
            line, used, limit = "", 0.0, width
        line += ch
        used += w
    if line:
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Line:
    x: float
    y: float
    size: float
    text: str
    align: str = "left"  # left | centre | right
    colour: Color = BLACK
    bold: bool = False


class LetterLayout:
    """Positions every string of a letter.

    A letter has a variable part (header, the merchant's facts, the bureau's signing block) and a
    static part (the wording, the same on every letter of a year). The static part is laid out once
    with its top at y = 0 and shifted down under the facts, which may take more lines when an
    address is long.
    """

    BODY = 10.5
    LEADING = 16.5
    TOP = PAGE_H - 64

    def __init__(self, font: str | None = None):
        self.font = font or font_name()
        self._label_width: dict[str, float] = {}

    def width(self, text: str, size: float) -> float:
        return pdfmetrics.stringWidth(text, self.font, size)

    @lru_cache(maxsize=8)  # noqa: B019  (one layout per process; a handful of years)
    def static_lines(self, year: int) -> tuple[tuple[Line, ...], float]:
        """The wording, top at y = 0, and the height it takes."""
        f, s, lead = self.font, self.BODY, self.LEADING
        indent = 2 * s
        out: list[Line] = []
        y = 0.0

        def para(text: str) -> None:
            nonlocal y
            for k, row in enumerate(wrap(text, f, s, WIDTH, indent)):
                out.append(Line(LEFT + (indent if k == 0 else 0), y, s, row))
                y -= lead

        def heading(text: str) -> None:
            nonlocal y
            out.append(Line(LEFT, y, s, text, bold=True))
            y -= lead

        para(T.PREAMBLE)
        heading(T.SCOPE_HEADING)
        para(T.SCOPE)
        heading(T.OBLIGATIONS_HEADING)
        for head, body in T.OBLIGATIONS:
            para(head + body)
        heading(T.DUTIES_HEADING)
        for duty in T.DUTIES:
            para(duty)
        para(T.TERM.format(start=cn_date(dt.date(year, 1, 1)), end=cn_date(dt.date(year, 12, 31))))
        para(T.COPIES)
        y -= 14
        for k, text in enumerate(T.SIGN_MERCHANT):
            out.append(Line(LEFT, y - k * 30, s, text))
        out.append(Line(SIGN_X, y - 60, s, T.SIGN_BUREAU[2]))
        return tuple(out), -y

    def variable_lines(self, d: LetterData) -> tuple[list[Line], float]:
        """The lines that change from letter to letter, and where the static part starts."""
        f, s, lead = self.font, self.BODY, self.LEADING
        out = [
            Line(PAGE_W / 2, self.TOP, 19, d.bureau, "centre", RED, True),
            Line(RIGHT, self.TOP - 22, 10.5, d.number, "right"),
            Line(PAGE_W / 2, self.TOP - 62, 24, T.TITLE, "centre", bold=True),
            Line(PAGE_W / 2, self.TOP - 88, 15, T.SUBTITLE, "centre"),
        ]
        y = self.TOP - 118
        facts = (
            ("责任单位：", d.name),
            ("统一社会信用代码：", d.credit_code),
            ("法定代表人/经营者：", d.operator_name or "—"),
            ("经营地址：", d.address),
            ("所属网格：", f"{d.grid_code}（{d.subdistrict}{d.community}）"),
            ("责任区长度：", f"沿街约{d.frontage_m}米"),
        )
        for label, value in facts:
            label_w = self._label_width.get(label)
            if label_w is None:
                label_w = self._label_width[label] = self.width(label, s)
            out.append(Line(LEFT, y, s, label, bold=True))
            for part in wrap(value, f, s, WIDTH - label_w):
                out.append(Line(LEFT + label_w, y, s, part))
                y -= lead
        y -= 4
        _, height = self.static_lines(d.year)
        sign_top = y - height
        unit = d.squad or d.community or "—"
        out.append(Line(SIGN_X, sign_top, s, T.SIGN_BUREAU[0]))
        out.append(Line(SIGN_X + 14, sign_top - 15, s, d.bureau))
        out.append(Line(SIGN_X, sign_top - 30, s, T.SIGN_BUREAU[1].format(unit=unit)))
        return out, y

    def all_lines(self, d: LetterData) -> list[Line]:
        """Every string of the letter at its final place (used by tests and the benchmark)."""
        lines, top = self.variable_lines(d)
        static, _ = self.static_lines(d.year)
        return lines + [
            Line(ln.x, ln.y + top, ln.size, ln.text, ln.align, ln.colour, ln.bold) for ln in static
        ]


class LetterWriter:
    """Draws letters onto one canvas, one page each.

    The static wording is turned into PDF text operators once per canvas and year and placed on each
    page with a translation, so a letter costs about a dozen strings, the QR image and two rules.
    """

    QR_SIZE = 76.0

    def __init__(self, canvas: Canvas, base_url: str, layout: LetterLayout | None = None):
        self.canvas = canvas
        self.layout = layout or LetterLayout()
        self.base_url = base_url.rstrip("/")
        self._static_code: dict[int, str] = {}

    def verify_url(self, token: str) -> str:
        return f"{self.base_url}/letters/verify/{token}/"

    def _text_code(self, lines: Iterable[Line]) -> str:
        """PDF operators (BT … ET) for `lines`, with the fonts registered on this canvas."""
        c, font = self.canvas, self.layout.font
        t = c.beginText()
        colour, mode = None, 0
        for ln in lines:
            if ln.colour is not colour:
                t.setFillColor(ln.colour)
                t.setStrokeColor(ln.colour)
                colour = ln.colour
            want = 2 if ln.bold else 0  # CJK fonts have no bold face: fill and stroke (render mode 2)
            if want != mode:
                t.setTextRenderMode(want)
                mode = want
            t.setFont(font, ln.size)
            x = ln.x
            if ln.align != "left":
                w = self.layout.width(ln.text, ln.size)
                x = x - w / 2 if ln.align == "centre" else x - w
            t.setTextOrigin(x, ln.y)
            t.textOut(ln.text)
        return t.getCode()

    def draw(self, d: LetterData) -> None:
        c = self.canvas
        variable, top = self.layout.variable_lines(d)
        static = self._static_code.get(d.year)
        if static is None:
            static = self._static_code[d.year] = self._text_code(self.layout.static_lines(d.year)[0])
        c.addLiteral(f"q 0.35 w 1 0 0 1 0 {top:.2f} cm {static} Q")
        c.addLiteral(f"q 0.35 w {self._text_code(variable)} Q")
        c.setStrokeColor(RED)
        c.setLineWidth(1.6)
        c.line(LEFT, PAGE_H - 92, RIGHT, PAGE_H - 92)
        c.setLineWidth(0.5)
        c.line(LEFT, PAGE_H - 95, RIGHT, PAGE_H - 95)
        url = self.verify_url(d.token)
        qr_x = RIGHT - 40 - self.QR_SIZE / 2
        c.addLiteral(pdf_inline_image(url, qr_x, 50, self.QR_SIZE))
        footer = [
            Line(LEFT, 62, 8.5, T.FOOTER, colour=GREY),
            Line(LEFT, 48, 7.5, url, colour=GREY),
            Line(RIGHT - 40, 40, 8.5, T.VERIFY_CAPTION, "centre"),
        ]
        c.addLiteral(f"q {self._text_code(footer)} Q")
        c.showPage()


def new_canvas(out: BinaryIO | str, title: str = "城市管理责任书") -> Canvas:
    c = Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("城市管理行政执法局")
    c.setCreator("Chengguan")
    return c


CHUNK_PAGES = 500


def batched(items: Iterable[LetterData], size: int) -> Iterator[list[LetterData]]:
    """Successive lists of `size` items (itertools.batched arrives only in Python 3.12)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def render(
    letters: Iterable[LetterData],
    out: BinaryIO | str,
    base_url: str,
    progress: Callable[[int], None] | None = None,
    chunk_pages: int = CHUNK_PAGES,
) -> int:
    """All `letters` into one print-ready PDF; returns the page count.

    ReportLab holds a whole canvas in memory until it saves, so the letters are drawn `chunk_pages`
    at a time and each finished chunk is streamed into the output by `PdfConcatenator`: peak memory
    depends on the chunk size, not on how many letters there are.
    """
    with ExitStack() as stack:
        fh = stack.enter_context(open(out, "wb")) if isinstance(out, str | os.PathLike) else out
        merged = PdfConcatenator(fh)
        n = 0
        for chunk in batched(letters, chunk_pages):
            buf = io.BytesIO()
            c = new_canvas(buf)
            writer = LetterWriter(c, base_url)
            for d in chunk:
                writer.draw(d)
                n += 1
                if progress:
                    progress(n)
            c.save()
            merged.append(buf.getvalue())
        if n == 0:
            buf = io.BytesIO()
            c = new_canvas(buf)
            c.setFont(font_name(), 12)
            c.drawString(LEFT, PAGE_H / 2, "所选范围内没有责任书。")
            c.showPage()
            c.save()
            merged.append(buf.getvalue())
        merged.close()
    return n


def render_one(d: LetterData, base_url: str) -> bytes:
    buf = io.BytesIO()
    c = new_canvas(buf, title=d.number)
    LetterWriter(c, base_url).draw(d)
    c.save()
    return buf.getvalue()
