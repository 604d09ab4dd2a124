"""The pitch draw, as a rule anyone can re-run: no database, no randomness but the seed.

Each application is ranked by SHA-256 of the seed followed by its application number (both as
UTF-8 text, hex digest compared as text); hardship applicants (the priority group) come first, then
the rest, each group in hash order. The first `pitches` applicants get pitches 1, 2, … in that order;
the others form the waiting list in the same order."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass


def new_seed() -> str:
    """256 random bits as hex: made when the draw is announced, revealed only at the draw."""
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    """What is published when the draw is announced: SHA-256 of the seed."""
    return hashlib.sha256(seed.encode()).hexdigest()


def rank_hash(seed: str, number: str) -> str:
    """SHA-256(seed ‖ application number)."""
    return hashlib.sha256((seed + number).encode()).hexdigest()


@dataclass(frozen=True)
class Placed:
    number: str
    priority: bool
    rank: int  # 1 = first
    hash: str
    pitch: int | None  # None: on the waiting list
    waiting: int | None  # position on the waiting list (1 = its head)


def draw(seed: str, applicants: list[tuple[str, bool]], pitches: int) -> list[Placed]:
    """`applicants` are (application number, priority) pairs; the result is in rank order."""
    keyed = sorted(
        ((not priority, rank_hash(seed, number), number, priority) for number, priority in applicants)
    )
    out = []
    for index, (_group, digest, number, priority) in enumerate(keyed, start=1):
        pitch = index if index <= pitches else None
        waiting = None if pitch else index - pitches
        out.append(Placed(number, priority, index, digest, pitch, waiting))
    return out
