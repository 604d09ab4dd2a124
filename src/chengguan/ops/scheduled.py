"""The operations app's scheduled jobs: the nightly backup and the hourly audit anchor; and the
notice to administrators when any scheduled job fails."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chengguan.core import audit, schedule
from chengguan.notifications.services import notify
from chengguan.ops import backup, scheduler
from chengguan.org.permissions import ADMINISTRATORS
from chengguan.org.system import system_actor

log = logging.getLogger("chengguan.jobs")


@schedule.job(
    "ops.backup",
    label=_("夜间备份"),
    daily_at=settings.CHENGGUAN_BACKUP_AT,
    timeout=dt.timedelta(hours=6),
)
def backup_job(now: dt.datetime) -> dict:
    """A backup set into CHENGGUAN_BACKUP_DIR, then the sets beyond CHENGGUAN_BACKUP_KEEP removed."""
    target = settings.CHENGGUAN_BACKUP_DIR
    if not target:
        return {"skipped": "CHENGGUAN_BACKUP_DIR is not set"}
    result = backup.backup(target)
    if result.key_created:
        log.warning("created the backup key %s: keep a copy off this machine", backup.key_path())
    removed = backup.prune(target, settings.CHENGGUAN_BACKUP_KEEP)
    return {
        "set": result.path.name,
        "tables": len(result.manifest["tables"]),
        "media_files": len(result.manifest["media"]),
        "bytes": sum(p["bytes"] for p in result.manifest["parts"].values()),
        "removed": [p.name for p in removed],
    }


@schedule.job("core.audit_anchor", label=_("审计链锚定"), every=dt.timedelta(hours=1))
def audit_anchor_job(now: dt.datetime) -> dict:
    """Hourly: verify the chain against its checkpoints, so a break fails the run and the
    administrators are told within the hour, and anchor the intact chain with a new checkpoint."""
    report = audit.verify_chain()
    if not report.ok:
        raise RuntimeError(f"audit chain broken at event {report.broken_id}: {report.reason}")
    written = audit.checkpoint(report)
    return {"events": report.count, "checkpoint": str(written) if written is not None else None}


def _tell_admins(job: schedule.ScheduledJob, run) -> None:
    admins = (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(profile__roles__code__in=ADMINISTRATORS), is_active=True)
        .distinct()
    )
    try:
        notify(
            recipients=admins,
            message="job.failed",
            key=f"job-run:{run.pk}",
            params={"job": job.name, "error": run.error[:120]},
            url=reverse("admin:ops_scheduledrun_change", args=[run.pk]),
            obj=("ops.scheduledrun", run.pk),
            actor=system_actor(),
        )
    except Exception:  # the failure is recorded on the run whatever happens here
        log.exception("could not tell the administrators that %s failed", job.name)


scheduler.failure_listeners.append(_tell_admins)
