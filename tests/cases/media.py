"""Tiny but valid media files made in memory, for uploads in tests."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chengguan.core.clock import SHANGHAI


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    return float(degrees), float(minutes), round((minutes_full - minutes) * 60, 4)


def jpeg_bytes(
    *,
    size: tuple[int, int] = (96, 80),
    taken_at: dt.datetime | None = None,
    lon: float | None = None,
    lat: float | None = None,
    color: tuple[int, int, int] = (180, 60, 40),
) -> bytes:
    """A JPEG whose EXIF carries the shooting time (local clock, as phones write it) and GPS."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if taken_at is not None:
        stamp = taken_at.astimezone(SHANGHAI).strftime("%Y:%m:%d %H:%M:%S")
        exif[306] = stamp
        exif.get_ifd(0x8769)[36867] = stamp
    if lon is not None and lat is not None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(abs(lat))
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(abs(lon))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (120, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 200, 30, 128)).save(out, "PNG")
    return out.getvalue()


def jpeg_upload(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")
