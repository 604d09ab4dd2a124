"""Generate 20,000 responsibility letters from the database; compare with a bare ReportLab loop.

Run: `.venv/bin/python benchmarks/letters.py [--letters 20000]` (or `make bench`). It works in a
throwaway SQLite data directory: builds the `small` demo district, seeds N merchants with numbered
letters, then

1. times `generate_letters` — rows streamed from the database, layout, QR code, one A4 page each —
   into one PDF, and reports the peak resident memory of that phase;
2. times a bare ReportLab loop that draws exactly the same strings (setFont + drawString per line,
   text prepared beforehand, no QR, no database) into another PDF;
3. prints both times and the ratio. Exit 1 if the generation took ≥ 60 s or more than twice the
   bare loop.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the data directory and the PDFs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chengguan-bench-letters-"))
    os.environ["CHENGGUAN_DATA_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.core.management import call_command

    from chengguan.demo.generator import build_demo
    from chengguan.merchants import selectors
    from chengguan.merchants.demo import seed_merchants
    from chengguan.merchants.letter_pdf import LetterLayout, new_canvas
    from chengguan.merchants.letters import generate_letters
    from chengguan.merchants.models import Letter
    from chengguan.org.models import Organisation, OrgKind

    try:
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        build_demo(seed=1, size="small", password="Bench@2026xyz")
        bureau = Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("id").first()
        seed_merchants(bureau, args.letters, seed=1, year=2026, signed_share=0.0)
        # Every seeded merchant gets a letter, open or not, so the run draws exactly N pages.
        from chengguan.merchants.models import Merchant
        from chengguan.merchants.services import letters_prepare

        letters_prepare(
            actor=None, merchants=Merchant.objects.select_related("bureau").order_by("id"), year=2026
        )
        n = Letter.objects.filter(year=2026).count()
        print(f"setup: {n} letters in the database ({time.perf_counter() - t:.1f} s)")
        rss_before = peak_mb()

        t = time.perf_counter()
        result = generate_letters(
            actor=None, year=2026, out_path=work / "letters.pdf", prepare=False, mark_issued=False
        )
        ours = time.perf_counter() - t
        rss_ours = peak_mb()
        size = (work / "letters.pdf").stat().st_size / 1e6
        print(
            f"generate_letters: {result['letters']} pages in {ours:.1f} s "
            f"({result['letters'] / ours:.0f}/s), {size:.0f} MB PDF, peak RSS {rss_ours:.0f} MB "
            f"(before: {rss_before:.0f} MB)"
        )

        layout = LetterLayout()
        pages = [
            layout.all_lines(d) for _, d in selectors.letter_rows(selectors.letters_for_print(year=2026))
        ]
        t = time.perf_counter()
        c = new_canvas(str(work / "bare.pdf"))
        font = layout.font
        for lines in pages:
            for ln in lines:
                c.setFont(font, ln.size)
                c.drawString(ln.x, ln.y, ln.text)
            c.showPage()
        c.save()
        bare = time.perf_counter() - t
        print(f"bare ReportLab loop: {len(pages)} pages in {bare:.1f} s ({len(pages) / bare:.0f}/s)")
        ratio = ours / bare
        print(f"ratio generate/bare: {ratio:.2f}x   peak RSS (whole run): {peak_mb():.0f} MB")
        ok = ours < 60 and ratio <= 2.0
        print("OK" if ok else "TARGET MISSED (< 60 s and ≤ 2× the bare loop)")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
