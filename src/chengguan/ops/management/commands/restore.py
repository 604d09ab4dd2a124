"""`chengguan restore DIR`: restore a backup set into this empty installation and verify it."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from chengguan.ops import backup
from chengguan.ops.crypto import BackupKeyError


class Command(BaseCommand):
    help = (
        "Restore a backup set (DIR, or the newest set in DIR) into an empty installation, then check the "
        "row counts, the media files by hash and the audit chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a backup set, or a directory of sets (the newest is used)")
        parser.add_argument("--key-file", help="the backup key (default CHENGGUAN_BACKUP_KEY_FILE)")

    def handle(self, *args, dir: str, key_file: str | None, **options):
        try:
            report = backup.restore(dir, key_file=key_file)
        except (backup.BackupError, BackupKeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {report.path}\n  {report.tables_checked} tables, {report.files_checked} media files, "
            f"{report.audit_events} audit events checked"
        )
        if report.ok:
            self.stdout.write("OK: the same row counts, the same files by hash, the audit chain intact")
            return
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
        sys.exit(1)
