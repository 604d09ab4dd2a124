"""The letters' QR codes read back as their text in a standard reader (zxing-cpp), at every size."""

from __future__ import annotations

import string

import numpy as np
import pytest
import zxingcpp

from chengguan.merchants import qr


def read(matrix: np.ndarray, scale: int = 4) -> list[str]:
    """What a reader finds in the code drawn black on white with the standard quiet zone."""
    image = np.where(np.pad(matrix, qr.QUIET), 0, 255).astype(np.uint8).repeat(scale, 0).repeat(scale, 1)
    return [r.text for r in zxingcpp.read_barcodes(image, try_invert=False)]


@pytest.mark.parametrize("length", [1, 26, 27, 50, 62, 63, 84, 106, 122, 152, 180])
def test_a_code_of_every_supported_length_reads_back(length):
    alphabet = string.ascii_letters + string.digits + "-_/:."
    text = "".join(alphabet[(7 * i + length) % len(alphabet)] for i in range(length))
    assert read(qr.qr_matrix(text)) == [text]


def test_a_text_too_long_for_a_letter_code_is_refused():
    with pytest.raises(ValueError, match="too long"):
        qr.qr_matrix("x" * 181)
