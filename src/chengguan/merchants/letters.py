"""Bulk letter generation: one print-ready PDF, or a ZIP with one PDF per merchant.

Rows stream from the database in chunks and pages are drawn as they arrive, so the Python side
holds one chunk of rows at a time; the finished letters are marked issued in one step at the end.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from chengguan.merchants import letter_pdf, selectors
from chengguan.merchants.models import Merchant, MerchantStatus
from chengguan.merchants.services import letters_mark_issued, letters_prepare

# Where a CLI run points when nothing is configured: the address `chengguan serve` listens on.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def public_base_url(request=None) -> str:
    """Where the QR codes point: the bureau's public address (CHENGGUAN_PUBLIC_URL); when it is not
    configured, the address the request came in on, so a demo served on another port prints codes
    that open on that port; without a request (the CLI), where `chengguan serve` listens."""
    configured = getattr(settings, "PUBLIC_BASE_URL", "") or os.environ.get("CHENGGUAN_PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    bind = os.environ.get("CHENGGUAN_BIND", "")
    return f"http://{bind}" if bind and ":" in bind and not bind.startswith("unix:") else DEFAULT_BASE_URL


def merchants_in_scope(scope: dict | None):
    """The open merchants whose letters a run prints, in print order."""
    qs = Merchant.objects.filter(status=MerchantStatus.OPEN).select_related("bureau")
    return selectors.in_scope(qs, scope).order_by("subdistrict__code", "grid__code", "id")


def generate_letters(
    *,
    actor,
    year: int,
    out_path: str | Path,
    scope: dict | None = None,
    fmt: str = "pdf",
    only_not_issued: bool = False,
    prepare: bool = True,
    mark_issued: bool = True,
    base_url: str | None = None,
    on_total: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
    job_id: int | None = None,
) -> dict:
    """Number any missing letters in the scope, then draw them all into `out_path`."""
    prepared = 0
    if prepare:
        prepared = letters_prepare(actor=actor, merchants=merchants_in_scope(scope), year=year)
    qs = selectors.letters_for_print(year=year, scope=scope, only_not_issued=only_not_issued)
    total = qs.count()
    if on_total:
        on_total(total)
    base = base_url or public_base_url()
    ids: list[int] = []

    def rows():
        for pk, data in selectors.letter_rows(qs):
            ids.append(pk)
            yield data

    if fmt == "zip":
        with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_STORED) as zf:
            for n, data in enumerate(rows(), start=1):
                zf.writestr(f"{data.number}_{data.credit_code}.pdf", letter_pdf.render_one(data, base))
                if progress:
                    progress(n)
        pages = len(ids)
    else:
        pages = letter_pdf.render(rows(), str(out_path), base, progress=progress)
    issued = letters_mark_issued(actor=actor, letter_ids=ids, job_id=job_id) if mark_issued else 0
    return {"letters": pages, "prepared": prepared, "issued": issued, "format": fmt, "year": year}
