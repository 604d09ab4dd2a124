"""The letters' QR codes: our encoder against the maintained ones, per code and per 20,000 letters.

Run: `.venv/bin/python benchmarks/qr_codes.py [--codes 2000]` (or `make bench`). It makes `--codes`
verification URLs of the letters' shape (`/letters/verify/<12-character token>/`), encodes every one
with `merchants.qr`, with segno (its own choice of mask, and the mask we fix) and with zxing-cpp,
prints the time per code and what it adds to 20,000 letters, then decodes a sample of each
encoder's codes with zxing-cpp's reader. Exit 1 if a sampled code does not read back as its URL, or
if a library encodes as fast as ours (then ours is no longer worth keeping).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

LETTERS = 20_000
SAMPLE = 100


def encoders() -> dict[str, Callable[[str], np.ndarray]]:
    """Each encoder as text → boolean module matrix (dark = True), without the quiet zone."""
    import segno
    import zxingcpp

    from chengguan.merchants import qr

    def zxing(text: str) -> np.ndarray:
        code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        return np.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128

    return {
        "merchants.qr (ours)": qr.qr_matrix,
        "segno, its own mask": lambda t: np.array(segno.make_qr(t, error="m").matrix, dtype=bool),
        "segno, our fixed mask": lambda t: np.array(
            segno.make_qr(t, error="m", mask=qr.MASK).matrix, dtype=bool
        ),
        "zxing-cpp": zxing,
    }


def reads_back(matrix: np.ndarray, text: str) -> bool:
    import zxingcpp

    image = np.where(np.pad(matrix, 4), 0, 255).astype(np.uint8).repeat(4, 0).repeat(4, 1)
    return [r.text for r in zxingcpp.read_barcodes(image, try_invert=False)] == [text]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codes", type=int, default=2_000)
    args = parser.parse_args()
    urls = [f"http://127.0.0.1:8000/letters/verify/{secrets.token_urlsafe(9)}/" for _ in range(args.codes)]
    per_code: dict[str, float] = {}
    ok = True
    for name, encode in encoders().items():
        t = time.perf_counter()
        codes = [encode(u) for u in urls]
        per_code[name] = (time.perf_counter() - t) / len(urls)
        good = sum(reads_back(m, u) for m, u in zip(codes[:SAMPLE], urls[:SAMPLE], strict=True))
        ok &= good == min(SAMPLE, len(urls))
        print(
            f"{name:<22} {per_code[name] * 1000:6.3f} ms per code, {per_code[name] * LETTERS:5.1f} s "
            f"per {LETTERS:,} letters; {good}/{min(SAMPLE, len(urls))} sampled codes read back"
        )
    ours = per_code.pop("merchants.qr (ours)")
    for name, seconds in per_code.items():
        print(f"ratio {name} / ours: {seconds / ours:.1f}x")
    ok &= all(seconds > ours for seconds in per_code.values())
    print("OK" if ok else "TARGET MISSED (every sampled code reads back; ours faster than each library)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
