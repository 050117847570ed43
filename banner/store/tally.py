"""In-process counters, flushed to Redis in batches.

Banner views and per-request signal counts happen on every page view; counting them here keeps
the hot paths free of Redis round trips. A flush turns the whole batch into one pipeline.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping

from banner.core import counters
from banner.core.clock import today_key
from banner.core.signals import Signals

VIEW = {counters.VIEWS: 1}


class Tally:
    """Thread-safe counts keyed by (site, day, field)."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()

    def count_request(self, site: str, signals: Signals) -> None:
        """A banner, consent or decision request: volume and the privacy signals it carried."""
        self.add(site, today_key(), counters.request_counts(signals))

    def count_view(self, site: str, also: Mapping[str, int] | None = None) -> None:
        """The banner was shown (a ``shown`` event); ``also``: the same view in further counters (its variant's)."""
        self.add(site, today_key(), {**VIEW, **also} if also else VIEW)

    def add(self, site: str, day: str, counts: Mapping[str, int]) -> None:
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
