"""Backup → wipe → restore on the database the suite runs on (SQLite, or PostgreSQL under
`make test-pg`): a `small` demo comes back with the same row counts, the same files by hash and an
intact audit chain; a wrong key, a damaged part and an installation that holds data are refused.
The encryption itself: a part decrypts only whole, in order and with its key."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from chengguan.ops import crypto

CLI = [sys.executable, "-m", "chengguan"]


# ---------------------------------------------------------------- the encryption


def encrypt(data: bytes, key: bytes) -> bytes:
    sink = io.BytesIO()
    with crypto.EncryptingWriter(sink, key) as writer:
        for start in range(0, len(data), 300_000):
            writer.write(data[start : start + 300_000])
    return sink.getvalue()


def decrypt(blob: bytes, key: bytes) -> bytes:
    return b"".join(crypto.decrypt_chunks(io.BytesIO(blob), key))


@pytest.mark.parametrize("size", [0, 1, crypto.CHUNK, crypto.CHUNK * 2 + 17])
def test_a_part_round_trips_at_any_size(size):
    key = os.urandom(32)
    data = os.urandom(size)
    blob = encrypt(data, key)
    assert decrypt(blob, key) == data
    # Long enough that finding it in the ciphertext by chance is impossible.
    assert size < 16 or data[:64] not in blob
    reader = crypto.DecryptingReader(io.BytesIO(blob), key)
    assert b"".join(iter(lambda: reader.read(4096), b"")) == data


def test_a_part_is_refused_with_another_key_cut_short_or_reordered():
    key = os.urandom(32)
    blob = encrypt(os.urandom(crypto.CHUNK * 2 + 5), key)
    with pytest.raises(crypto.BackupKeyError):
        decrypt(blob, os.urandom(32))
    with pytest.raises(crypto.BackupKeyError):
        decrypt(blob[: len(blob) - 40], key)
    header = len(crypto.MAGIC) + crypto.SALT_BYTES
    chunk = 4 + crypto.CHUNK + 16
    first, second = blob[header : header + chunk], blob[header + chunk : header + 2 * chunk]
    with pytest.raises(crypto.BackupKeyError):
        decrypt(blob[:header] + second + first + blob[header + 2 * chunk :], key)
    with pytest.raises(crypto.BackupKeyError):  # the whole last chunk dropped
        decrypt(blob[: header + 2 * chunk], key)


def test_the_key_file_is_private_and_never_overwritten(tmp_path):
    path = tmp_path / "keys" / "backup.key"
    key = crypto.create_key(path)
    assert crypto.load_key(path) == key and path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        crypto.create_key(path)


# ---------------------------------------------------------------- the drill


class Installation:
    """One installation driven through the `chengguan` command, as an operator would."""

    def __init__(self, data: Path, database_url: str | None):
        self.data = data
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
        self.env["CHENGGUAN_DATA_DIR"] = str(data)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.database_url = database_url

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*CLI, *args], env=self.env, capture_output=True, text=True, timeout=600)
        if check and done.returncode != 0:
            pytest.fail(f"chengguan {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def counts(self) -> dict[str, int]:
        if self.database_url is None:
            with sqlite3.connect(self.data / "chengguan.sqlite3") as db:
                names = [
                    r[0]
                    for r in db.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
        import psycopg

        with psycopg.connect(self.database_url) as db:
            names = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}

    def scalar(self, sql: str) -> int:
        if self.database_url is None:
            with sqlite3.connect(self.data / "chengguan.sqlite3") as db:
                return db.execute(sql).fetchone()[0]
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return db.execute(sql).fetchone()[0]

    def media(self) -> dict[str, str]:
        root = self.data / "media"
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    def wipe(self) -> None:
        """Lose the database and every file of the data directory (the key is kept elsewhere)."""
        if self.database_url is None:
            for path in self.data.glob("chengguan.sqlite3*"):
                path.unlink()
        else:
            recreate_database(self.database_url)
        shutil.rmtree(self.data / "media")
        (self.data / "holidays.yaml").unlink()


def _admin_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/postgres")), parsed.path.lstrip("/")


def recreate_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture
def installation(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    database_url = None
    if url.startswith("postgres"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        _, base_name = _admin_url(url)
        database_url = urlunparse(urlparse(url)._replace(path=f"/{base_name}_restore_{worker}"))
        recreate_database(database_url)
    data = tmp_path / "data"
    data.mkdir()
    # An operator file the restore must bring back (a year the calendar package does not know).
    (data / "holidays.yaml").write_text(
        "years:\n  2099:\n    holidays:\n      - {name: 元旦, date: 2099-01-01}\n"
    )
    yield Installation(data, database_url)
    if database_url:
        import psycopg

        admin, name = _admin_url(database_url)
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_wipe_restore_gives_the_same_rows_files_and_audit_chain(installation, tmp_path):
    site = installation
    site.run("migrate", "-v0")
    site.run("demo", "--size", "small", "--cases", "120")
    before_counts, before_media = site.counts(), site.media()
    before_chain = site.run("verify-audit").stdout.strip()
    # The year's 120 cases and those the demo's joint operations filed (campaigns).
    filed = site.scalar("SELECT COUNT(*) FROM campaigns_campaigncase WHERE operation_id IS NOT NULL")
    assert before_counts["cases_case"] == 120 + filed
    assert len(before_media) > 10 and before_chain.startswith("OK ")

    key_file = tmp_path / "operator" / "backup.key"  # the operator keeps the key off the data disk
    site.env["CHENGGUAN_BACKUP_KEY_FILE"] = str(key_file)
    backups = tmp_path / "backups"
    made = site.run("backup", str(backups))
    assert "copy it off this machine" in made.stderr and key_file.exists()
    (set_dir,) = [p for p in backups.iterdir() if not p.name.startswith(".")]
    assert sorted(p.name for p in set_dir.iterdir()) == [
        "database.pgdump.enc" if site.database_url else "database.sqlite3.enc",
        "files.tar.enc",
        "manifest.json",
        "media.tar.enc",
    ]
    # Nothing readable in the set: no demo name, no evidence bytes.
    database_part = next(set_dir.glob("database.*"))
    assert "中原区".encode() not in database_part.read_bytes()

    site.wipe()
    site.run("migrate", "-v0")  # an operator who migrates the new, empty installation first

    wrong = tmp_path / "wrong.key"
    crypto.create_key(wrong)
    refused = site.run("restore", str(backups), "--key-file", str(wrong), check=False)
    assert refused.returncode != 0 and "wrong key" in refused.stderr

    damaged = tmp_path / "damaged"
    shutil.copytree(set_dir, damaged)
    media_part = damaged / "media.tar.enc"
    raw = bytearray(media_part.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    media_part.write_bytes(bytes(raw))
    refused = site.run("restore", str(damaged), check=False)
    assert refused.returncode != 0 and "damaged" in refused.stderr

    restored = site.run("restore", str(backups))
    assert "OK: the same row counts" in restored.stdout
    assert site.counts() == before_counts
    assert site.media() == before_media
    assert site.run("verify-audit").stdout.strip() == before_chain
    assert "2099-01-01" in (site.data / "holidays.yaml").read_text()
    assert "元旦" in site.run("calendar", "2099").stdout

    again = site.run("restore", str(backups), check=False)
    assert again.returncode != 0 and "holds data" in again.stderr


def test_retention_keeps_the_newest_sets(tmp_path):
    from chengguan.ops import backup

    backups = tmp_path / "backups"
    for name in ("20261128-020000", "20261129-020000", "20261130-020000", "20261201-020000"):
        (backups / name).mkdir(parents=True)
        (backups / name / "manifest.json").write_text("{}")
    (backups / "20261202-020000").mkdir()  # no manifest: not a complete set, never counted
    removed = backup.prune(backups, keep=2)
    assert sorted(p.name for p in removed) == ["20261128-020000", "20261129-020000"]
    assert sorted(p.name for p in backups.iterdir()) == [
        "20261130-020000",
        "20261201-020000",
        "20261202-020000",
    ]
