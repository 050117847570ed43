"""Slowing down password guessing: exponential backoff per (user name, client address).

The first few failures are free (people mistype); after that each failure doubles the wait,
up to a cap. Kept in process memory: one gunicorn worker's view is enough to make online
guessing impractical, and nothing here needs to survive a restart.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

Key = tuple[str, str]


@dataclass
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """How long a (user, client) pair must wait before its next sign-in attempt."""

    def __init__(
        self,
        free: int = 3,
        base: float = 1.0,
        cap: float = 300.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.base, self.cap, self.max_keys = free, base, cap, max_keys
        self.clock = clock
        self._failures: OrderedDict[Key, _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, key: Key) -> float:
        """Seconds left before ``key`` may try again (0 = now)."""
        with self._lock:
            entry = self._failures.get(key)
            if entry is None:
                return 0.0
            elapsed = self.clock() - entry.last
            if elapsed > 2 * self.cap:
                del self._failures[key]
                return 0.0
            return max(self._delay(entry.count) - elapsed, 0.0)

    def failed(self, key: Key) -> None:
        with self._lock:
            entry = self._failures.pop(key, None) or _Failures(0, 0.0)
            self._failures[key] = _Failures(entry.count + 1, self.clock())
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, key: Key) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _delay(self, count: int) -> float:
        if count < self.free:
            return 0.0
        return min(self.base * 2 ** (count - self.free), self.cap)
