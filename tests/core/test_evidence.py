"""Evidence files: the type comes from the bytes, sizes are limited, photos get a thumbnail and their
EXIF time and place, and every file is stored through Django's storage under MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from chengguan.cases.models import CaseEvidence
from chengguan.core import evidence
from chengguan.core.clock import SHANGHAI
from chengguan.core.errors import ValidationFailed
from tests.cases.media import jpeg_bytes, png_bytes

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def refused(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(ValidationFailed) as err:
        evidence.inspect_upload(upload(data, name))
    assert "file" in err.value.fields
    return err.value.code


def test_a_jpeg_is_accepted_with_its_hash_and_a_thumbnail():
    data = jpeg_bytes(size=(800, 600))
    info = evidence.inspect_upload(upload(data, "IMG_0001.JPG"))
    assert (info.kind, info.content_type, info.extension) == ("photo", "image/jpeg", "jpg")
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.size == len(data) and info.original_name == "IMG_0001.JPG"
    with Image.open(io.BytesIO(info.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (360, 270)


def test_a_png_is_accepted_and_its_thumbnail_is_a_jpeg():
    data = png_bytes((120, 90))
    info = evidence.inspect_upload(upload(data, "screen.png", "image/png"))
    assert (info.kind, info.content_type) == ("photo", "image/png")
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    with Image.open(io.BytesIO(info.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (120, 90)


def test_a_text_file_renamed_to_jpg_is_refused():
    assert refused(b"Dear sir, this is not a photo at all.\n" * 10, "photo.jpg") == "evidence.bad_type"


def test_a_file_that_only_starts_like_a_jpeg_is_refused():
    assert refused(b"\xff\xd8\xff\xe0" + b"garbage" * 100) == "evidence.corrupt"


def test_an_empty_file_is_refused():
    assert refused(b"") == "evidence.empty"


def test_a_tiny_image_is_refused():
    assert refused(jpeg_bytes(size=(20, 20))) == "evidence.too_small"


def test_too_large_a_file_is_refused():
    data = jpeg_bytes(size=(200, 200))
    with override_settings(EVIDENCE_MAX_SIZE={"photo": len(data) - 1}):
        assert refused(data) == "evidence.too_large"
    with override_settings(EVIDENCE_MAX_SIZE=len(data) - 1):
        assert refused(data) == "evidence.too_large"
    with override_settings(EVIDENCE_MAX_SIZE={"photo": len(data)}):
        assert evidence.inspect_upload(upload(data)).size == len(data)


def test_exif_time_and_gps_are_read():
    taken = dt.datetime(2026, 9, 30, 15, 42, 7, tzinfo=SHANGHAI)
    info = evidence.inspect_upload(upload(jpeg_bytes(taken_at=taken, lon=113.62351, lat=34.75482)))
    assert info.taken_at == taken and info.taken_at.utcoffset() == dt.timedelta(hours=8)
    assert info.lon == pytest.approx(113.62351, abs=1e-6)
    assert info.lat == pytest.approx(34.75482, abs=1e-6)


def test_a_photo_without_exif_has_no_time_or_place():
    info = evidence.inspect_upload(upload(jpeg_bytes()))
    assert (info.taken_at, info.lon, info.lat) == (None, None, None)


def test_an_mp4_header_is_sniffed_as_video_whatever_its_name():
    info = evidence.inspect_upload(upload(MP4_HEAD, "clip.jpg", "image/jpeg"))
    assert (info.kind, info.content_type, info.extension) == ("video", "video/mp4", "mp4")
    assert info.thumbnail is None


def test_only_the_allowed_kinds_pass():
    with pytest.raises(ValidationFailed) as err:
        evidence.inspect_upload(upload(MP4_HEAD, "clip.mp4"), allowed_kinds=("photo",))
    assert err.value.code == "evidence.bad_type"


def test_files_are_stored_under_media_root_named_by_their_hash(media_root):
    data = jpeg_bytes(size=(400, 300))
    info = evidence.inspect_upload(upload(data, "张三家门口.jpg"))
    item = CaseEvidence()
    evidence.save_to(item, info)
    stored = media_root / item.file.name
    assert stored.is_file() and stored.read_bytes() == data
    assert stored.name == f"{info.sha256[:32]}.jpg"  # the original name is not used for the file
    assert (media_root / item.thumbnail.name).read_bytes() == info.thumbnail
