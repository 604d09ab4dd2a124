"""Evidence files (photos, video, audio): type and size checks, SHA-256, thumbnails, EXIF time/place.

Files go through Django's storage API, so they land in MEDIA_ROOT by default and in S3-compatible
storage when `STORAGES["default"]` says so. The type is decided from the file's first bytes, never
from the name or the browser's claim.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from chengguan.core.clock import SHANGHAI
from chengguan.core.errors import EvidenceError, ValidationFailed

MB = 1024 * 1024
MAX_SIZE = {"photo": 15 * MB, "video": 200 * MB, "audio": 30 * MB}
MAX_PIXELS = 60_000_000  # refuses decompression bombs; a 50-megapixel phone photo still fits
MIN_SIDE = 64
KIND_LABELS = {"photo": "照片", "video": "视频", "audio": "音频"}
THUMB_SIZE = (360, 360)
# Every type `_sniff` recognises, for the API schema (the multipart encoding of an evidence file).
CONTENT_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "audio/mpeg",
    "audio/mp4",
    "audio/wav",
    "audio/amr",
)


def _human(size: int) -> str:
    return f"{size / MB:g} MB" if size >= MB else f"{size / 1024:g} KB"


@dataclass
class EvidenceInfo:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str
    data: bytes
    taken_at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None
    thumbnail: bytes | None = None


def _sniff(head: bytes) -> tuple[str, str, str] | None:
    """(kind, content type, extension) from magic bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return "photo", "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "photo", "image/png", "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "photo", "image/webp", "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio", "audio/wav", "wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio", "audio/mp4", "m4a"
        if brand.startswith(b"qt"):
            return "video", "video/quicktime", "mov"
        if brand not in (b"heic", b"heix", b"mif1", b"avif"):
            return "video", "video/mp4", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "video/webm", "webm"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio", "audio/mpeg", "mp3"
    if head.startswith(b"#!AMR"):
        return "audio", "audio/amr", "amr"
    return None


def _head(upload) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload[:16])
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head


def _size(upload) -> int | None:
    if isinstance(upload, bytes | bytearray):
        return len(upload)
    return getattr(upload, "size", None)


def _read(upload) -> tuple[bytes, str]:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload), "upload"
    name = getattr(upload, "name", "") or ""
    upload.seek(0)
    return upload.read(), name.replace("\\", "/").rsplit("/", 1)[-1][:200]


def max_size(kind: str) -> int:
    """The size limit of a kind of file; `settings.EVIDENCE_MAX_SIZE` is one number for every kind
    or a dict by kind."""
    custom = getattr(settings, "EVIDENCE_MAX_SIZE", None)
    if isinstance(custom, int):
        return custom
    return (custom or {}).get(kind, MAX_SIZE[kind])


def _rational(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _dms(values, ref) -> float | None:
    try:
        deg, minutes, seconds = (_rational(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    out = deg + minutes / 60 + seconds / 3600
    return -out if ref in ("S", "W", b"S", b"W") else out


def _exif(image: Image.Image) -> tuple[dt.datetime | None, float | None, float | None]:
    """Shooting time (taken as Beijing time, as phones record local time) and GPS position."""
    try:
        exif = image.getexif()
    except Exception:
        return None, None, None
    taken = None
    raw = exif.get_ifd(0x8769).get(36867) or exif.get(306)
    if raw:
        try:
            taken = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S").replace(
                tzinfo=SHANGHAI
            )
        except ValueError:
            taken = None
    gps = exif.get_ifd(0x8825)
    lat = _dms(gps[2], gps.get(1)) if 2 in gps else None
    lon = _dms(gps[4], gps.get(3)) if 4 in gps else None
    return taken, lon, lat


def inspect_upload(upload, *, allowed_kinds: tuple[str, ...] = ("photo", "video", "audio")) -> EvidenceInfo:
    """Check one uploaded file and describe it; raises ValidationFailed with a Chinese message."""
    if _size(upload) == 0:
        raise ValidationFailed("文件为空。", code=EvidenceError.EMPTY, fields={"file": ["文件为空。"]})
    sniffed = _sniff(_head(upload))
    if sniffed is None or sniffed[0] not in allowed_kinds:
        message = "不支持的文件类型：照片请用 JPEG/PNG/WebP，视频用 MP4/MOV/WebM，音频用 MP3/M4A/WAV/AMR。"
        raise ValidationFailed(message, code=EvidenceError.BAD_TYPE, fields={"file": [message]})
    kind, content_type, extension = sniffed
    limit = max_size(kind)
    # The declared size is checked before reading, so an oversized video is never loaded into memory.
    declared = _size(upload)
    data, name = _read(upload) if declared is None or declared <= limit else (b"", "")
    if (declared is not None and declared > limit) or len(data) > limit:
        message = f"文件过大：{KIND_LABELS[kind]}不能超过 {_human(limit)}。"
        raise ValidationFailed(message, code=EvidenceError.TOO_LARGE, fields={"file": [message]})
    info = EvidenceInfo(
        kind=kind,
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=name,
        data=data,
    )
    if kind == "photo":
        _inspect_photo(info)
    return info


def _inspect_photo(info: EvidenceInfo) -> None:
    try:
        with Image.open(io.BytesIO(info.data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationFailed(
                    "图片像素过大。", code=EvidenceError.TOO_MANY_PIXELS, fields={"file": ["图片像素过大。"]}
                )
            if min(width, height) < MIN_SIDE:
                message = f"图片过小（至少 {MIN_SIDE}×{MIN_SIDE} 像素）。"
                raise ValidationFailed(message, code=EvidenceError.TOO_SMALL, fields={"file": [message]})
            probe.verify()
        with Image.open(io.BytesIO(info.data)) as image:
            info.taken_at, info.lon, info.lat = _exif(image)
            thumb = ImageOps.exif_transpose(image).convert("RGB")
            thumb.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            thumb.save(out, "JPEG", quality=80)
            info.thumbnail = out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(
            "图片文件已损坏或无法识别。", code=EvidenceError.CORRUPT, fields={"file": ["无法识别的图片。"]}
        ) from exc


def save_to(item, info: EvidenceInfo) -> None:
    """Write the file (named by its hash, so a name never leaks personal data) and its thumbnail."""
    item.file.save(f"{info.sha256[:32]}.{info.extension}", ContentFile(info.data), save=False)
    if info.thumbnail:
        item.thumbnail.save(f"{info.sha256[:32]}.jpg", ContentFile(info.thumbnail), save=False)
