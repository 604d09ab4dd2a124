"""Time to the first byte, and in all, of the Excel export of a year of cases (issue 19 item 21).

Run: `.venv/bin/python benchmarks/xlsx_export.py [--cases 50000]`. It works in a throwaway SQLite
data directory: migrates, builds the tests' small district (tests/cases/conftest.py), copies one
reported case N times with bulk_create, then asks `GET /api/v1/cases/export.xlsx` through Django's
test client as the bureau's leader and reads the streamed body, timing the first chunk and the
last. The workbook is opened with openpyxl at the end to check it holds every row.
Exit 1 when the first byte takes a second or more.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from letters import setup_django

FIRST_BYTE_GOAL_S = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        setup_django(Path(work))
        from django.core.management import call_command
        from django.test import Client
        from openpyxl import load_workbook

        call_command("migrate", verbosity=0)
        from chengguan.cases.models import Case
        from chengguan.core import clock
        from chengguan.org.roles import RoleCode
        from tests.cases.conftest import QUIET_MOMENT, build_district
        from tests.cases.flow import report

        with clock.pinned(QUIET_MOMENT):
            district = build_district()
            first = report(district, description="人行道上堆放建筑垃圾")
        fields = {
            f.attname: getattr(first, f.attname)
            for f in Case._meta.concrete_fields
            if f.attname not in ("id", "number", "idempotency_key")
        }
        rows = [Case(**fields, number=f"{first.number[:-6]}{k:06d}") for k in range(2, args.cases + 1)]
        Case.objects.bulk_create(rows, batch_size=2000)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(district.users[RoleCode.LEADER])
        client.get("/api/v1/cases/?page_size=1")  # the process's first request loads the URL conf
        started = time.perf_counter()
        response = client.get("/api/v1/cases/export.xlsx")
        answered = time.perf_counter() - started
        body = io.BytesIO()
        first_byte = None
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            body.write(chunk)
        total = time.perf_counter() - started
        if response.status_code != 200:
            print(response.status_code, body.getvalue()[:300].decode(errors="replace"))
            return 1
        sheet = load_workbook(body, read_only=True).worksheets[0]
        count = sum(1 for _ in sheet.iter_rows()) - 1
    size = body.tell() / 1e6
    print(f"{count:,} cases: view answered after {answered:.2f} s, first byte after {first_byte:.2f} s,")
    print(f"whole file ({size:.1f} MB) after {total:.1f} s")
    if count != args.cases:
        print(f"expected {args.cases} rows")
        return 1
    return 0 if first_byte < FIRST_BYTE_GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
