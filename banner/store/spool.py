"""A local, fsync'd, append-only spool for consent writes made while Redis is unreachable.

Each process appends to its own file under ``<data_dir>/spool``. Replay renames the files
(under a lock, so no append can land in a file being read), then applies every entry in order.
Entries are applied with idempotent store calls, so a replay that is interrupted and repeated
stores each consent once.

Every consent write asks whether anything is spooled, so that answer is one ``stat`` of a
marker file rather than a directory listing: an append creates the marker before its entry,
and a replay removes it only once no spool file is left.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

Entry = dict[str, Any]


class Spool:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._marker = os.path.join(directory, ".pending")
        os.makedirs(directory, exist_ok=True)
        if self._files((".jsonl", ".replay")):
            self._mark()

    def append(self, entry: Entry) -> None:
        """Durable before it returns: the caller may acknowledge the consent afterwards."""
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._locked():
            self._mark()
            fd = os.open(self._active_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)

    def pending(self) -> bool:
        return os.path.exists(self._marker)

    def depth(self) -> int:
        """Entries waiting to be replayed, across every process's files."""
        total = 0
        for name in self._files((".jsonl", ".replay")):
            with open(os.path.join(self.directory, name), "rb") as f:
                total += sum(1 for _ in f)
        return total

    def replay(self, apply: Callable[[Entry], None]) -> int:
        """Apply every entry, oldest file first; stops (keeping the rest) when ``apply`` raises.

        One replayer at a time across processes; another caller returns 0 at once.
        """
        with self._locked(".replaying", wait=False) as acquired:
            return self._replay(apply) if acquired else 0

    def _replay(self, apply: Callable[[Entry], None]) -> int:
        with self._locked():
            for name in self._files((".jsonl",)):
                os.rename(os.path.join(self.directory, name), self._replay_path(name))
        done = 0
        for name in self._files((".replay",)):
            path = os.path.join(self.directory, name)
            for entry in _read(path):
                apply(entry)
                done += 1
            os.unlink(path)
        with self._locked():
            if not self._files((".jsonl", ".replay")):
                with suppress(FileNotFoundError):
                    os.unlink(self._marker)
        return done

    def _files(self, suffixes: tuple[str, ...]) -> list[str]:
        return sorted(n for n in os.listdir(self.directory) if n.endswith(suffixes))

    def _mark(self) -> None:
        os.close(os.open(self._marker, os.O_WRONLY | os.O_CREAT, 0o600))

    def _active_path(self) -> str:
        return os.path.join(self.directory, f"{os.getpid()}.jsonl")

    def _replay_path(self, name: str) -> str:
        return os.path.join(self.directory, f"{time.time_ns():020d}-{name[:-6]}.replay")

    @contextmanager
    def _locked(self, name: str = ".lock", wait: bool = True) -> Iterator[bool]:
        fd = os.open(os.path.join(self.directory, name), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)


def _read(path: str) -> Iterator[Entry]:
    """Lines of a spool file; a torn last line (crash mid-append, never acknowledged) is skipped."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                yield json.loads(line)
            except ValueError:
                continue
