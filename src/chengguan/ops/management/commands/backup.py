"""`chengguan backup DIR`: write an encrypted backup set into DIR (see `chengguan.ops.backup`)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chengguan.ops import backup, crypto
from chengguan.ops.crypto import BackupKeyError


class Command(BaseCommand):
    help = "Back up the database, media files, operator files and audit checkpoints into DIR (encrypted)."

    def add_arguments(self, parser):
        parser.add_argument("dir", nargs="?", help="the directory that receives the backup set")
        parser.add_argument(
            "--create-key",
            action="store_true",
            help="only create the backup key at CHENGGUAN_BACKUP_KEY_FILE (refuses to replace one)",
        )
        parser.add_argument(
            "--keep", type=int, default=None, help="afterwards keep only the newest N sets in DIR"
        )

    def handle(self, *args, dir: str | None, keep: int | None, create_key: bool, **options):
        if create_key:
            path = backup.key_path()
            try:
                crypto.create_key(path)
            except FileExistsError as exc:
                raise CommandError(f"{path} exists already; a backup key is never replaced") from exc
            self.stdout.write(
                f"Created {path}. Copy it off this machine: without it no backup can be restored."
            )
            return
        if not dir:
            raise CommandError("give the directory that receives the backup set")
        try:
            result = backup.backup(dir)
        except (backup.BackupError, BackupKeyError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        if result.key_created:
            self.stderr.write(
                f"Created the backup key {backup.key_path()} — copy it off this machine now: "
                "without it no backup can be restored."
            )
        size = sum(p["bytes"] for p in manifest["parts"].values())
        self.stdout.write(
            f"{result.path}\n  {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows, {len(manifest['media'])} media files, "
            f"{manifest['audit_chain']['count']} audit events, {size / 2**20:.1f} MB before encryption"
        )
        if keep is not None or settings.CHENGGUAN_BACKUP_DIR:
            removed = backup.prune(dir, keep if keep is not None else settings.CHENGGUAN_BACKUP_KEEP)
            for path in removed:
                self.stdout.write(f"  removed old set {path.name}")
