"""Per-day id index: finding one consent among years of days without decompressing them.

A day's ``.idx`` file holds one 12-byte entry per line of its day file: the first 8 bytes of
SHA-256(consent id), then the line's position (uint32, big-endian), sorted by (key, position).
A lookup binary-searches it with a few small reads, so looking an id up costs about
``days * log2(records per day)`` reads of 12 bytes, and decompresses only the day that holds it.
Erasure keeps each line's id and position, so the index never changes after the day is written.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import struct
from collections.abc import Sequence
from pathlib import Path

ENTRY = struct.Struct(">8sI")


def index_key(consent_id: str) -> bytes:
    return hashlib.sha256(consent_id.encode()).digest()[:8]


def build_index(ids: Sequence[str]) -> bytes:
    entries = sorted((index_key(consent_id), position) for position, consent_id in enumerate(ids))
    return b"".join(ENTRY.pack(key, position) for key, position in entries)


class _Entries(Sequence[tuple[bytes, int]]):
    """An index file seen as a sorted sequence, read entry by entry (for :mod:`bisect`)."""

    def __init__(self, fd: int) -> None:
        size = os.fstat(fd).st_size
        if size % ENTRY.size:
            raise ValueError(f"index size {size} is not a multiple of {ENTRY.size}")
        self.fd, self.size = fd, size // ENTRY.size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: int) -> tuple[bytes, int]:  # type: ignore[override]
        key, position = ENTRY.unpack(os.pread(self.fd, ENTRY.size, i * ENTRY.size))
        return key, position


def positions(path: Path, consent_id: str) -> list[int]:
    """Line positions in the day file whose id may be ``consent_id`` (a key can collide: check the line)."""
    key = index_key(consent_id)
    fd = os.open(path, os.O_RDONLY)
    try:
        entries = _Entries(fd)
        i = bisect.bisect_left(entries, key, key=lambda entry: entry[0])
        found = []
        while i < len(entries) and entries[i][0] == key:
            found.append(entries[i][1])
            i += 1
        return found
    finally:
        os.close(fd)
