"""In-process counters, flushed to Redis in batches.

Banner views and per-request signal counts happen on every page view; counting them here keeps
the hot paths free of Redis round trips. A flush turns the whole batch into one pipeline.
"""

from __future__ import annotations

import threading
from collections import Counter


class Tally:
    """Thread-safe counts keyed by (site, day, field)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()

    def add(self, site: str, day: str, counts: dict[str, int]) -> None:
        with self._lock:
            for field, n in counts.items():
                self._counts[(site, day, field)] += n

    def drain(self) -> dict[tuple[str, str, str], int]:
        """Take every pending count, leaving the tally empty."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        return dict(counts)

    def restore(self, counts: dict[tuple[str, str, str], int]) -> None:
        """Put counts back after a failed flush so none are lost."""
        with self._lock:
            self._counts.update(counts)

    def __len__(self) -> int:
        return len(self._counts)
