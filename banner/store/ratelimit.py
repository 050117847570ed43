"""A rate-limit storage for Flask-Limiter: counted in process, shared through Redis in batches.

Hot paths must not wait on Redis, yet limits must hold across workers and instances. Each
process counts hits locally and adds them to Redis every flush (one pipeline for all keys),
reading back everyone's totals; a hit is judged on ``Redis total at last sync + local hits
since``. Across processes a limit can be overshot by at most one flush interval's worth of hits.
Only the fixed-window strategy is supported. Keys never contain a raw IP (see the web layer).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from limits.storage import Storage
from redis.exceptions import RedisError

PREFIX = "cs:rl:"


@dataclass
class _Window:
    ends_at: float
    expiry: int
    synced: int = 0  # the Redis total at the last sync (includes our earlier hits)
    pending: int = 0  # our hits since the last sync


class BatchedRedisStorage(Storage):
    STORAGE_SCHEME = ["batched+redis"]  # noqa: RUF012 - the base class declares it so

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.redis = options["redis"]
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return RedisError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._lock:
            window = self._window(key, expiry)
            window.pending += amount
            return window.synced + window.pending

    def get(self, key: str) -> int:
        with self._lock:
            window = self._live(key)
            return window.synced + window.pending if window else 0

    def get_expiry(self, key: str) -> float:
        with self._lock:
            window = self._live(key)
            return window.ends_at if window else time.time()

    def check(self) -> bool:
        try:
            return bool(self.redis.ping())
        except RedisError:
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
        """Push local hits and pull everyone's totals, in one round trip."""
        with self._lock:
            now = time.time()
            self._windows = {k: w for k, w in self._windows.items() if w.ends_at > now}
            batch = [(k, w.pending, w) for k, w in self._windows.items()]
            for _, _, window in batch:
                window.pending = 0
        if not batch:
            return
        pipe = self.redis.pipeline(transaction=False)
        for key, pending, window in batch:
            pipe.set(PREFIX + key, 0, ex=window.expiry, nx=True)
            pipe.incrby(PREFIX + key, pending)
        try:
            replies = pipe.execute()
        except RedisError:
            with self._lock:
                for _, pending, window in batch:
                    window.pending += pending  # kept for the next sync
            raise
        with self._lock:
            for (_, _, window), total in zip(batch, replies[1::2], strict=True):
                window.synced = max(window.synced, int(total))

    def _window(self, key: str, expiry: int) -> _Window:
        window = self._live(key)
        if window is None:
            window = self._windows[key] = _Window(ends_at=time.time() + expiry, expiry=expiry)
        return window

    def _live(self, key: str) -> _Window | None:
        window = self._windows.get(key)
        if window is not None and window.ends_at <= time.time():
            del self._windows[key]
            return None
        return window
