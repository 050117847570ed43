"""Consent ids that no longer count, per site: withdrawn, or replaced by a newer choice.

A token stays validly signed until it expires, so withdrawing must be remembered: the write
scripts add the id to the site's ``revoked`` sorted set (score = when, in ms) in the same
transaction as the withdrawal or the replacing consent. Every worker keeps its own copy and the
flusher refreshes it every few seconds (only what is new since the last refresh), so the decision
path checks a revocation in memory, with no Redis round trip. An id leaves the set once every token
it could appear in has expired.

The copy is compact: the first 64 of an id's 96 random bits, in a sorted ``array`` (8 bytes an
id) plus a small set of recent additions. Two ids sharing 64 bits by chance is a risk of about
n / 2**64: nil for any real n.
"""

from __future__ import annotations

import base64
import bisect
import threading
import time
from array import array
from collections.abc import Iterable
from typing import Any

from banner.store import keys
from banner.store.errors import guarded

MERGE_AT = 4096  # recent additions folded into the sorted array at this size
OVERLAP_MS = 5000  # re-read this much before the last entry seen: writes from slower clocks
RELOAD_SECONDS = 3600  # a full reload now and then drops the entries that expired


class IdSet:
    """Membership of 64-bit id prefixes: cheap to test from any thread, one writer at a time."""

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._sorted = array("Q", sorted(set(ids)))
        self._recent: set[int] = set()

    def __contains__(self, value: int) -> bool:
        if value in self._recent:
            return True
        i = bisect.bisect_left(self._sorted, value)
        return i < len(self._sorted) and self._sorted[i] == value

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def update(self, values: Iterable[int]) -> None:
        """Add ``values``; readers in other threads always see a whole old or a whole new state."""
        recent = self._recent | {v for v in values if v not in self}
        if len(recent) < MERGE_AT:
            self._recent = recent
            return
        self._sorted = array("Q", sorted([*self._sorted, *recent]))
        self._recent = set()


def id_bits(consent_id: str) -> int:
    """The first 64 bits of a consent id (16 base64url characters = 96 random bits)."""
    raw = base64.urlsafe_b64decode(consent_id[:16] + "=" * (-len(consent_id[:16]) % 4))
    return int.from_bytes(raw[:8].ljust(8, b"\0"), "big")


class Revocations:
    """This worker's view of every site's revoked consent ids."""

    def __init__(self, redis: Any, sites: Iterable[str], max_age_seconds: int) -> None:
        self.redis = redis
        self.max_age_ms = max_age_seconds * 1000
        self._sites = tuple(sites)
        self._ids = {site: IdSet() for site in self._sites}
        self._seen: dict[str, float] = dict.fromkeys(self._sites, 0.0)
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def revoked(self, site: str, consent_id: str) -> bool:
        ids = self._ids.get(site)
        return ids is not None and id_bits(consent_id) in ids

    def add(self, site: str, consent_id: str) -> None:
        """Known at once in this worker (the others learn it at their next :meth:`sync`)."""
        with self._lock:
            self._ids[site].update([id_bits(consent_id)])

    @guarded
    def sync(self) -> None:
        """Fetch what was revoked since the last sync, in one round trip; reload all every hour."""
        full = time.monotonic() - self._loaded_at > RELOAD_SECONDS
        floor = time.time() * 1000 - self.max_age_ms
        pipe = self.redis.pipeline(transaction=False)
        for site in self._sites:
            since = floor if full else max(floor, self._seen[site] - OVERLAP_MS)
            for bucket in keys.BUCKET_IDS:
                pipe.zrangebyscore(keys.revoked(site, bucket), since, "+inf", withscores=True)
        replies = iter(pipe.execute())
        with self._lock:
            for site in self._sites:
                rows = [row for _ in keys.BUCKET_IDS for row in next(replies)]
                fresh = [id_bits(consent_id) for consent_id, _ in rows]
                if full:
                    self._ids[site] = IdSet(fresh)
                else:
                    self._ids[site].update(fresh)
                self._seen[site] = max([self._seen[site], *(score for _, score in rows)])
        if full:
            self._loaded_at = time.monotonic()

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._ids.values())
