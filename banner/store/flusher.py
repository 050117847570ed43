"""Moves in-process counts to Redis every few seconds, on a daemon thread per process.

Each flush replays any spooled consent writes, then moves the tally, then runs the other batched
jobs (rate-limit counts, the revocation list). Started lazily and per process id, so it also runs
in each gunicorn worker after a fork. Nothing stops the thread: a failing job is logged and
tried again at the next flush.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable

from banner.store.durable import DurableStore
from banner.store.errors import StoreUnavailable
from banner.store.tally import Tally

log = logging.getLogger(__name__)


class Flusher:
    def __init__(self, tally: Tally, durable: DurableStore, interval: float) -> None:
        self.tally, self.durable, self.interval = tally, durable, interval
        self.also: list[Callable[[], None]] = []  # other batched jobs, e.g. rate-limit counts
        self.hourly: list[Callable[[], None]] = []  # slow housekeeping, e.g. trimming quiet buckets
        self._pid: int | None = None
        self._hour_done = 0.0
        self._stopped = threading.Event()

    def flush(self) -> None:
        """Replay any spooled consent writes, then move the pending counts, then the other jobs."""
        self.durable.drain()
        counts = self.tally.drain()
        try:
            self.durable.store.add_counts(counts)
        except StoreUnavailable:
            self.tally.restore(counts)
            log.warning("counter flush failed; %d counts kept for the next try", len(counts))
        hour_due = time.monotonic() - self._hour_done > 3600
        for job in [*self.also, *(self.hourly if hour_due else [])]:
            try:
                job()
            except StoreUnavailable:
                log.warning("batched job %s failed; it runs again at the next flush", job)
        if hour_due:
            self._hour_done = time.monotonic()

    def ensure_running(self) -> None:
        if self.interval <= 0 or self._pid == os.getpid():
            return
        self._pid = os.getpid()
        threading.Thread(target=self._run, name="tally-flusher", daemon=True).start()
        atexit.register(self.flush)

    def stop(self) -> None:
        """Flush one last time and end the background flushes, for a server that stops while its
        process goes on (tests): nothing is left to flush at exit, when its Redis may be gone."""
        self._stopped.set()
        atexit.unregister(self.flush)
        self.flush()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.flush()
            except Exception:
                log.exception("flush failed; trying again in %.1f s", self.interval)
