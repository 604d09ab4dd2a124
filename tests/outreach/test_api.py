"""/api/v1/outreach/: lists of the caller's bureau with their filters, writes through the services,
a recording uploaded in parts and downloaded with its hash checked."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from chengguan.core import clock
from chengguan.org.roles import RoleCode as R
from tests import factories
from tests.outreach.conftest import QUIET_MOMENT

BASE = "/api/v1/outreach/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_activity_through_the_api(district, activity):
    api = _client(district.users[R.ADMIN])
    listed = api.get(BASE + "activities/", {"year": activity.starts_at.year, "state": "open"})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [activity.pk]
    assert api.get(BASE + "activities/", {"year": "1.5"}).status_code == 400
    assert api.get(BASE + f"activities/{2**63}/").status_code == 404
    closed = api.post(BASE + f"activities/{activity.pk}/close_registration/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    # Another bureau's staff see nothing.
    other = factories.staff(factories.bureau(code="410103", name="二七区城市管理局"), R.ADMIN).user
    assert _client(other).get(BASE + f"activities/{activity.pk}/").status_code == 404
    assert _client(other).get(BASE + "activities/").json()["results"] == []


def test_a_handler_reads_but_may_not_create(district):
    api = _client(district.users[R.HANDLER])
    assert api.get(BASE + "volunteers/").status_code == 200
    body = {"name": "刘志愿", "phone": "13611112222"}
    refused = api.post(BASE + "volunteers/", body, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "activity.forbidden"


def test_a_recording_in_parts_through_the_api(district, broadcast):
    api = _client(district.users[R.ADMIN])
    data = b"\x00\x01recording" * 100
    started = api.post(
        BASE + f"broadcasts/{broadcast.pk}/recordings/",
        {"name": "live.mp4", "size": len(data)},
        format="json",
    )
    assert started.status_code == 201, started.json()
    rec = started.json()["id"]
    for offset in range(0, len(data), 400):
        part = SimpleUploadedFile("part", data[offset : offset + 400])
        sent = api.post(
            BASE + f"recordings/{rec}/chunks/", {"offset": offset, "chunk": part}, format="multipart"
        )
        assert sent.status_code == 200, sent.json()
    assert sent.json()["state"] == "stored" and sent.json()["sha256"] == hashlib.sha256(data).hexdigest()
    download = api.get(BASE + f"recordings/{rec}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == data
    assert download["X-Content-SHA256"] == hashlib.sha256(data).hexdigest()


def test_viewers_highlights_and_media(district, broadcast):
    api = _client(district.users[R.ADMIN])
    assert (
        api.post(
            BASE + f"broadcasts/{broadcast.pk}/viewers/",
            {"peak_viewers": 10, "cumulative_viewers": 99},
            format="json",
        ).json()["cumulative_viewers"]
        == 99
    )
    said = clock.now().isoformat()
    assert (
        api.post(
            BASE + f"broadcasts/{broadcast.pk}/highlights/",
            {"nickname": "网友", "text": "点赞", "said_at": said},
            format="json",
        ).status_code
        == 201
    )
    media = api.post(
        BASE + "media/",
        {
            "outlet": "大河报",
            "headline": "直播执法受好评",
            "published_on": QUIET_MOMENT.date().isoformat(),
            "tone": "positive",
            "broadcasts": [broadcast.pk],
        },
        format="json",
    )
    assert media.status_code == 201, media.json()
    yearly = api.get(BASE + "media/", {"year": QUIET_MOMENT.year}).json()["results"]
    assert [m["broadcasts"] for m in yearly] == [[broadcast.pk]]
    foreign = api.post(
        BASE + "media/",
        {"outlet": "x", "headline": "x", "published_on": "2026-01-01", "tone": "neutral", "deeds": [2**62]},
        format="json",
    )
    assert foreign.status_code == 400
