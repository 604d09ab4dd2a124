"""What the scheduler keeps: one row per run of a scheduled job, and one lease per job."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    DONE = "done", _("成功")
    FAILED = "failed", _("失败")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("定时")
    MANUAL = "manual", _("手动")


class ScheduledRun(models.Model):
    """One run of a scheduled job: when it started and ended, what it did, or why it failed.

    A scheduled run belongs to its slot (the moment it was due), and a slot has one row: a failed run
    is retried in the same row (`attempts`), and a second process never starts the slot again."""

    job = models.CharField(_("任务"), max_length=60, db_index=True)
    slot = models.DateTimeField(_("计划时间"), null=True, blank=True)
    trigger = models.CharField(_("触发方式"), max_length=8, choices=RunTrigger.choices)
    status = models.CharField(_("状态"), max_length=8, choices=RunStatus.choices, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    host = models.CharField(_("运行进程"), max_length=120, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_slot")]
        indexes = [models.Index(fields=["job", "-started_at"])]
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")

    def __str__(self) -> str:
        return f"{self.job} {self.slot or self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def duration(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class JobLease(models.Model):
    """Who runs a job now. Taken with one conditional UPDATE (free, or expired), so of all the gunicorn
    workers, Celery workers and servers that try at the same moment exactly one gets it."""

    job = models.CharField(max_length=60, primary_key=True)
    holder = models.CharField(max_length=120, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("任务租约")
        verbose_name_plural = _("任务租约")

    def __str__(self) -> str:
        return f"{self.job}: {self.holder or '-'}"
