"""A local, fsync'd, append-only spool for consent writes made while Redis is unreachable.

Each process start appends to a file of its own under ``<data_dir>/spool``, named by process id,
start time and a random part: a container restarted with the same process id never appends to a
file a crash left with a torn last line. Replay renames the files (under a lock, so no append can
land in a file being read), then applies every entry in order. Entries are applied with idempotent
store calls, so a replay that is interrupted and repeated stores each consent once.

One bad entry never stops a replay: an entry the store cannot apply (wrong shape, unreadable line)
is moved to ``quarantine.jsonl`` with the reason, counted, and the replay goes on. Only the store
being unavailable stops it (the rest waits for the next try).

Every consent write asks whether anything is spooled, so that answer is one ``stat`` of a
marker file rather than a directory listing: an append creates the marker before its entry,
and a replay removes it only once no spool file is left.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from banner.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

Entry = dict[str, Any]
QUARANTINE = "quarantine.jsonl"


class BadEntry(ValueError):
    """A spooled entry that can never be applied (it is quarantined, not retried)."""


class Spool:
    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._marker = os.path.join(directory, ".pending")
        self._name = f"{os.getpid()}-{time.time_ns()}-{secrets.token_hex(4)}.jsonl"
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if self._files((".jsonl", ".replay")):
            self._mark()

    def append(self, entry: Entry) -> None:
        """Durable before it returns: the caller may acknowledge the consent afterwards."""
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._locked():
            self._mark()
            fd = os.open(os.path.join(self.directory, self._name), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)

    def pending(self) -> bool:
        return os.path.exists(self._marker)

    def depth(self) -> int:
        """Entries waiting to be replayed, across every process's files."""
        return sum(self._lines(name) for name in self._files((".jsonl", ".replay")))

    def quarantined(self) -> int:
        """Entries set aside because they could not be applied; kept for the operator."""
        return self._lines(QUARANTINE) if os.path.exists(os.path.join(self.directory, QUARANTINE)) else 0

    def replay(self, apply: Callable[[Entry], object]) -> int:
        """Apply every entry, oldest file first; returns how many were applied.

        :class:`StoreUnavailable` from ``apply`` stops the replay, keeping the rest; any other
        failure quarantines that one entry. One replayer at a time across processes; another
        caller returns 0 at once.
        """
        with self._locked(".replaying", wait=False) as acquired:
            return self._replay(apply) if acquired else 0

    def _replay(self, apply: Callable[[Entry], object]) -> int:
        with self._locked():
            for name in self._files((".jsonl",)):
                os.rename(os.path.join(self.directory, name), self._replay_path(name))
        done = 0
        for name in self._files((".replay",)):
            path = os.path.join(self.directory, name)
            done += self._replay_file(path, apply)
            os.unlink(path)
        with self._locked():
            if not self._files((".jsonl", ".replay")):
                with suppress(FileNotFoundError):
                    os.unlink(self._marker)
        return done

    def _replay_file(self, path: str, apply: Callable[[Entry], object]) -> int:
        """Apply one file's entries. Raises StoreUnavailable with the file left in place."""
        done = 0
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            torn = number == len(lines)  # no newline after it: a crash mid-append, never acknowledged
            try:
                apply(_entry(line))
            except StoreUnavailable:
                self._keep_from(path, lines[number - 1 :])
                raise
            except BadEntry as e:
                self._quarantine(line, "torn last line" if torn else str(e), path, number)
                continue
            except Exception as e:
                log.exception("spooled entry %s:%d failed", path, number)
                self._quarantine(line, f"{type(e).__name__}: {e}", path, number)
                continue
            done += 1
        return done

    def _keep_from(self, path: str, lines: list[bytes]) -> None:
        """Rewrite ``path`` with only the entries not applied yet, so a retry starts there."""
        temporary = path + ".tmp"
        with open(temporary, "wb") as f:
            f.write(b"\n".join(lines))
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)

    def _quarantine(self, line: bytes, reason: str, path: str, number: int) -> None:
        log.error("spooled entry %s:%d quarantined: %s", os.path.basename(path), number, reason)
        record = {"reason": reason[:500], "file": os.path.basename(path), "line": number}
        record["entry"] = line.decode("utf-8", "replace")
        fd = os.open(os.path.join(self.directory, QUARANTINE), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(record, separators=(",", ":")) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def _lines(self, name: str) -> int:
        with open(os.path.join(self.directory, name), "rb") as f:
            return sum(1 for line in f if line.strip())

    def _files(self, suffixes: tuple[str, ...]) -> list[str]:
        return sorted(n for n in os.listdir(self.directory) if n.endswith(suffixes) and n != QUARANTINE)

    def _mark(self) -> None:
        os.close(os.open(self._marker, os.O_WRONLY | os.O_CREAT, 0o600))

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


def _entry(line: bytes) -> Entry:
    try:
        entry = json.loads(line)
    except ValueError:
        raise BadEntry("not JSON") from None
    if not isinstance(entry, dict):
        raise BadEntry("not a JSON object")
    return entry
