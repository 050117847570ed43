"""Counting requests per site and day (volume, DNT, GPC, bots) without touching Redis.

Counts go to the in-process tally; the flusher writes them in batches.
"""

from __future__ import annotations

from banner.core import counters
from banner.core.signals import Signals
from banner.store.consents import today
from banner.web.context import services

VIEW = {counters.VIEWS: 1}


def count_request(site_id: str, signals: Signals) -> None:
    services().tally.add(site_id, today(), counters.request_counts(signals))


def count_view(site_id: str) -> None:
    services().tally.add(site_id, today(), VIEW)
