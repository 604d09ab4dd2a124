"""Stream-merging the PDFs that ReportLab writes into one file, so memory stays flat.

ReportLab keeps every page of a canvas in memory until `save()` and then builds the whole file as
one byte string: 20,000 letters on one canvas peak at about half a gigabyte. Drawing them in chunks
of a few hundred pages and appending each finished chunk here keeps one chunk in memory at a time;
the output grows on disk and we only remember an offset per object and a reference per page.

This is deliberately not a general PDF parser. It reads what ReportLab writes (a classic xref table,
one `N 0 obj … endobj` per object, `/Length` as a direct number) and nothing else; `append` raises
`ValueError` on anything different rather than write a broken file. Each chunk brings its own copy
of the font objects: tiny for the CID font, the used glyphs for an embedded TTF.

Why not pypdf: its `PdfWriter` keeps every appended page in memory until `write()`, and its
incremental mode loads every object of the file so far for each chunk. `benchmarks/letters.py` runs
the same chunks merged by `PdfWriter.append`: 20,000 letters took 22.4 s against 17.0 s here (1.3×)
and peaked at 483 MB against 121 MB, growing with the letters (20,000 / 5,000: 2.37, here 1.05).
The benchmark prints these figures again on every `make bench`; `qpdf --check` finds the output clean.
"""

from __future__ import annotations

import hashlib
import re
from itertools import pairwise
from typing import BinaryIO

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_HEAD = re.compile(rb"xref\s+0\s+(\d+)\s+")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_REF = re.compile(rb"(\d+) 0 R")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_OBJ_HEAD = re.compile(rb"(\d+) 0 obj\s*")

# Fixed numbers in the merged file; copied objects are numbered from FIRST_FREE on.
PAGES, CATALOG, INFO, FIRST_FREE = 1, 2, 3, 4


class PdfConcatenator:
    """Appends whole ReportLab PDFs, page for page, to one output file opened for binary writing."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.offsets: dict[int, int] = {}
        self.kids: list[int] = []
        self.next_number = FIRST_FREE
        self.info: bytes | None = None
        self.digest = hashlib.md5(usedforsecurity=False)
        self.written = 0  # counted, not `tell()`: the output need not be seekable
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.written += len(data)

    def _object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.written
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def append(self, pdf: bytes) -> int:
        """Copy every page of `pdf` (and what the pages use) to the output; returns its page count."""
        spans, root, info = _read_structure(pdf)
        catalog = _body(pdf, spans[root])
        pages_ref = re.search(rb"/Pages (\d+) 0 R", catalog)
        if not pages_ref:
            raise ValueError("catalog without /Pages")
        pages_root = int(pages_ref.group(1))
        kids_match = re.search(rb"/Kids\s*\[([^\]]*)\]", _body(pdf, spans[pages_root]))
        if not kids_match:
            raise ValueError("page tree without /Kids")
        kids = [int(n) for n in _REF.findall(kids_match.group(1))]
        if any(b"/Type /Pages" in _body(pdf, spans[k]) for k in kids):
            raise ValueError("nested page trees are not expected from ReportLab")
        if self.info is None and info is not None:
            self.info = _body(pdf, spans[info])  # the document's title and author, once

        skipped = {root, pages_root, info}
        renumber: dict[int, int] = {pages_root: PAGES}
        for number in sorted(spans):
            if number not in skipped:
                renumber[number] = self.next_number
                self.next_number += 1

        def new_ref(match: re.Match[bytes]) -> bytes:
            return b"%d 0 R" % renumber[int(match.group(1))]

        for number in sorted(spans):
            if number in skipped:
                continue
            body = _body(pdf, spans[number])
            stream = _STREAM.search(body)
            # Only the dictionary is rewritten: stream bytes may contain anything, "7 0 R" included.
            head, rest = (body[: stream.start() + 2], body[stream.start() + 2 :]) if stream else (body, b"")
            self._object(renumber[number], _REF.sub(new_ref, head) + rest)
        self.kids.extend(renumber[k] for k in kids)
        return len(kids)

    def close(self) -> None:
        """Write the page tree, catalogue, document information, cross-reference table and trailer."""
        kids = b" ".join(b"%d 0 R" % k for k in self.kids)
        self._object(PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (len(self.kids), kids))
        self._object(CATALOG, b"<< /Type /Catalog /Pages %d 0 R /PageMode /UseNone >>" % PAGES)
        self._object(INFO, self.info or b"<< /Producer (Chengguan) >>")
        xref_at = self.written
        size = self.next_number
        rows = [b"0000000000 65535 f \n"]
        rows += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, size)]
        file_id = self.digest.hexdigest().encode()
        self.out.write(b"xref\n0 %d\n%s" % (size, b"".join(rows)))
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s><%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, CATALOG, INFO, file_id, file_id, xref_at)
        )


def _read_structure(pdf: bytes) -> tuple[dict[int, tuple[int, int]], int, int | None]:
    """Byte span of each object (from the xref table), the catalogue's number and the info's."""
    tail = _STARTXREF.search(pdf, max(0, len(pdf) - 64))
    if not tail:
        raise ValueError("no startxref: not a complete PDF")
    xref_at = int(tail.group(1))
    head = _XREF_HEAD.match(pdf, xref_at)
    if not head:
        raise ValueError("expected a classic xref table")
    count, pos = int(head.group(1)), head.end()
    starts: dict[int, int] = {}
    for number in range(count):
        row = _XREF_ROW.match(pdf, pos)
        if not row:
            raise ValueError(f"bad xref row {number}")
        if row.group(3) == b"n":
            starts[number] = int(row.group(1))
        pos = row.end() + 2
    next_start = dict(pairwise([*sorted(starts.values()), xref_at]))
    spans = {n: (s, next_start[s]) for n, s in starts.items()}
    trailer = pdf[pos : tail.start()]
    root = re.search(rb"/Root (\d+) 0 R", trailer)
    info = re.search(rb"/Info (\d+) 0 R", trailer)
    if not root:
        raise ValueError("trailer without /Root")
    return spans, int(root.group(1)), int(info.group(1)) if info else None


def _body(pdf: bytes, span: tuple[int, int]) -> bytes:
    """The object's content between `N 0 obj` and `endobj`."""
    start, end = span
    head = _OBJ_HEAD.match(pdf, start)
    if not head:
        raise ValueError(f"no object header at {start}")
    stop = pdf.rfind(b"endobj", head.end(), end)
    if stop < 0:
        raise ValueError(f"object at {start} has no endobj")
    return pdf[head.end() : stop].rstrip()
