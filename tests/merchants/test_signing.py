"""Signing, refusal, renewal, self-service confirmation and coverage."""

from __future__ import annotations

import base64
import datetime as dt
import io
import random

import pytest
from django.db import connection
from PIL import Image

from chengguan.core import clock
from chengguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from chengguan.core.models import AuditEvent
from chengguan.merchants import selectors, services
from chengguan.merchants.models import Letter, LetterStatus, Merchant, MerchantStatus
from chengguan.org.system import system_actor
from tests.merchants.conftest import merchant_fields

TODAY = dt.datetime(2026, 6, 10, 10, 0, tzinfo=clock.SHANGHAI)


def signature_png() -> str:
    img = Image.new("RGB", (200, 60), "white")
    for x in range(20, 180):
        img.putpixel((x, 30 + (x % 7)), (0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def letter(district):
    rng = random.Random(9)
    m = services.merchant_create(actor=system_actor(), **merchant_fields(rng, district, 1))
    return services.letter_prepare(actor=system_actor(), merchant=m, year=2026)


@pytest.mark.parametrize("role", ["inspector", "squad_leader", "admin"])
def test_field_staff_record_an_on_screen_signature(district, letter, role):
    before = AuditEvent.objects.count()
    with clock.pinned(TODAY):
        signed = services.letter_transition(
            actor=district.users[role],
            letter=letter,
            action="sign",
            signer_name="张建国",
            method="screen",
            signature_png=signature_png(),
        )
    assert signed.status == LetterStatus.SIGNED
    assert signed.signed_on == TODAY.date() and signed.officer == district.users[role]
    assert signed.signature_file.name.endswith(".png")
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().action == "letter.sign"


def test_a_citizen_cannot_sign_and_nothing_changes(district, letter):
    with pytest.raises(PermissionDenied):
        services.letter_transition(
            actor=district.users["citizen"],
            letter=letter,
            action="sign",
            signer_name="x",
            method="screen",
            signature_png=signature_png(),
        )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.NOT_ISSUED and not letter.signature_file


def test_paper_scan_needs_a_file_and_refusal_needs_a_reason(district, letter):
    user = district.users["inspector"]
    with pytest.raises(ValidationFailed) as err:
        services.letter_transition(
            actor=user, letter=letter, action="sign", signer_name="李四", method="paper"
        )
    assert err.value.code == "letter.no_scan"
    with pytest.raises(ValidationFailed):
        services.letter_transition(actor=user, letter=letter, action="refuse", reason=" ")
    refused = services.letter_transition(actor=user, letter=letter, action="refuse", reason="店主不在")
    assert refused.status == LetterStatus.REFUSED
    signed = services.letter_transition(
        actor=user,
        letter=refused,
        action="sign",
        signer_name="李四",
        method="paper",
        upload=io.BytesIO(b"%PDF-1.4 scan"),
    )
    assert signed.status == LetterStatus.SIGNED and signed.signature_file.name.endswith(".pdf")
    with pytest.raises(Conflict) as err:
        services.letter_transition(actor=user, letter=signed, action="refuse", reason="x")
    assert err.value.code == "letter.invalid_transition"


def test_renewal_creates_next_years_letters_for_open_merchants_and_expires_old_ones(district):
    rng = random.Random(4)
    shops = [
        services.merchant_create(actor=system_actor(), **merchant_fields(rng, district, i)) for i in range(5)
    ]
    services.merchant_update(actor=system_actor(), merchant=shops[4], status="closed")
    services.letters_prepare(actor=system_actor(), merchants=shops, year=2025)
    with clock.pinned(dt.datetime(2026, 1, 5, 9, 0, tzinfo=clock.SHANGHAI)):
        result = services.letters_renew(actor=system_actor(), year=2026)
    assert result == {"expired": 5, "created": 4}
    assert set(Letter.objects.filter(year=2025).values_list("status", flat=True)) == {LetterStatus.EXPIRED}
    assert set(Letter.objects.filter(year=2026).values_list("merchant_id", flat=True)) == {
        m.pk for m in shops[:4]
    }


def test_a_merchant_confirms_receipt_with_code_and_number(district, letter, client):
    m = letter.merchant
    page = client.post(
        "/letters/self-service/",
        {"credit_code": m.credit_code.lower(), "number": letter.number, "confirm": "1"},
    )
    assert page.status_code == 200
    letter.refresh_from_db()
    assert letter.receipt_confirmed_at is not None
    assert AuditEvent.objects.filter(action="letter.receipt_confirm", object_id=str(letter.pk)).count() == 1
    wrong = client.post(
        "/letters/self-service/", {"credit_code": m.credit_code, "number": "中原城管三包字〔2026〕第99999号"}
    )
    assert "未找到" in wrong.content.decode()


def test_coverage_matches_a_count_made_directly_in_sql(district):
    rng = random.Random(11)
    shops = [
        services.merchant_create(actor=system_actor(), **merchant_fields(rng, district, i % 8))
        for i in range(40)
    ]
    for m in shops[35:]:
        services.merchant_update(actor=system_actor(), merchant=m, status=MerchantStatus.MOVED)
    services.letters_prepare(actor=system_actor(), merchants=shops, year=2026)
    services.letters_prepare(actor=system_actor(), merchants=shops[:10], year=2025)
    user = district.users["inspector"]
    for k, letter in enumerate(Letter.objects.order_by("id")):
        if k % 3 == 0:
            services.letter_transition(
                actor=user,
                letter=letter,
                action="sign",
                signer_name="王五",
                method="screen",
                signature_png=signature_png(),
            )
        elif k % 3 == 1:
            services.letter_transition(actor=user, letter=letter, action="refuse", reason="不在")
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT g.code, COUNT(*),
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM merchants_letter l WHERE l.merchant_id = m.id
                        AND l.year = 2026 AND l.status = 'signed') THEN 1 ELSE 0 END)
            FROM merchants_merchant m JOIN grids_grid g ON g.id = m.grid_id
            WHERE m.status = 'open' GROUP BY g.code ORDER BY g.code
            """
        )
        by_grid = {code: (int(active), int(signed)) for code, active, signed in cur.fetchall()}
        cur.execute(
            """
            SELECT o.name, COUNT(*),
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM merchants_letter l WHERE l.merchant_id = m.id
                        AND l.year = 2026 AND l.status = 'signed') THEN 1 ELSE 0 END)
            FROM merchants_merchant m JOIN org_organisation o ON o.id = m.community_id
            WHERE m.status = 'open' GROUP BY o.name
            """
        )
        by_community = {name: (int(active), int(signed)) for name, active, signed in cur.fetchall()}
    leader = district.users["leader"]
    rows = selectors.coverage(leader, year=2026, level="grid")
    assert {r.key: (r.active, r.signed) for r in rows} == by_grid
    rows = selectors.coverage(leader, year=2026, level="community")
    assert {r.name: (r.active, r.signed) for r in rows} == by_community
    sub = selectors.coverage(leader, year=2026, level="subdistrict")
    assert len(sub) == 1 and sub[0].active == 35
    assert sub[0].signed == sum(s for _, s in by_grid.values()) > 0
    assert sub[0].share == pytest.approx(sub[0].signed / 35)
    assert Merchant.objects.count() == 40


def test_repeat_offenders_are_those_with_three_linked_cases_this_year(district, letter):
    assert not selectors.is_repeat_offender(letter.merchant)
