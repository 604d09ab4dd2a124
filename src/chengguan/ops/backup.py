"""`chengguan backup DIR` and `chengguan restore DIR`: a whole installation in one encrypted set.

A backup set is a directory `DIR/YYYYmmdd-HHMMSS/` holding
- `database.sqlite3.enc` (SQLite's online backup API: a consistent copy while the server runs) or
  `database.pgdump.enc` (`pg_dump -Fc` inside an exported snapshot, the same snapshot the row counts
  are taken in);
- `media.tar.enc`: every uploaded file (evidence, documents, photos, signatures, job results) when
  they are on the local disk; with an S3-compatible bucket (`CHENGGUAN_MEDIA_S3_BUCKET`) the part is
  empty and the manifest names the bucket, which the storage's own versioning and replication keep;
- `files.tar.enc`: the operator's files in the data directory (the holiday table, the generated
  secret key) and the audit checkpoints, when there are any;
- `manifest.json`: the row count of every table, the SHA-256 and size of every part and of every
  media file, the audit chain's length and head, and an HMAC over all of it.
Every part is encrypted with the operator's backup key (`ops/crypto.py`); the key is never in the
set, and neither is the audit checkpoint key: a restore brings back the checkpoints, which are then
checked against the key kept outside, so a restored (or rewritten) chain cannot bless itself.

The set is written under `.partial-…` and renamed when complete, so a set that exists is whole.
`restore` refuses an installation that holds data, decrypts and checks every part against the
manifest, and then verifies what it restored: the same row counts, the same files by hash, and an
intact audit chain.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, connections

from chengguan.core import audit, clock
from chengguan.ops import crypto

FORMAT = "chengguan-backup/1"
SET_NAME = re.compile(r"^\d{8}-\d{6}$")
# Tables `migrate` fills by itself: an installation with rows only there is still empty.
SEEDED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission", "org_role"})
# Media that is not the bureau's data.
MEDIA_SKIP = frozenset({"healthz"})


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# ---------------------------------------------------------------- helpers


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _canonical(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "mac"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def key_path() -> Path:
    return Path(settings.CHENGGUAN_BACKUP_KEY_FILE)


def get_or_create_key() -> tuple[bytes, bool]:
    """The backup key, created on first use (then the operator must copy it off the machine)."""
    path = key_path()
    if path.exists():
        return crypto.load_key(path), False
    return crypto.create_key(path), True


def media_on_disk() -> bool:
    """Uploads are files under MEDIA_ROOT (else in a bucket the backup does not copy)."""
    return isinstance(storages["default"], FileSystemStorage)


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel.split("/", 1)[0] not in MEDIA_SKIP:
            yield path, rel


def _never_backed_up() -> set[Path]:
    """Keys that must not travel with the data: the backup key and the audit checkpoint key."""
    paths = {key_path().resolve()}
    checkpoint_key = getattr(settings, "AUDIT_CHECKPOINT_KEY_FILE", None)
    if checkpoint_key:
        paths.add(Path(checkpoint_key).resolve())
    return paths


def _operator_files() -> list[tuple[Path, str]]:
    """Files the installation needs besides its database and media: the files at the top of the data
    directory (the holiday table, a generated secret key), its `keys/` other than the two above, the
    holiday table when it lives elsewhere, and the audit checkpoints."""
    data = Path(settings.DATA_DIR)
    database = Path(str(settings.DATABASES["default"].get("NAME", ""))).name
    skip = {database, f"{database}-wal", f"{database}-shm", f"{database}-journal"}
    excluded = _never_backed_up()
    found: dict[Path, str] = {}
    for path in sorted(data.glob("*")):
        if path.is_file() and path.name not in skip and not path.name.startswith("test"):
            found[path.resolve()] = f"data/{path.name}"
    for path in sorted((data / "keys").glob("*")):
        if path.is_file() and path.resolve() not in excluded and "checkpoint" not in path.name:
            found[path.resolve()] = f"data/keys/{path.name}"
    holidays = Path(settings.HOLIDAYS_FILE)
    if holidays.is_file():
        found.setdefault(holidays.resolve(), f"holidays/{holidays.name}")
    for path in _checkpoint_files():
        found[path.resolve()] = f"audit-checkpoints/{path.name}"
    return [(path, name) for path, name in found.items()]


def _checkpoint_files() -> list[Path]:
    """The audit checkpoint files kept outside the database, if this installation writes them."""
    configured = getattr(settings, "AUDIT_CHECKPOINT_FILE", None) or getattr(
        settings, "AUDIT_CHECKPOINT_DIR", None
    )
    if not configured:
        return []
    path = Path(configured)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path] if path.exists() else []


# ---------------------------------------------------------------- backup


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    key_created: bool = False


def _tables_sqlite(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _backup_sqlite(out_dir: Path, key: bytes) -> tuple[dict, dict[str, int], dict]:
    source_path = Path(settings.DATABASES["default"]["NAME"])
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".backup-") as tmp:
        copy_path = Path(tmp) / "copy.sqlite3"
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(copy_path)
        try:
            source.backup(target)  # SQLite's online backup: a consistent copy while others write
            target.execute("PRAGMA journal_mode=DELETE")
            counts = _tables_sqlite(target)
            head = target.execute("SELECT last_hash, count FROM core_auditchainhead WHERE id = 1").fetchone()
        finally:
            target.close()
            source.close()
        part = _encrypt_file(copy_path, out_dir / "database.sqlite3.enc", key)
    return part, counts, {"head": head[0] if head else None, "count": head[1] if head else 0}


def _pg_args(db: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _backup_postgres(out_dir: Path, key: bytes) -> tuple[dict, dict[str, int], dict]:
    """pg_dump and the row counts read the same exported snapshot, so they agree to the row."""
    import psycopg
    from psycopg import sql

    db = settings.DATABASES["default"]
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=str(db["PORT"]) if db.get("PORT") else None,
    )
    with psycopg.connect(conninfo) as pg:
        pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()[0]
        names = [
            r[0]
            for r in pg.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
        ]
        counts = {
            name: pg.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]
            for name in names
        }
        head = pg.execute("SELECT last_hash, count FROM core_auditchainhead WHERE id = 1").fetchone()
        args, env = _pg_args(db)
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
        command += [*args, "--dbname", db["NAME"]]
        target = out_dir / "database.pgdump.enc"
        with target.open("wb") as sink, crypto.EncryptingWriter(sink, key) as writer:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for block in iter(lambda: process.stdout.read(1024 * 1024), b""):
                writer.write(block)
            stderr = process.stderr.read().decode(errors="replace")
            if process.wait() != 0:
                raise BackupError(f"pg_dump failed: {stderr.strip()}")
        pg.rollback()
    part = _part_entry(target, writer)
    return part, counts, {"head": head[0] if head else None, "count": head[1] if head else 0}


def _part_entry(path: Path, writer: crypto.EncryptingWriter) -> dict:
    return {
        "file": path.name,
        "sha256": writer.plain_sha256.hexdigest(),
        "bytes": writer.plain_bytes,
        "encrypted_sha256": _sha256_file(path),
    }


def _encrypt_file(source: Path, target: Path, key: bytes) -> dict:
    with source.open("rb") as src, target.open("wb") as sink, crypto.EncryptingWriter(sink, key) as writer:
        for block in iter(lambda: src.read(1024 * 1024), b""):
            writer.write(block)
    return _part_entry(target, writer)


def _tar_part(target: Path, key: bytes, members: list[tuple[Path, str]]) -> tuple[dict, list[dict]]:
    """A tar of `members` (path, name in the archive), encrypted as it is written."""
    listed = []
    with (
        target.open("wb") as sink,
        crypto.EncryptingWriter(sink, key) as writer,
        tarfile.open(fileobj=writer, mode="w|") as tar,
    ):
        for path, name in members:
            digest = _sha256_file(path)
            info = tar.gettarinfo(str(path), arcname=name)
            with path.open("rb") as fh:
                tar.addfile(info, fh)
            listed.append({"path": name, "sha256": digest, "bytes": info.size})
    return _part_entry(target, writer), listed


def backup(target_dir: Path | str) -> BackupResult:
    """Write a backup set into `target_dir` and return its path and manifest."""
    engine = _engine()
    key, key_created = get_or_create_key()
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    started = clock.now()
    name = started.astimezone(clock.SHANGHAI).strftime("%Y%m%d-%H%M%S")
    if (target_dir / name).exists():
        raise BackupError(f"a backup set named {name} exists already in {target_dir}")
    partial = target_dir / f".partial-{name}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        if engine == "sqlite":
            db_part, counts, chain = _backup_sqlite(partial, key)
        else:
            db_part, counts, chain = _backup_postgres(partial, key)
        # Media after the database: every file a row of the snapshot names exists by now.
        on_disk = list(_media_files(Path(settings.MEDIA_ROOT))) if media_on_disk() else []
        media_part, media = _tar_part(partial / "media.tar.enc", key, on_disk)
        files_part, files = _tar_part(partial / "files.tar.enc", key, _operator_files())
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": started.isoformat(),
            "finished_at": clock.now().isoformat(),
            "engine": engine,
            "tables": counts,
            "audit_chain": chain,
            "parts": {"database": db_part, "media": media_part, "files": files_part},
            "media": media,
            "media_storage": "disk" if media_on_disk() else f"s3://{settings.MEDIA_S3_BUCKET}",
            "files": files,
        }
        manifest["mac"] = crypto.manifest_mac(key, _canonical(manifest))
        (partial / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.rename(target_dir / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(target_dir / name, manifest, key_created)


def prune(target_dir: Path | str, keep: int) -> list[Path]:
    """Delete the oldest complete sets beyond the newest `keep`, and partial sets older than a day."""
    target_dir = Path(target_dir)
    complete = sorted(
        p for p in target_dir.iterdir() if SET_NAME.match(p.name) and (p / "manifest.json").exists()
    )
    removed = complete[: max(0, len(complete) - keep)]
    stale = clock.now().timestamp() - 86400
    removed += [p for p in target_dir.glob(".partial-*") if p.stat().st_mtime < stale]
    for path in removed:
        shutil.rmtree(path)
    return removed


# ---------------------------------------------------------------- restore


@dataclass
class RestoreReport:
    path: Path
    tables_checked: int = 0
    files_checked: int = 0
    audit_events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def find_set(source: Path | str) -> Path:
    """`source` itself when it is a set, else its newest complete set."""
    source = Path(source)
    if (source / "manifest.json").exists():
        return source
    sets = (
        sorted(p for p in source.iterdir() if SET_NAME.match(p.name) and (p / "manifest.json").exists())
        if source.is_dir()
        else []
    )
    if not sets:
        raise BackupError(f"no backup set in {source} (a set is a directory with a manifest.json)")
    return sets[-1]


def read_manifest(set_dir: Path, key: bytes) -> dict:
    manifest = json.loads((set_dir / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{set_dir} is not a {FORMAT} set")
    if not crypto.hmac.compare_digest(
        manifest.get("mac", ""), crypto.manifest_mac(key, _canonical(manifest))
    ):
        raise BackupError("the manifest does not match this key: wrong key file, or the manifest was edited")
    return manifest


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def _check_empty() -> None:
    with_data = {name: n for name, n in table_counts().items() if n and name not in SEEDED_BY_MIGRATE}
    if with_data:
        sample = ", ".join(f"{name} ({n})" for name, n in sorted(with_data.items())[:5])
        raise BackupError(f"this installation holds data ({sample}): restore only into an empty database")
    media = Path(settings.MEDIA_ROOT)
    if media_on_disk() and any(True for _ in _media_files(media)):
        raise BackupError(f"{media} holds files: restore only into an empty media directory")


def _decrypt_to(part: Path, target: Path, key: bytes, expected: dict) -> None:
    digest = hashlib.sha256()
    with part.open("rb") as src, target.open("wb") as out:
        for chunk in crypto.decrypt_chunks(src, key):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected["sha256"]:
        raise BackupError(f"{part.name} does not match the manifest's SHA-256")


def _restore_sqlite(set_dir: Path, manifest: dict, key: bytes) -> None:
    db_path = Path(settings.DATABASES["default"]["NAME"])
    tmp = db_path.with_name(db_path.name + ".restoring")
    _decrypt_to(set_dir / manifest["parts"]["database"]["file"], tmp, key, manifest["parts"]["database"])
    connections.close_all()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_path)


def _restore_postgres(set_dir: Path, manifest: dict, key: bytes) -> None:
    db = settings.DATABASES["default"]
    connections.close_all()
    args, env = _pg_args(db)
    # --clean drops what `migrate` may have created in the empty database before restoring.
    command = ["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--exit-on-error"]
    command += [*args, "--dbname", db["NAME"]]
    part = manifest["parts"]["database"]
    digest = hashlib.sha256()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        with (set_dir / part["file"]).open("rb") as src:
            for chunk in crypto.decrypt_chunks(src, key):
                digest.update(chunk)
                process.stdin.write(chunk)
        process.stdin.close()
    except BrokenPipeError:
        pass
    stderr = process.stderr.read().decode(errors="replace")
    if process.wait() != 0:
        raise BackupError(f"pg_restore failed: {stderr.strip()}")
    if digest.hexdigest() != part["sha256"]:
        raise BackupError("the database part does not match the manifest's SHA-256")


def restore(source: Path | str, *, key_file: Path | str | None = None) -> RestoreReport:
    """Restore the set at `source` (or its newest set) into this empty installation and verify it."""
    engine = _engine()
    key = crypto.load_key(Path(key_file) if key_file else key_path())
    set_dir = find_set(source)
    manifest = read_manifest(set_dir, key)
    if manifest["engine"] != engine:
        raise BackupError(f"the set holds a {manifest['engine']} database; this installation uses {engine}")
    for entry in manifest["parts"].values():
        if _sha256_file(set_dir / entry["file"]) != entry["encrypted_sha256"]:
            raise BackupError(f"{entry['file']} is damaged (its SHA-256 differs from the manifest)")
    _check_empty()
    if engine == "sqlite":
        _restore_sqlite(set_dir, manifest, key)
    else:
        _restore_postgres(set_dir, manifest, key)
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    _extract_media(set_dir, manifest["parts"]["media"], media, key)
    _extract_files(set_dir, manifest["parts"]["files"], key)
    return verify(set_dir, manifest)


def _extract_media(set_dir: Path, part: dict, media: Path, key: bytes) -> None:
    _extract_all(set_dir, part, key, lambda name: media / name)


def _extract_files(set_dir: Path, part: dict, key: bytes) -> None:
    data = Path(settings.DATA_DIR)
    holidays = Path(settings.HOLIDAYS_FILE)
    checkpoints = _checkpoint_files()
    checkpoint_dir = (
        checkpoints[0].parent
        if checkpoints
        else Path(getattr(settings, "AUDIT_CHECKPOINT_DIR", "") or data / "audit")
    )

    def place(name: str) -> Path | None:
        top, _, rest = name.partition("/")
        if top == "data":
            return data / rest
        if top == "holidays":
            return holidays
        if top == "audit-checkpoints":
            return checkpoint_dir / rest
        return None

    _extract_all(set_dir, part, key, place)


def _extract_all(set_dir: Path, part: dict, key: bytes, place) -> None:
    """Unpack a tar part, each regular file to `place(name)` (None: skipped), refusing any name that
    climbs out of its directory."""
    with (set_dir / part["file"]).open("rb") as src:
        reader = crypto.DecryptingReader(src, key)
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                if not member.isfile() or member.name.startswith("/") or ".." in member.name.split("/"):
                    continue
                target = place(member.name)
                if target is None:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                with target.open("wb") as out:
                    shutil.copyfileobj(source, out)
                os.chmod(target, member.mode & 0o777)
        reader.read()
    if reader.sha256.hexdigest() != part["sha256"]:
        raise BackupError(f"{part['file']} does not match the manifest's SHA-256")


def verify(set_dir: Path, manifest: dict) -> RestoreReport:
    """Compare this installation with the manifest: row counts, media files by hash, audit chain."""
    report = RestoreReport(set_dir)
    counts = table_counts()
    for table, expected in sorted(manifest["tables"].items()):
        report.tables_checked += 1
        if counts.get(table) != expected:
            report.problems.append(f"table {table}: {counts.get(table)} rows, the backup had {expected}")
    media = Path(settings.MEDIA_ROOT)
    for entry in manifest["media"]:
        report.files_checked += 1
        path = media / entry["path"]
        if not path.exists():
            report.problems.append(f"media file {entry['path']} is missing")
        elif _sha256_file(path) != entry["sha256"]:
            report.problems.append(f"media file {entry['path']} differs from the backup")
    chain = audit.verify_chain()
    report.audit_events = chain.count
    if not chain.ok:
        report.problems.append(f"audit chain broken at event {chain.broken_id}: {chain.reason}")
    elif chain.count != manifest["audit_chain"]["count"]:
        report.problems.append(
            f"audit chain has {chain.count} events, the backup had {manifest['audit_chain']['count']}"
        )
    return report
