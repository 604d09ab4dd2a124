"""Import a 20,000-row merchant ledger from Excel; how much of the import is reading the workbook.

Run: `.venv/bin/python benchmarks/ledger_import.py [--rows 20000]` (or `make bench`). It works in a
throwaway SQLite data directory: builds the `small` demo district, seeds N merchants, exports the
ledger (rewritten as Excel saves it: strings in a shared table, the size declared) and deletes
the merchants again. Then, each in a fresh child process so that its peak resident memory is its own:

1. `read`: the rows as the import reads them (openpyxl's read-only mode through `core.tabular`);
2. `expat`, the baseline: the same sheet XML walked by the C expat parser, shared strings resolved
   and nothing else, into the same labelled rows — the floor under any reader, and what the
   project's own reader did before openpyxl replaced it;
3. `import`: what the import job does — count the rows for its progress bar, then
   `import_merchants` (validation, grid lookup, writes, audit).

It prints each time and peak RSS, reading against the baseline and reading's share of the import.
Exit 1 if the import does not create every merchant, takes a minute or more, or spends more than
half of its time reading the file (then a faster reader of our own would be worth its upkeep).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import iterparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from letters import peak_mb, reset_peak, setup_django  # the same memory probe

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
INLINE = re.compile(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')
SST_TYPE = 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"'
SST_REL = (
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"'
)


def expat_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(line, values) of the first sheet with shared strings resolved, and nothing more."""
    with zipfile.ZipFile(path) as zf:
        strings = []
        with zf.open("xl/sharedStrings.xml") as fh:
            for _, el in iterparse(fh):
                if el.tag == f"{NS}si":
                    strings.append("".join(t.text or "" for t in el.iter(f"{NS}t")))
                    el.clear()
        with zf.open("xl/worksheets/sheet1.xml") as fh:
            for _, el in iterparse(fh):
                if el.tag != f"{NS}row":
                    continue
                values = []
                for c in el.iter(f"{NS}c"):
                    v = c.find(f"{NS}v")
                    raw = v.text if v is not None else None
                    values.append(strings[int(raw)] if c.get("t") == "s" and raw else raw)
                yield int(el.get("r")), values
                el.clear()


def as_excel_saves(xlsx: bytes, out: Path) -> None:
    """Rewrite openpyxl's write-only output the way Excel saves a file: the strings in a shared table,
    the sheet's size declared."""
    table: dict[str, int] = {}

    def shared(m: re.Match) -> str:
        index = table.setdefault(m.group(2), len(table))
        return f'<c r="{m.group(1)}" t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name).decode()
            if name == "xl/worksheets/sheet1.xml":
                data = INLINE.sub(shared, data)
                last = (
                    max(re.findall(r'<c r="([A-Z]+)\d+"', data), key=lambda c: (len(c), c))
                    + re.findall(r'<row r="(\d+)"', data)[-1]
                )
                data = data.replace("<sheetViews>", f'<dimension ref="A1:{last}"/><sheetViews>', 1)
            elif name == "[Content_Types].xml":
                data = data.replace(
                    "</Types>", f'<Override PartName="/xl/sharedStrings.xml" {SST_TYPE}/></Types>'
                )
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    "</Relationships>", f'<Relationship Id="rIdSst" {SST_REL}/></Relationships>'
                )
            dst.writestr(name, data)
        items = "".join(f"<si><t>{text}</t></si>" for text in table)  # already XML-escaped
        dst.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{NS[1:-1]}" count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>',
        )


def child(work: Path, what: str) -> int:
    setup_django(work)
    from chengguan.core import tabular
    from chengguan.merchants import importer
    from chengguan.org.system import system_actor

    path = work / "ledger.xlsx"
    before = reset_peak()
    t = time.perf_counter()
    if what == "read":
        count = sum(1 for _ in importer.read_rows(path))
    elif what == "expat":
        count = sum(1 for _ in tabular.labelled_rows(expat_rows(path), importer.COLUMNS, importer.REQUIRED))
    else:
        importer.count_rows(path)  # as the import job does, for its progress bar
        counted = time.perf_counter() - t
        count = importer.import_merchants(actor=system_actor(), path=path).created
    seconds = time.perf_counter() - t
    report = {"rows": count, "seconds": seconds, "before_mb": before, "peak_mb": peak_mb()}
    if what == "import":
        report["count_seconds"] = counted
    print(json.dumps(report))
    return 0


def run_child(work: Path, what: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, "--work", str(work)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed(work: Path, rows: int) -> None:
    setup_django(work)
    from django.core.management import call_command

    from chengguan.demo.generator import build_demo
    from chengguan.demo.merchants import seed_merchants
    from chengguan.merchants.exporter import export_workbook
    from chengguan.merchants.models import Letter, Merchant
    from chengguan.org.models import Organisation, OrgKind

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    build_demo(seed=1, size="small", password="Bench@2026xyz")
    bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("id").first()
    seed_merchants(bureau, rows, seed=1, signed_share=0.0)
    as_excel_saves(export_workbook(Merchant.objects.order_by("id"), full=True), work / "ledger.xlsx")
    size = (work / "ledger.xlsx").stat().st_size
    Letter.objects.all().delete()
    Merchant.objects.all().delete()
    print(f"setup: {rows} merchants exported, {size / 1e6:.1f} MB ({time.perf_counter() - t:.1f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.work), args.child)

    work = Path(tempfile.mkdtemp(prefix="chengguan-bench-ledger-"))
    try:
        seed(work, args.rows)
        runs = {what: run_child(work, what) for what in ("expat", "read", "import")}
        labels = {
            "expat": "baseline: bare expat walk",
            "read": "openpyxl read-only (ours)",
            "import": "import_merchants",
        }
        for what, r in runs.items():
            print(
                f"{labels[what]:<27} {r['rows']:>6} rows in {r['seconds']:5.2f} s, "
                f"peak RSS {r['peak_mb']:.0f} MB (at start: {r['before_mb']:.0f} MB)"
            )
        read, floor, whole = (runs[w]["seconds"] for w in ("read", "expat", "import"))
        share = read / whole
        print(f"  of which counting the rows for the progress bar: {runs['import']['count_seconds']:.2f} s")
        print(f"ratio reading / bare expat walk: {read / floor:.2f}x")
        print(f"reading's share of the import: {share:.0%}")
        ok = runs["import"]["rows"] == args.rows and whole < 60 and share <= 1 / 2
        print("OK" if ok else "TARGET MISSED (every row imported, < 60 s, reading ≤ half the import)")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
