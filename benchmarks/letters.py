"""Generate 20,000 responsibility letters from the database; compare with a bare ReportLab loop.

Run: `.venv/bin/python benchmarks/letters.py [--letters 20000] [--small 5000]` (or `make bench`). It
works in a throwaway SQLite data directory: builds the `small` demo district, seeds N merchants with
numbered letters for 2026 and gives the first `--small` of them letters for 2025 as well, then

1. runs `generate_letters` — rows streamed from the database, layout, QR code, one A4 page each — in
   a fresh child process for each output (one merged PDF, a ZIP of one PDF per merchant) and each
   size (2025: `--small` letters, 2026: N letters), and reports each child's time and peak resident
   memory. Memory is flat when the peak for N letters is about the peak for `--small` letters;
2. runs the two library variants the project chose not to use, the same way: the chunks merged by
   pypdf (`PdfWriter.append`, written at the end) instead of `pdf_concat`, for both sizes, and the
   N letters with their QR codes made by segno instead of `merchants.qr`;
3. times a bare ReportLab loop that draws exactly the same strings (setFont + drawString per line,
   text prepared beforehand, no QR, no database) for the N letters into another PDF;
4. checks the merged PDF with `qpdf --check` (where qpdf is installed) and prints the times and
   ratios. Exit 1 if the merged PDF took ≥ 60 s or more than twice the bare loop, if its peak memory
   for N letters is more than 1.25× the peak for `--small`, or if qpdf finds a fault.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
BIG_YEAR, SMALL_YEAR = 2026, 2025


def peak_mb() -> float:
    """Peak resident memory of this process (since the last `reset_peak`, where Linux allows)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> float:
    """Start the peak afresh at the current resident memory, so start-up (imports, the spike of
    Django's set-up) does not hide the generation's own peak; returns the current RSS."""
    with contextlib.suppress(OSError):  # not Linux: the peak then includes start-up
        Path("/proc/self/clear_refs").write_text("5")
    return peak_mb()


def setup_django(work: Path) -> None:
    os.environ["CHENGGUAN_DATA_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
    sys.path.insert(0, str(SRC))
    import django

    django.setup()


def render_with_pypdf(year: int, out: Path) -> int:
    """The merged PDF as `letter_pdf.render` draws it, but the chunks merged by pypdf."""
    from pypdf import PdfReader, PdfWriter

    from chengguan.merchants import letter_pdf, selectors
    from chengguan.merchants.letters import public_base_url

    rows = (d for _, d in selectors.letter_rows(selectors.letters_for_print(year=year)))
    merged, pages = PdfWriter(), 0
    for chunk in letter_pdf.batched(rows, letter_pdf.CHUNK_PAGES):
        buf = io.BytesIO()
        canvas = letter_pdf.new_canvas(buf)
        writer = letter_pdf.LetterWriter(canvas, public_base_url())
        for d in chunk:
            writer.draw(d)
        canvas.save()
        merged.append(PdfReader(buf))
        pages += len(chunk)
    merged.write(out)
    return pages


def segno_inline_image(text: str, x: float, y: float, size: float) -> str:
    """`qr.pdf_inline_image` with the code made by segno, at its fastest: level M and our fixed mask
    (segno's own choice of mask costs five times as much again, see `benchmarks/qr_codes.py`)."""
    import numpy as np
    import segno

    from chengguan.merchants import qr

    light = ~np.pad(np.array(segno.make_qr(text, error="m", mask=qr.MASK).matrix, dtype=bool), qr.QUIET)
    hexdata = np.packbits(light, axis=1).tobytes().hex()
    n = light.shape[0]
    return (
        f"q {size:.2f} 0 0 {size:.2f} {x:.2f} {y:.2f} cm "
        f"BI /W {n} /H {n} /BPC 1 /CS /G /I false /F /AHx ID {hexdata}> EI Q"
    )


def child(work: Path, fmt: str, year: int) -> int:
    """One generation in a process of its own, so its peak RSS is its own; prints JSON."""
    setup_django(work)
    from chengguan.merchants import letter_pdf
    from chengguan.merchants.letters import generate_letters
    from chengguan.org.system import system_actor

    before = reset_peak()
    t = time.perf_counter()
    out = work / f"letters-{year}.{fmt}"
    if fmt == "pypdf":
        pages = render_with_pypdf(year, out)
    else:
        if fmt == "segno":
            letter_pdf.pdf_inline_image = segno_inline_image  # this child process only
        result = generate_letters(
            actor=system_actor(),
            year=year,
            out_path=out,
            fmt="zip" if fmt == "zip" else "pdf",
            prepare=False,
            mark_issued=False,
        )
        pages = result["letters"]
    seconds = time.perf_counter() - t
    report = {
        "pages": pages,
        "seconds": seconds,
        "before_mb": before,
        "peak_mb": peak_mb(),
        "file_mb": out.stat().st_size / 1e6,
    }
    print(json.dumps(report))
    return 0


def run_child(work: Path, fmt: str, year: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", fmt, str(year), "--work", str(work)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed(work: Path, letters: int, small: int) -> None:
    setup_django(work)
    from django.core.management import call_command

    from chengguan.demo.generator import build_demo
    from chengguan.demo.merchants import seed_merchants
    from chengguan.merchants.models import Letter, Merchant
    from chengguan.merchants.services import letters_prepare
    from chengguan.org.models import Organisation, OrgKind
    from chengguan.org.system import system_actor

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    build_demo(seed=1, size="small", password="Bench@2026xyz")
    bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("id").first()
    seed_merchants(bureau, letters, seed=1, year=BIG_YEAR, signed_share=0.0)
    # Every seeded merchant gets a letter, open or not, so the run draws exactly N pages.
    merchants = Merchant.objects.select_related("bureau").order_by("id")
    letters_prepare(actor=system_actor(), merchants=merchants, year=BIG_YEAR)
    letters_prepare(actor=system_actor(), merchants=merchants[:small], year=SMALL_YEAR)
    counts = {y: Letter.objects.filter(year=y).count() for y in (SMALL_YEAR, BIG_YEAR)}
    print(f"setup: {counts} letters in the database ({time.perf_counter() - t:.1f} s)")


def bare_loop(work: Path) -> tuple[int, float]:
    """The same strings drawn with nothing but setFont + drawString onto one canvas."""
    from chengguan.merchants import selectors
    from chengguan.merchants.letter_pdf import LetterLayout, new_canvas

    layout = LetterLayout()
    qs = selectors.letters_for_print(year=BIG_YEAR)
    pages = [layout.all_lines(d) for _, d in selectors.letter_rows(qs)]
    t = time.perf_counter()
    c = new_canvas(str(work / "bare.pdf"))
    font = layout.font
    for lines in pages:
        for ln in lines:
            c.setFont(font, ln.size)
            c.drawString(ln.x, ln.y, ln.text)
        c.showPage()
    c.save()
    return len(pages), time.perf_counter() - t


LABELS = {
    "pdf": "generate_letters pdf",
    "zip": "generate_letters zip",
    "pypdf": "  variant: pypdf merge",
    "segno": "  variant: segno QR codes",
}


def qpdf_check(path: Path) -> bool:
    """`qpdf --check` on the merged PDF; True when it finds nothing (or qpdf is not installed)."""
    if not shutil.which("qpdf"):
        print("qpdf --check: skipped (qpdf is not installed)")
        return True
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    clean = done.returncode == 0 and "No syntax or stream encoding errors" in done.stdout
    print(f"qpdf --check on the {path.name}: {'clean' if clean else done.stdout + done.stderr}")
    return clean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=5_000, help="letters in the small run")
    parser.add_argument("--keep", action="store_true", help="keep the data directory and the PDFs")
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "YEAR"), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.work), args.child[0], int(args.child[1]))

    work = Path(tempfile.mkdtemp(prefix="chengguan-bench-letters-"))
    try:
        seed(work, args.letters, args.small)
        runs = {
            (fmt, year): run_child(work, fmt, year)
            for fmt in ("pdf", "zip", "pypdf", "segno")
            for year in (SMALL_YEAR, BIG_YEAR)
            if fmt != "segno" or year == BIG_YEAR
        }
        for (fmt, _), r in runs.items():
            print(
                f"{LABELS[fmt]:<26} {r['pages']:>6} letters in {r['seconds']:5.1f} s "
                f"({r['pages'] / r['seconds']:.0f}/s), {r['file_mb']:.0f} MB, "
                f"peak RSS {r['peak_mb']:.0f} MB (at start: {r['before_mb']:.0f} MB)"
            )
        flat = {
            fmt: runs[(fmt, BIG_YEAR)]["peak_mb"] / runs[(fmt, SMALL_YEAR)]["peak_mb"]
            for fmt in ("pdf", "zip", "pypdf")
        }
        big = f"{args.letters // 1000}k"
        small = f"{args.small // 1000}k"
        for fmt, ratio in flat.items():
            print(f"peak RSS {big} / {small}, {fmt}: {ratio:.2f}")

        pages, bare = bare_loop(work)
        print(f"bare ReportLab loop: {pages} pages in {bare:.1f} s ({pages / bare:.0f}/s)")
        ours = runs[("pdf", BIG_YEAR)]["seconds"]
        ratio = ours / bare
        print(f"ratio generate (one PDF) / bare: {ratio:.2f}x")
        for fmt in ("pypdf", "segno"):
            print(
                f"ratio {LABELS[fmt].strip()} / ours, {big}: {runs[(fmt, BIG_YEAR)]['seconds'] / ours:.2f}x"
            )
        clean = qpdf_check(work / f"letters-{BIG_YEAR}.pdf")
        ok = ours < 60 and ratio <= 2.0 and flat["pdf"] <= 1.25 and clean
        print(
            "OK"
            if ok
            else "TARGET MISSED (< 60 s, ≤ 2× the bare loop, peak RSS flat within 1.25×, qpdf clean)"
        )
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
