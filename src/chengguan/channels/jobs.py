"""The work-order import as a background job (`core.jobs`), with progress and resume."""

from __future__ import annotations

from chengguan.channels import importer
from chengguan.core import jobs
from chengguan.core.jobs import JobRun

IMPORT_KIND = "channels.import"


@jobs.handler(IMPORT_KIND)
def run_import(run: JobRun) -> dict:
    """params: {"file": storage name, "filename": original name}."""
    with run.uploaded_file() as path:
        run.set_total(importer.count_rows(path))
        report = importer.import_work_orders(
            actor=run.job.created_by,
            path=path,
            progress=lambda done, cursor: run.progress(done, cursor=cursor),
            resume=run.cursor,
        )
    result = report.as_dict()
    run.save_file(f"work-order-import-{run.job.pk}.csv", importer.report_csv(result))
    return result
