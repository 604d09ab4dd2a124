"""Official documents (公文样式) as A4 PDFs with ReportLab, for any app that issues paper.

Chinese must show in every reader: a TrueType CJK font is embedded when one is installed (setting the
environment variable CHENGGUAN_PDF_FONT names one), otherwise the CID font STSong-Light is used, which
PDF readers supply themselves. CJK fonts have no bold face, so headings are drawn filled and stroked.

`OfficialDocument` lays out the parts every bureau document has — the issuing authority's name, the
centred title, the document number on the right, the body, signature lines and the seal block with the
date — and breaks pages when the body runs long.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable
from functools import lru_cache

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = A4
MARGIN_X = 70.0
TOP = PAGE_H - 62.0
BOTTOM = 70.0
WIDTH = PAGE_W - 2 * MARGIN_X
RED = Color(0.78, 0.08, 0.08)
BLACK = Color(0, 0, 0)
GREY = Color(0.4, 0.4, 0.4)
TTF_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
# Characters that may not open a line (避头点).
NO_LINE_START = "，。、；：？！”’）》〕】"


@lru_cache(maxsize=1)
def font_name() -> str:
    """Register the CJK font once per process and return its name."""
    for path in (os.environ.get("CHENGGUAN_PDF_FONT", ""), *TTF_CANDIDATES):
        if path and os.path.exists(path):
            try:
                pdfmetrics.registerFont(TTFont("ChengguanDocCJK", path, subfontIndex=0))
                return "ChengguanDocCJK"
            except Exception:  # an unreadable font file: the CID font below always works
                continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def cn_date(d: dt.date) -> str:
    """`2026年3月2日`, the way dates are written on documents."""
    return f"{d.year}年{d.month}月{d.day}日"


def wrap(text: str, font: str, size: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Break `text` into lines of at most `width` points, by character (Chinese has no spaces)."""
    lines: list[str] = []
    line, used, limit = "", 0.0, width - first_indent
    for ch in text:
        w = pdfmetrics.stringWidth(ch, font, size)
        if used + w > limit and line and ch not in NO_LINE_START:
            lines.append(line)
            line, used, limit = "", 0.0, width
        line += ch
        used += w
    if line or not lines:
        lines.append(line)
    return lines


class OfficialDocument:
    """One document drawn top to bottom; call the body methods in order, then `to_bytes()`."""

    BODY = 12.0
    LEADING = 21.0

    def __init__(self, *, authority: str, title: str, number: str = "", pdf_title: str = ""):
        self.font = font_name()
        self._buffer = io.BytesIO()
        self.canvas = Canvas(self._buffer, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(pdf_title or title)
        self.canvas.setAuthor(authority)
        self.canvas.setCreator("Chengguan")
        self.authority, self.title = authority, title
        self.page = 1
        self._masthead(number)

    # ------------------------------------------------------------ drawing primitives

    def _text(
        self, x: float, y: float, text: str, size: float, *, align: str = "left", bold=False, colour=BLACK
    ) -> None:
        c = self.canvas
        width = pdfmetrics.stringWidth(text, self.font, size)
        if align == "centre":
            x -= width / 2
        elif align == "right":
            x -= width
        t = c.beginText(x, y)
        t.setFont(self.font, size)
        t.setFillColor(colour)
        t.setStrokeColor(colour)
        if bold:
            t.setTextRenderMode(2)
        t.textOut(text)
        c.saveState()
        c.setLineWidth(0.3)
        c.drawText(t)
        c.restoreState()

    def _masthead(self, number: str) -> None:
        """Authority in red, a red rule, the title, and the number on the right (公文格式)."""
        self._text(PAGE_W / 2, TOP, self.authority, 20, align="centre", bold=True, colour=RED)
        c = self.canvas
        c.setStrokeColor(RED)
        c.setLineWidth(1.5)
        c.line(MARGIN_X, TOP - 16, PAGE_W - MARGIN_X, TOP - 16)
        self._text(PAGE_W / 2, TOP - 52, self.title, 22, align="centre", bold=True)
        self.y = TOP - 80
        if number:
            self._text(PAGE_W - MARGIN_X, self.y, number, self.BODY, align="right")
            self.y -= self.LEADING * 1.4

    def _need(self, height: float) -> None:
        """Start a new page when `height` points no longer fit above the bottom margin."""
        if self.y - height >= BOTTOM:
            return
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self._text(PAGE_W / 2, TOP, f"{self.title}（续）", 12, align="centre", colour=GREY)
        self.y = TOP - 36

    def _footer(self) -> None:
        self._text(PAGE_W / 2, 40, f"第{self.page}页", 9, align="centre", colour=GREY)

    # ------------------------------------------------------------ body

    def paragraph(self, text: str, *, indent: bool = True, size: float | None = None) -> None:
        """A body paragraph, first line indented two characters as official documents are."""
        size = size or self.BODY
        first = 2 * size if indent else 0.0
        for k, line in enumerate(wrap(text, self.font, size, WIDTH, first)):
            self._need(self.LEADING)
            self._text(MARGIN_X + (first if k == 0 else 0), self.y, line, size)
            self.y -= self.LEADING

    def heading(self, text: str) -> None:
        self._need(self.LEADING * 2)
        self.y -= 4
        self._text(MARGIN_X, self.y, text, self.BODY, bold=True)
        self.y -= self.LEADING

    def fields(self, rows: Iterable[tuple[str, str]]) -> None:
        """Label–value lines (`当事人：张三`); long values wrap under themselves."""
        for label, value in rows:
            label_text = f"{label}："
            label_w = pdfmetrics.stringWidth(label_text, self.font, self.BODY)
            lines = wrap(value or "—", self.font, self.BODY, WIDTH - label_w)
            self._need(self.LEADING)
            self._text(MARGIN_X, self.y, label_text, self.BODY, bold=True)
            for line in lines:
                self._need(self.LEADING)
                self._text(MARGIN_X + label_w, self.y, line, self.BODY)
                self.y -= self.LEADING

    def table(
        self, header: tuple[str, ...], rows: Iterable[tuple[str, ...]], widths: tuple[float, ...]
    ) -> None:
        """A ruled table (e.g. the service receipt); `widths` are fractions of the text width. Cells
        wrap, and a row is as tall as its tallest cell plus room for a handwritten entry."""
        cols = [w * WIDTH for w in widths]
        size, line_h = 10.5, 14.0
        c = self.canvas
        for k, row in enumerate([header, *rows]):
            cells = [wrap(text, self.font, size, w - 8) for text, w in zip(row, cols, strict=True)]
            height = max(len(lines) for lines in cells) * line_h + (10 if k == 0 else 28)
            self._need(height)
            top, x = self.y + line_h, MARGIN_X
            c.setStrokeColor(BLACK)
            c.setLineWidth(0.6)
            for lines, w in zip(cells, cols, strict=True):
                c.rect(x, top - height, w, height)
                for n, line in enumerate(lines):
                    self._text(x + 4, top - 15 - n * line_h, line, size, bold=k == 0)
                x += w
            self.y -= height
        self.y -= 10

    def signature_lines(self, labels: Iterable[str]) -> None:
        """Lines for hand signatures (当事人签名、执法人员签名…), two to a row."""
        labels = list(labels)
        self.y -= 6
        for i in range(0, len(labels), 2):
            self._need(self.LEADING * 2)
            for j, label in enumerate(labels[i : i + 2]):
                x = MARGIN_X + j * WIDTH / 2
                self._text(x, self.y, f"{label}：", self.BODY)
                start = x + pdfmetrics.stringWidth(f"{label}：", self.font, self.BODY)
                self.canvas.setStrokeColor(BLACK)
                self.canvas.setLineWidth(0.5)
                self.canvas.line(start, self.y - 3, x + WIDTH / 2 - 16, self.y - 3)
            self.y -= self.LEADING * 1.8

    def seal(self, authority: str, on: dt.date) -> None:
        """The issuing block at the bottom right: authority, date and where the seal goes."""
        self._need(self.LEADING * 5)
        self.y -= self.LEADING
        right = PAGE_W - MARGIN_X - 20
        self._text(right, self.y, authority, self.BODY, align="right")
        self._text(right, self.y - self.LEADING, cn_date(on), self.BODY, align="right")
        centre_x = right - pdfmetrics.stringWidth(authority, self.font, self.BODY) / 2
        c = self.canvas
        c.saveState()
        c.setStrokeColor(RED)
        c.setLineWidth(1)
        c.setDash(3, 2)
        c.circle(centre_x, self.y - self.LEADING / 2 + 4, 36)
        c.restoreState()
        self._text(centre_x, self.y - self.LEADING / 2 - 40, "（印章）", 9, align="centre", colour=GREY)
        self.y -= self.LEADING * 3.5

    def note(self, text: str) -> None:
        """Small grey print, e.g. how many copies and who keeps which."""
        for line in wrap(text, self.font, 9.5, WIDTH):
            self._need(15)
            self._text(MARGIN_X, self.y, line, 9.5, colour=GREY)
            self.y -= 15

    def to_bytes(self) -> bytes:
        self._footer()
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()
