"""Moves in-process counts to Redis every few seconds, on a daemon thread per process.

Started lazily and per process id, so it also runs in each gunicorn worker after a fork.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable

from redis.exceptions import RedisError

from banner.store import Tally
from banner.store.durable import DurableStore

log = logging.getLogger(__name__)


class Flusher:
    def __init__(self, tally: Tally, durable: DurableStore, interval: float) -> None:
        self.tally, self.durable, self.interval = tally, durable, interval
        self.also: list[Callable[[], None]] = []  # other batched writes, e.g. rate-limit counts
        self._pid: int | None = None

    def flush(self) -> None:
        """Replay any spooled consent writes, then move the pending counts."""
        self.durable.drain()
        counts = self.tally.drain()
        try:
            self.durable.store.add_counts(counts)
        except RedisError:
            self.tally.restore(counts)
            log.warning("counter flush failed; %d counts kept for the next try", len(counts))
        for task in self.also:
            try:
                task()
            except RedisError:
                log.warning("batched write %s failed; kept for the next try", task)

    def ensure_running(self) -> None:
        if self.interval <= 0 or self._pid == os.getpid():
            return
        self._pid = os.getpid()
        threading.Thread(target=self._run, name="tally-flusher", daemon=True).start()
        atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()
