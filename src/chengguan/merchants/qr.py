"""QR codes for the letters, fast enough for 20,000 in one run.

ReportLab's `qrencoder` builds a code in ~130 ms (it tries all eight masks and multiplies the
Reed–Solomon generator polynomial anew each time). Letters need one code each, so the fixed parts are
taken from ReportLab once per version — finder, timing and alignment patterns, format information
for one fixed mask, the order of the data modules — and only the data codewords and their
Reed–Solomon error correction (ISO/IEC 18004:2015 §7.5) are computed per code, with log/antilog
tables. Any of the eight masks gives a valid code; a test checks that the result equals ReportLab's
own encoder run with the same mask, and others that a standard reader (zxing-cpp) decodes it, on
the printed page too.

Why not a maintained encoder: `benchmarks/qr_codes.py` makes a code in 0.03 ms here, segno in
0.7 ms with the same fixed mask (23×) and 3.9 ms choosing its own (126×), zxing-cpp in 0.19 ms (6×).
In `benchmarks/letters.py` segno's codes (fixed mask) turned the 20,000-letter PDF from 17.0 s
into 31.7 s (1.9×; 3.0× on a busy machine). Both benchmarks print these
figures again on every `make bench`, and `qr_codes.py` fails once a library is as fast as this.
"""

from __future__ import annotations

from functools import cache, lru_cache
from itertools import zip_longest

import numpy as np
from reportlab.graphics.barcode import qrencoder as qe

EC_LEVEL = qe.QRErrorCorrectLevel.M
MASK = 2
QUIET = 4  # modules of white border the standard asks for

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


@cache
def _generator(degree: int) -> tuple[int, ...]:
    """Coefficients of ∏(x − αⁱ), i < degree, highest power first (leading 1 dropped)."""
    poly = [1]
    for i in range(degree):
        nxt = [0] * (len(poly) + 1)
        for j, c in enumerate(poly):
            nxt[j] ^= c
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        poly = nxt
    return tuple(poly[1:])


@cache
def _ec_table(degree: int) -> tuple[int, ...]:
    """For each feedback byte f, f × generator packed into one integer, so a division step of the
    remainder is a shift and one XOR."""
    gen = [_LOG[g] for g in _generator(degree)]
    return tuple(int.from_bytes(bytes(_EXP[g + _LOG[f]] for g in gen), "big") if f else 0 for f in range(256))


def _ec_codewords(data: list[int], degree: int) -> list[int]:
    """The remainder of data(x)·x^degree divided by the generator: the error-correction codewords."""
    table = _ec_table(degree)
    shift = 8 * (degree - 1)
    full = (1 << (8 * degree)) - 1
    rem = 0
    for byte in data:
        rem = ((rem << 8) & full) ^ table[(rem >> shift) ^ byte]
    return list(rem.to_bytes(degree, "big"))


class _Template:
    """The parts of a QR code of one version that do not depend on the data."""

    def __init__(self, version: int):
        q = qe.QRCode(version, EC_LEVEL)
        q.addData("0")
        q.makeImpl(False, MASK)
        self.version = version
        self.size = n = q.getModuleCount()
        self.modules = np.array(q.modules, dtype=bool)
        mask = qe.QRUtil.getMask(MASK)
        positions = q.dataPosIterator()
        self.flat_index = np.array([row * n + col for col, row in positions], dtype=np.int64)
        self.inverted = np.array([bool(mask(row, col)) for col, row in positions], dtype=bool)
        self.blocks = [
            (b.dataCount, b.totalCount - b.dataCount) for b in qe.QRRSBlock.getRSBlocks(version, EC_LEVEL)
        ]
        self.capacity = sum(d for d, _ in self.blocks)

    def codewords(self, payload: bytes) -> list[int]:
        count_bits = 8 if self.version < 10 else 16
        header = [0, 1, 0, 0] + [(len(payload) >> i) & 1 for i in range(count_bits - 1, -1, -1)]
        bits = np.concatenate(
            [np.array(header, dtype=np.uint8), np.unpackbits(np.frombuffer(payload, np.uint8))]
        )
        total_bits = self.capacity * 8
        bits = np.concatenate([bits, np.zeros(min(4, total_bits - len(bits)), np.uint8)])
        data = np.packbits(bits).tolist()  # pads the last byte with zeros
        data += [0xEC, 0x11] * ((self.capacity - len(data)) // 2 + 1)
        data = data[: self.capacity]
        dc_blocks, ec_blocks, offset = [], [], 0
        for dc, ec in self.blocks:
            block = data[offset : offset + dc]
            offset += dc
            dc_blocks.append(block)
            ec_blocks.append(_ec_codewords(block, ec))
        out = []
        for blocks in (dc_blocks, ec_blocks):
            out += [c for column in zip_longest(*blocks) for c in column if c is not None]
        return out

    def matrix(self, payload: bytes) -> np.ndarray:
        stream = np.unpackbits(np.array(self.codewords(payload), dtype=np.uint8)).astype(bool)
        bits = np.zeros(len(self.flat_index), dtype=bool)
        k = min(len(stream), len(bits))
        bits[:k] = stream[:k]
        flat = self.modules.ravel().copy()
        flat[self.flat_index] = bits ^ self.inverted
        return flat.reshape(self.size, self.size)


@lru_cache(maxsize=8)
def _template(version: int) -> _Template:
    return _Template(version)


def version_for(length: int) -> int:
    for version in range(2, 10):
        if _template(version).capacity - 2 >= length:
            return version
    raise ValueError("QR payload too long for this encoder (more than ~180 bytes)")


def qr_matrix(text: str) -> np.ndarray:
    """The dark modules of the code for `text` (a square boolean array)."""
    payload = text.encode("utf-8")
    return _template(version_for(len(payload))).matrix(payload)


def pdf_inline_image(text: str, x: float, y: float, size: float) -> str:
    """PDF operators drawing the code as a 1-bit inline image at (x, y), `size` points square.

    One small image per letter is far cheaper to write and to rasterise than hundreds of rectangles.
    """
    light = ~np.pad(qr_matrix(text), QUIET)  # DeviceGray at 1 bit: 1 is white
    n = light.shape[0]
    hexdata = np.packbits(light, axis=1).tobytes().hex()
    return (
        f"q {size:.2f} 0 0 {size:.2f} {x:.2f} {y:.2f} cm "
        f"BI /W {n} /H {n} /BPC 1 /CS /G /I false /F /AHx ID {hexdata}> EI Q"
    )
