"""Rate-limit counts for the ``limits`` library: counted in process, shared through Redis.

Hot paths must not wait on Redis, yet limits must hold across workers and instances. Each
process counts a client's first few hits of a window locally (``allowance``: most clients never
get further) and adds them to Redis at the next flush, reading back that window's total (every
process's hits); a window without new hits since the last flush is left alone, so a flush costs
what the last two seconds brought, not every client of the window (an hour, for some rules). A client
that goes past its allowance in a window is busy enough to be counted exactly: each further hit
is one Redis ``INCRBY`` that returns the total across every process. So a limit holds to within
``allowance x (processes - 1)`` hits a window; an allowance of 0 makes every hit exact.

Windows are aligned to the clock (the window's number is part of the key), so every process agrees
on when a window starts and ends. Only the fixed-window strategy is supported. Keys never contain
a raw IP (see :mod:`banner.web.limits`). While Redis is unreachable, hits are counted locally.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from limits.storage import Storage

from banner.store.errors import REDIS_FAILURES, StoreUnavailable

PREFIX = "cs:rl:"


@dataclass
class _Window:
    ends_at: float
    redis_key: str
    synced: int = 0  # the Redis total at the last sync (includes our earlier hits)
    pending: int = 0  # our hits since the last sync
    local: int = 0  # hits this process took without asking Redis


class SharedCounts(Storage):
    STORAGE_SCHEME = ["shared+redis"]  # noqa: RUF012 - the base class declares it so

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.redis = options["redis"]
        self.allowance: int = options.get("allowance", 0)
        self.clock: Callable[[], float] = options.get("clock", time.time)
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return REDIS_FAILURES

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._lock:
            window = self._window(key, expiry)
            if window.local + amount <= self.allowance:
                window.local += amount
                window.pending += amount
                return window.synced + window.pending
            window.pending += amount
            batch = window.pending
            window.pending = 0
        try:
            total = self._add(window.redis_key, batch, expiry)
        except REDIS_FAILURES:
            with self._lock:
                window.pending += batch  # counted here until Redis is back
                return window.synced + window.pending
        with self._lock:
            window.synced = max(window.synced, total)
            return window.synced + window.pending

    def get(self, key: str) -> int:
        with self._lock:
            window = self._live(key)
            return window.synced + window.pending if window else 0

    def get_expiry(self, key: str) -> float:
        with self._lock:
            window = self._live(key)
            return window.ends_at if window else self.clock()

    def check(self) -> bool:
        try:
            return bool(self.redis.ping())
        except REDIS_FAILURES:
            return False

    def reset(self) -> int | None:
        with self._lock:
            count = len(self._windows)
            self._windows.clear()
        return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def sync(self) -> None:
        """Push the hits taken since the last sync and pull those windows' totals, in one round trip."""
        with self._lock:
            now = self.clock()
            self._windows = {k: w for k, w in self._windows.items() if w.ends_at > now}
            batch = [(w, w.pending) for w in self._windows.values() if w.pending]
            for window, _ in batch:
                window.pending = 0
        if not batch:
            return
        pipe = self.redis.pipeline(transaction=False)
        for window, pending in batch:
            pipe.set(window.redis_key, 0, exat=int(window.ends_at) + 1, nx=True)
            pipe.incrby(window.redis_key, pending)
        try:
            replies = pipe.execute()
        except REDIS_FAILURES:
            with self._lock:
                for window, pending in batch:
                    window.pending += pending  # kept for the next sync
            raise StoreUnavailable() from None
        with self._lock:
            for (window, _), total in zip(batch, replies[1::2], strict=True):
                window.synced = max(window.synced, int(total))

    def _add(self, redis_key: str, amount: int, expiry: int) -> int:
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(redis_key, 0, ex=expiry + 1, nx=True)
        pipe.incrby(redis_key, amount)
        return int(pipe.execute()[1])

    def _window(self, key: str, expiry: int) -> _Window:
        window = self._live(key)
        if window is None:
            number = int(self.clock() // expiry)
            ends_at = (number + 1) * expiry
            window = self._windows[key] = _Window(ends_at=ends_at, redis_key=f"{PREFIX}{key}/{number}")
        return window

    def _live(self, key: str) -> _Window | None:
        window = self._windows.get(key)
        if window is not None and window.ends_at <= self.clock():
            del self._windows[key]
            return None
        return window
