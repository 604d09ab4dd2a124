"""证据清单: each item with its kind, how, where and when it was collected, the two collecting officers
(checked against their certificates on the day), the file and its SHA-256; on the case page, in the API
and in the documents; and the entries the audit trail held before the register, migrated into it."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from chengguan.core import audit
from chengguan.core.clock import SHANGHAI, pinned
from chengguan.core.errors import Conflict, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.enforcement import services
from chengguan.enforcement.documents import penalty_document_issue
from chengguan.enforcement.models import PenaltyEvidence
from chengguan.people.models import Certificate
from tests import factories
from tests.cases.media import jpeg_upload
from tests.enforcement.conftest import filed_case
from tests.enforcement.test_api import api
from tests.enforcement.test_documents import pdf_text

D = dt.date
MOMENT = dt.datetime(2026, 9, 15, 10, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _add(office, case, **kwargs):
    with pinned(MOMENT):
        return services.penalty_evidence_add(
            actor=office.handler,
            case=case,
            upload=kwargs.pop("upload", None) or jpeg_upload(),
            description=kwargs.pop("description", "现场照片，店外摆放桌椅4张"),
            **kwargs,
        )


def test_an_entry_records_kind_method_place_time_officers_and_hash(office):
    case = filed_case(office, D(2026, 9, 14))
    upload = jpeg_upload()
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    first = _add(
        office,
        case,
        upload=upload,
        method="photographed",
        place="中原路12号门前",
        collected_at=dt.datetime(2026, 9, 14, 16, 30, tzinfo=SHANGHAI),
    )
    second = _add(office, case, description="桌椅4张", kind="physical", method="preserved")
    assert (first.no, second.no) == (1, 2)
    assert first.kind == "audiovisual" and second.kind == "physical"  # a photo is 视听资料 unless told
    assert first.sha256 == digest and default_storage.open(first.file.name).read()[:3] == b"\xff\xd8\xff"
    assert set(first.officers.all()) == {office.handler, office.handler2}
    assert first.collected_at == dt.datetime(2026, 9, 14, 16, 30, tzinfo=SHANGHAI)
    assert second.collected_at == MOMENT  # not told: now (the JPEG has no EXIF time)
    event = AuditEvent.objects.filter(action="penalty.evidence_add").first()
    assert event.after["evidence"] == first.pk and event.after["sha256"] == digest


def test_refusals_name_the_article_and_change_nothing(office):
    case = filed_case(office, D(2026, 9, 14))
    stranger = factories.staff(factories.squad(office.bureau, name="二中队"), "handler").user
    with pytest.raises(ValidationFailed) as one:
        _add(office, case, officers=[office.handler])
    assert "第四十二条" in one.value.message and "officers" in one.value.fields
    with pytest.raises(ValidationFailed):
        _add(office, case, officers=[office.handler, stranger])  # not an officer of the case
    with pytest.raises(ValidationFailed) as kind:
        _add(office, case, kind="rumour")
    assert "kind" in kind.value.fields
    with pytest.raises(ValidationFailed):
        _add(office, case, collected_at=MOMENT + dt.timedelta(hours=1))
    # The people app's rule: a collecting officer without a certificate in force that day.
    Certificate.objects.filter(holder=office.handler2).update(valid_to=D(2026, 9, 1))
    with pytest.raises(Conflict) as lapsed:
        _add(office, case)
    assert lapsed.value.code == "penalty.officer_not_certified"
    assert not PenaltyEvidence.objects.exists()
    assert not AuditEvent.objects.filter(action="penalty.evidence_add").exists()


def test_the_api_lists_and_adds_entries(office):
    case = filed_case(office, D(2026, 9, 14))
    with pinned(MOMENT):
        added = api(office.handler).post(
            f"/api/v1/penalty-cases/{case.pk}/evidence/",
            {
                "file": jpeg_upload(),
                "description": "现场照片",
                "kind": "audiovisual",
                "method": "photographed",
                "place": "中原路12号",
                "officers": [office.handler.pk, office.handler2.pk],
            },
            format="multipart",
        )
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["no"] == 1 and body["place"] == "中原路12号" and len(body["officers"]) == 2
    listed = api(office.handler).get(f"/api/v1/penalty-cases/{case.pk}/evidence/").json()
    assert [e["sha256"] for e in listed] == [body["sha256"]]
    assert api(office.handler).get(f"/api/v1/penalty-cases/{case.pk}/").json()["evidence"] == listed


def test_the_case_page_and_the_documents_read_the_register(office, client):
    case = filed_case(office, D(2026, 9, 14))
    entry = _add(office, case, place="中原路12号门前", method="photographed")
    client.force_login(office.handler)
    page = client.get(reverse("enforcement:detail", args=[case.pk])).content.decode()
    assert "证据清单" in page and "中原路12号门前" in page and "现场拍照" in page and entry.sha256 in page
    with pinned(MOMENT):
        notice = penalty_document_issue(actor=office.handler, case=case, doc_type="inspection_record")
        preserved = _add(office, case, description="桌椅4张", kind="physical", method="preserved")
        kept = penalty_document_issue(actor=office.handler, case=case, doc_type="preservation_notice")
    assert notice.pk
    assert "桌椅4张" in pdf_text(kept.file.path) and preserved.no == 2


def test_the_entries_of_the_audit_trail_move_into_the_register(office):
    """Migration 0004 on an entry recorded the old way (audit event + stored file)."""
    case = filed_case(office, D(2026, 9, 14))
    stored = default_storage.save(f"penalty/evidence/{case.pk}/old.jpg", ContentFile(jpeg_upload().read()))
    with transaction.atomic():
        audit.record(
            actor=office.handler,
            action="penalty.evidence_add",
            obj=case,
            after={
                "path": stored,
                "sha256": "ab" * 32,
                "size": 1234,
                "kind": "photo",
                "content_type": "image/jpeg",
                "original_name": "old.jpg",
                "description": "旧的现场照片",
                "officers": sorted([office.handler.username, office.handler2.username]),
            },
        )
    migration = importlib.import_module("chengguan.enforcement.migrations.0005_evidence_from_audit")
    migration.forwards(apps, None)
    entry = PenaltyEvidence.objects.get(case=case)
    assert (entry.no, entry.title, entry.kind, entry.method, entry.file.name) == (
        1,
        "旧的现场照片",
        "audiovisual",
        "",
        stored,
    )
    assert set(entry.officers.all()) == {office.handler, office.handler2}
    assert entry.get_method_display() == "未记录"
