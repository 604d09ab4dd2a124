"""Background job handlers of the merchants app (registered with `core.jobs`)."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext_lazy

from chengguan.core import jobs
from chengguan.core.jobs import JobRun
from chengguan.merchants import importer
from chengguan.merchants.letters import generate_letters

IMPORT_KIND = "merchants.import"
LETTERS_KIND = "merchants.letters"
KIND_LABELS = {IMPORT_KIND: gettext_lazy("导入商户台账"), LETTERS_KIND: gettext_lazy("批量生成责任书")}
# The figures of a finished job's result, in the order the job page lists them.
RESULT_LABELS = {
    "total": gettext_lazy("共"),
    "created": gettext_lazy("新登记"),
    "updated": gettext_lazy("已更新"),
    "unchanged": gettext_lazy("未改动"),
    "bad_count": gettext_lazy("问题行"),
    "year": gettext_lazy("年度"),
    "letters": gettext_lazy("责任书份数"),
    "prepared": gettext_lazy("新生成"),
    "issued": gettext_lazy("标记为已发放"),
    "format": gettext_lazy("格式"),
}


def result_facts(result: dict) -> list[tuple[str, object]]:
    """(label, value) of each figure of a job's result, for the job page."""
    return [(label, result[key]) for key, label in RESULT_LABELS.items() if key in result]


def _actor(run: JobRun):
    return run.job.created_by


@jobs.handler(IMPORT_KIND)
def run_import(run: JobRun) -> dict:
    """params: {"file": storage name, "filename": original name}."""
    with run.uploaded_file() as path:
        run.set_total(importer.count_rows(path))
        report = importer.import_merchants(
            actor=_actor(run),
            path=path,
            progress=lambda done, cursor: run.progress(done, cursor=cursor),
            resume=run.cursor,
        )
    result = report.as_dict()
    run.save_file(f"import-report-{run.job.pk}.csv", importer.report_csv(result))
    return result


@jobs.handler(LETTERS_KIND)
def run_letters(run: JobRun) -> dict:
    """params: {"year", "scope", "format": "pdf"|"zip", "only_not_issued", "base_url"}: the base
    URL of the QR codes, taken from the request that started the job (`letters.public_base_url`)."""
    p = run.params
    fmt = "zip" if p.get("format") == "zip" else "pdf"
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}", dir=settings.DATA_DIR) as tmp:
        result = generate_letters(
            actor=_actor(run),
            year=int(p["year"]),
            scope=p.get("scope") or {},
            fmt=fmt,
            out_path=tmp.name,
            only_not_issued=bool(p.get("only_not_issued")),
            prepare=not (run.cursor or {}).get("prepared"),
            on_total=lambda total: (run.set_total(total), run.progress(0, cursor={"prepared": True})),
            progress=run.progress,
            job_id=run.job.pk,
            base_url=p.get("base_url") or None,
        )
        with open(tmp.name, "rb") as fh:
            run.save_file(f"letters-{p['year']}-{run.job.pk}.{fmt}", File(fh))
    return result
