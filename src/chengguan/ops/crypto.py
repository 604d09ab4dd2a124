"""Encryption of backup parts with a key the operator keeps (backups hold personal data, PIPL).

Each part is encrypted as a stream of 1 MiB chunks with AES-256-GCM (the `cryptography` package):
the part's key is derived from the operator's key and a random salt (HKDF-SHA256), each chunk's nonce
is its number plus a "last chunk" flag, and the header is authenticated with every chunk. So a part
can be as large as the database without being held in memory, and a chunk changed, reordered,
dropped or cut off at the end fails to decrypt instead of restoring something else (the STREAM
construction of Hoang, Reyhanitabar, Rogaway and Vizár).

Layout: b"CGBAK1\\n" · 16-byte salt · for each chunk: 4-byte big-endian length · ciphertext+tag.
The key file holds 32 random bytes in base64 on one line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CGBAK1\n"
SALT_BYTES = 16
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")


class BackupKeyError(Exception):
    """The key is missing, malformed or not the one the backup was made with."""


def create_key(path: Path) -> bytes:
    """Write a new random key to `path` (mode 0600) and return it; refuses to overwrite a key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(key).decode() + "\n")
    return key


def load_key(path: Path) -> bytes:
    try:
        key = base64.b64decode(path.read_text().strip(), validate=True)
    except FileNotFoundError as exc:
        raise BackupKeyError(f"backup key file {path} does not exist") from exc
    except ValueError as exc:
        raise BackupKeyError(f"backup key file {path} is not base64") from exc
    if len(key) != 32:
        raise BackupKeyError(f"backup key file {path} must hold 32 bytes, it holds {len(key)}")
    return key


def _derive(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def manifest_mac(key: bytes, payload: bytes) -> str:
    """The manifest's HMAC: a manifest edited (or made with another key) is refused at restore."""
    return hmac.new(
        _derive(key, b"manifest", b"chengguan-backup manifest"), payload, hashlib.sha256
    ).hexdigest()


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object: what is written to it goes encrypted to `sink`. Call `close()`."""

    def __init__(self, sink: BinaryIO, key: bytes):
        salt = os.urandom(SALT_BYTES)
        self._sink = sink
        self._aead = AESGCM(_derive(key, salt, b"chengguan-backup part"))
        self._header = MAGIC + salt
        self._buffer = bytearray()
        self._counter = 0
        self.plain_sha256 = hashlib.sha256()
        self.plain_bytes = 0
        self.closed = False
        sink.write(self._header)

    def write(self, data: bytes) -> int:
        self.plain_sha256.update(data)
        self.plain_bytes += len(data)
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), chunk, self._header)
        self._sink.write(_LENGTH.pack(len(sealed)) + sealed)
        self._counter += 1

    def flush(self) -> None:
        self._sink.flush()

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._sink.flush()
            self.closed = True

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def decrypt_chunks(source: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plaintext of an encrypted part, chunk by chunk; raises BackupKeyError on any tampering."""
    header = source.read(len(MAGIC) + SALT_BYTES)
    if not header.startswith(MAGIC) or len(header) != len(MAGIC) + SALT_BYTES:
        raise BackupKeyError("not a chengguan backup part")
    aead = AESGCM(_derive(key, header[len(MAGIC) :], b"chengguan-backup part"))
    counter = 0
    while True:
        raw = source.read(_LENGTH.size)
        if len(raw) != _LENGTH.size:
            raise BackupKeyError("the part ends before its last chunk (truncated)")
        sealed = source.read(_LENGTH.unpack(raw)[0])
        for last in (False, True):
            try:
                chunk = aead.decrypt(_nonce(counter, last), sealed, header)
            except InvalidTag:
                continue
            break
        else:
            raise BackupKeyError("a chunk does not decrypt: wrong key, or the part was altered")
        yield chunk
        if last:
            if source.read(1):
                raise BackupKeyError("data after the last chunk")
            return
        counter += 1


class DecryptingReader:
    """A read-only file object over an encrypted part (what `tarfile.open(mode="r|")` needs)."""

    def __init__(self, source: BinaryIO, key: bytes):
        self._chunks = decrypt_chunks(source, key)
        self._chunk = b""
        self._at = 0
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size >= 0 else None
        while wanted is None or wanted > 0:
            if self._at >= len(self._chunk):
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self.sha256.update(chunk)
                self._chunk, self._at = chunk, 0
            end = len(self._chunk) if wanted is None else min(len(self._chunk), self._at + wanted)
            parts.append(self._chunk[self._at : end])
            if wanted is not None:
                wanted -= end - self._at
            self._at = end
        return b"".join(parts)
