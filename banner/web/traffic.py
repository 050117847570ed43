"""Counting requests per site and day (volume, DNT, GPC, bots) without touching Redis.

Counts go to the in-process tally; the flusher writes them in batches.
"""

from __future__ import annotations

from datetime import UTC, datetime

from banner.core import counters
from banner.core.signals import Signals
from banner.store.consents import day_of
from banner.web.context import services


def count_request(site_id: str, signals: Signals) -> None:
    tally = services().tally
    day = day_of(datetime.now(UTC))
    for field, n in counters.request_counts(signals).items():
        tally.add(site_id, day, field, n)


def count_view(site_id: str) -> None:
    services().tally.add(site_id, day_of(datetime.now(UTC)), counters.VIEWS)
