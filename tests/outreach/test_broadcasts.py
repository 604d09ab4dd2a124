"""Live-streamed enforcement: the schedule, the audience from the platform's export, comment
highlights, and the recording kept as evidence — uploaded in parts that resume, registered from
storage, and checked against its SHA-256 on every download."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chengguan.core import clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.org.roles import RoleCode as R
from chengguan.outreach import services
from chengguan.outreach.models import Recording
from tests.outreach.conftest import QUIET_MOMENT, new_broadcast

CSV = (
    "时间,在线人数,累计观看\n"
    "2026-09-15 19:00:00,1200,1200\n"
    "2026-09-15 19:30:00,4800,9300\n"
    "2026-09-15 20:00:00,3100,12650\n"
)


def _chunk(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("part", data, content_type="application/octet-stream")


def _upload(d, broadcast, data: bytes, *, part: int = 4):
    admin = d.users[R.ADMIN]
    rec = services.recording_start(actor=admin, broadcast=broadcast, name="直播.mp4", size=len(data))
    for offset in range(0, len(data), part):
        rec = services.recording_append(
            actor=admin, recording=rec, offset=offset, chunk=_chunk(data[offset : offset + part])
        )
    return rec


def test_the_audience_comes_from_the_platforms_export(district, broadcast):
    upload = SimpleUploadedFile("export.csv", CSV.encode("gb18030"), content_type="text/csv")
    b = services.broadcast_viewers_import(actor=district.users[R.ADMIN], broadcast=broadcast, upload=upload)
    assert (b.peak_viewers, b.cumulative_viewers) == (4800, 12650)
    assert b.viewer_samples.count() == 3


def test_an_unreadable_export_changes_nothing(district, broadcast):
    upload = SimpleUploadedFile("export.csv", b"a,b\n1,2\n", content_type="text/csv")
    with pytest.raises(ValidationFailed) as refused:
        services.broadcast_viewers_import(actor=district.users[R.ADMIN], broadcast=broadcast, upload=upload)
    assert refused.value.code == "broadcast.bad_viewers_csv"
    broadcast.refresh_from_db()
    assert broadcast.cumulative_viewers == 0


def test_figures_typed_in_and_a_highlight(district, broadcast):
    admin = district.users[R.ADMIN]
    with pytest.raises(ValidationFailed):
        services.broadcast_viewers_record(actor=admin, broadcast=broadcast, peak=10, cumulative=5)
    b = services.broadcast_viewers_record(actor=admin, broadcast=broadcast, peak=5000, cumulative=9000)
    assert b.cumulative_viewers == 9000
    row = services.highlight_add(
        actor=admin,
        broadcast=b,
        nickname="郑州老李",
        text="执法很文明，点赞！",
        reply="谢谢支持",
        said_at=QUIET_MOMENT,
    )
    assert row.broadcast_id == b.pk


def test_a_handler_may_not_schedule_a_session(district):
    with pytest.raises(PermissionDenied):
        services.broadcast_schedule(
            actor=district.users[R.HANDLER],
            bureau=district.bureau,
            title="x",
            platform="douyin",
            starts_at=QUIET_MOMENT,
            ends_at=QUIET_MOMENT,
            place="x",
        )


def test_a_recording_arrives_in_parts_that_resume(district, broadcast, django_capture_on_commit_callbacks):
    admin = district.users[R.ADMIN]
    data = b"ftypisom" + bytes(range(256)) * 3
    rec = services.recording_start(actor=admin, broadcast=broadcast, name="直播.mp4", size=len(data))
    rec = services.recording_append(actor=admin, recording=rec, offset=0, chunk=_chunk(data[:300]))
    # A client that lost its connection sends the same part again: refused, the offset is told.
    with pytest.raises(Conflict) as refused:
        services.recording_append(actor=admin, recording=rec, offset=0, chunk=_chunk(data[:300]))
    assert refused.value.code == "recording.bad_offset"
    assert "received=300" in refused.value.message
    with pytest.raises(ValidationFailed):
        services.recording_append(actor=admin, recording=rec, offset=300, chunk=_chunk(data[300:] + b"extra"))
    with django_capture_on_commit_callbacks(execute=True):
        rec = services.recording_append(actor=admin, recording=rec, offset=300, chunk=_chunk(data[300:]))
    assert rec.state == "stored" and rec.sha256 == hashlib.sha256(data).hexdigest()
    with rec.file.open("rb") as f:
        assert f.read() == data
    # The parts are gone once the recording is whole.
    assert not default_storage.exists(f"outreach/recordings/parts/{rec.pk}/000000.part")


def test_a_changed_recording_is_reported_on_download(district, broadcast):
    data = b"original recording bytes" * 10
    rec = _upload(district, broadcast, data, part=64)
    admin = district.users[R.ADMIN]
    handle = services.recording_open_checked(actor=admin, recording=rec)
    assert handle.read() == data
    handle.close()
    # Someone changes the stored bytes behind the application's back.
    path = default_storage.path(rec.file.name)
    with open(path, "r+b") as f:
        f.seek(5)
        f.write(b"X")
    with pytest.raises(Conflict) as refused:
        services.recording_open_checked(actor=admin, recording=rec)
    assert refused.value.code == "recording.hash_mismatch"
    rec.refresh_from_db()
    assert rec.altered_at is not None
    assert AuditEvent.objects.filter(action="recording.altered").count() == 1
    # The staff page says so too, and hands nothing out.
    client = Client()
    client.force_login(admin)
    response = client.get(reverse("outreach:recording-download", args=[rec.pk]))
    assert response.status_code == 409
    assert "SHA-256 不符" in response.content.decode()
    page = client.get(reverse("outreach:broadcast", args=[broadcast.pk])).content.decode()
    assert 'data-testid="altered"' in page


def test_a_recording_registered_from_storage_is_hashed_where_it_lies(district, broadcast):
    data = b"x" * 5000
    name = default_storage.save("imports/live-2026-09-15.mp4", ContentFile(data))
    rec = services.recording_register(actor=district.users[R.ADMIN], broadcast=broadcast, storage_name=name)
    assert rec.sha256 == hashlib.sha256(data).hexdigest() and rec.size == 5000
    with pytest.raises(ValidationFailed) as refused:
        services.recording_register(
            actor=district.users[R.ADMIN], broadcast=broadcast, storage_name="../etc/passwd"
        )
    assert refused.value.code == "recording.not_in_storage"
    assert Recording.objects.count() == 1


def test_the_portal_shows_the_schedule_and_past_sessions(district, broadcast):
    coming = new_broadcast(district, live=False)
    admin = district.users[R.ADMIN]
    with clock.pinned(QUIET_MOMENT):
        services.broadcast_transition(
            actor=admin, broadcast=broadcast, action="end", summary="查处占道 12 起。"
        )
        html = Client().get(reverse("outreach-public:live")).content.decode()
    assert html.count('data-testid="past"') == 1 and html.count('data-testid="coming"') == 1
    assert coming.title in html and "查处占道 12 起。" in html
