"""`chengguan duty roster` prints and exports a roster (the holiday roster for filing upward)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from chengguan.duty import services
from chengguan.duty.models import Post
from tests.duty.conftest import pattern

pytestmark = pytest.mark.django_db


def test_the_holiday_roster_is_printed_and_exported(force, tmp_path):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    services.shift_assign(
        actor=force.system,
        shift=roster.shifts.get(date=dt.date(2026, 10, 1)),
        staff=force.officers[0],
        post=Post.OFFICER,
    )
    out = io.StringIO()
    call_command(
        "duty", "roster", "--unit", str(force.squad.pk), "--month", "2026-10", "--holidays-only", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 + 7  # title, header, 1–7 October
    assert "2026-10-01" in lines[2] and "队员0" in lines[2] and "值班员缺1" in lines[2]
    path = tmp_path / "roster.xlsx"
    call_command(
        "duty",
        "roster",
        "--unit",
        force.squad.name,
        "--month",
        "2026-10",
        "--out",
        str(path),
        stdout=io.StringIO(),
    )
    ws = load_workbook(path).active
    assert ws.max_row == 2 + 31


def test_the_roster_is_exported_as_a_printable_pdf(force, tmp_path):
    pattern(force)
    roster = services.roster_generate(actor=force.system, unit=force.squad, month=dt.date(2026, 10, 1))
    services.shift_assign(
        actor=force.system,
        shift=roster.shifts.get(date=dt.date(2026, 10, 1)),
        staff=force.officers[0],
        post=Post.OFFICER,
    )
    path = tmp_path / "roster.pdf"
    call_command(
        "duty",
        "roster",
        "--unit",
        force.squad.name,
        "--month",
        "2026-10",
        "--out",
        str(path),
        stdout=io.StringIO(),
    )
    data = path.read_bytes()
    # A month of one shift a day on landscape A4: two pages.
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1
