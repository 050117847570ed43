"""Reading one site's bucketed streams as if they were one stream.

Each bucket keeps its own event stream and signal logs (:mod:`banner.store.keys`). Readers merge
them by entry id (milliseconds-sequence): oldest first for exports, newest first for the
dashboard's paged log. Entries of different buckets can share an id (same millisecond); a page
never ends between two of them, so paging with ``before`` misses nothing.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from typing import Any

Entry = tuple[str, dict[str, str]]


def entry_order(entry_id: str) -> tuple[int, int]:
    millis, _, seq = entry_id.partition("-")
    return int(millis), int(seq or 0)


def oldest_first(redis: Any, streams: Iterable[str], lo: str = "-", hi: str = "+", page: int = 500) -> Iterator[Entry]:
    """Every entry of ``streams`` between ``lo`` and ``hi``, merged in id order, read ``page`` at a time."""
    return heapq.merge(*(_pages(redis, stream, lo, hi, page) for stream in streams), key=lambda e: entry_order(e[0]))


def newest_first(redis: Any, streams: Iterable[str], limit: int, before: str | None = None) -> list[Entry]:
    """The ``limit`` newest entries older than ``before`` across ``streams`` (more when ids tie)."""
    end = f"({before}" if before else "+"
    pipe = redis.pipeline(transaction=False)
    for stream in streams:
        pipe.xrevrange(stream, max=end, min="-", count=limit)
    rows = sorted((row for reply in pipe.execute() for row in reply), key=lambda e: entry_order(e[0]), reverse=True)
    if len(rows) <= limit:
        return rows
    last = rows[limit - 1][0]
    return [row for i, row in enumerate(rows) if i < limit or row[0] == last]


def _pages(redis: Any, stream: str, lo: str, hi: str, page: int) -> Iterator[Entry]:
    while True:
        rows = redis.xrange(stream, min=lo, max=hi, count=page)
        yield from rows
        if len(rows) < page:
            return
        lo = f"({rows[-1][0]}"
