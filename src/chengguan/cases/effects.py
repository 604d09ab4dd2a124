"""What a step of a case writes besides the case row: evidence (the file and its row) and the unit the
routing rules propose at filing.

The case machine (`states.CASE_MACHINE`) makes one `CaseEffects` per action and its steps write
through it. A writer of many cases at once passes its own subclass to the kernel's `run` (as
`cases.batch.CaseBatch` does: each content stored once, rows inserted in bulk, proposals
remembered), so the steps stay the same code on both paths.
"""

from __future__ import annotations

import datetime as dt

from chengguan.cases.models import Case, CaseEvidence
from chengguan.core import evidence
from chengguan.grids.models import Grid
from chengguan.org.models import Organisation
from chengguan.taxonomy import routing
from chengguan.taxonomy.models import Category


class CaseEffects:
    """Writes straight to the database and the evidence storage (one action, one transaction)."""

    def propose_handler(self, *, category: Category, grid: Grid) -> Organisation | None:
        """The unit the routing rules propose for a case of `category` in `grid`."""
        return routing.propose_handler(category=category, grid=grid)

    def add_evidence(self, case: Case, upload, stage: str, actor, now: dt.datetime, **meta) -> CaseEvidence:
        """Store one file (an upload, or an `EvidenceInfo` already checked) as evidence of `case`;
        `meta` may give the position (`lon`, `lat`) and `taken_at`, which beat the file's EXIF."""
        info = upload if isinstance(upload, evidence.EvidenceInfo) else evidence.inspect_upload(upload)
        item = CaseEvidence(
            case=case,
            stage=stage,
            kind=info.kind,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            taken_at=meta.get("taken_at") or info.taken_at,
            lon=meta.get("lon") if meta.get("lon") is not None else info.lon,
            lat=meta.get("lat") if meta.get("lat") is not None else info.lat,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
        )
        self.write_evidence(item, info)
        return item

    def write_evidence(self, item: CaseEvidence, info: evidence.EvidenceInfo) -> None:
        """Write the file and insert the row."""
        evidence.save_to(item, info)
        item.save(force_insert=True)
