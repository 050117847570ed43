"""The decision endpoint's hot path: serialized decisions, cached per worker.

``GET /api/v1/decision`` runs on every page view, mostly with the same token and browser again
and again. The answer is a pure function of (site, token, signals), the time (a token expires)
and the revocation list (a withdrawn or replaced consent stops counting), so each worker keeps the
serialized body of recent answers in a bounded LRU keyed by exactly those inputs: an entry is
dropped the moment its token would expire, and a hit is re-checked against the revocation list
(one set lookup). The configuration (and so the policy) is fixed for the life of an app, and the
cache belongs to that app.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, current_app

from banner.core.config import Site
from banner.core.policy import Decision, decide
from banner.core.signals import Signals
from banner.core.tokens import TokenStatus, Verified
from banner.web.context import Services
from banner.web.cors import cors_headers
from banner.web.json_codec import dump_bytes

EXTENSION = "consent.decisions"
#: Entries per worker process. A body is ~1.3 KB: 4096 entries stay under ~8 MB.
SIZE = 4096
#: The request headers a decision depends on: shared caches must keep answers apart by them.
VISITOR_VARY = "Origin, Cookie, X-Consent-Token, DNT, Sec-GPC, User-Agent"

CacheKey = tuple[str, str | None, Signals]


class DecisionCache:
    """A thread-safe LRU of ``key -> (body, deadline, consent id)``; ``deadline`` is a Unix time or None."""

    def __init__(self) -> None:
        self._entries: OrderedDict[CacheKey, tuple[bytes, int | None, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey, now: int) -> tuple[bytes, str | None] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            body, deadline, consent_id = entry
            if deadline is not None and now > deadline:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return body, consent_id

    def put(self, key: CacheKey, body: bytes, deadline: int | None, consent_id: str | None) -> None:
        with self._lock:
            self._entries[key] = (body, deadline, consent_id)
            self._entries.move_to_end(key)
            if len(self._entries) > SIZE:
                self._entries.popitem(last=False)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = DecisionCache()


def verify(svc: Services, site: Site, token: str | None) -> Verified:
    """The token's status, ``revoked`` when its consent was withdrawn or replaced since."""
    verified = svc.signer.verify(token, site.id, svc.config.policy.version)
    claim = verified.claim
    if verified.status is TokenStatus.VALID and claim and svc.revocations.revoked(site.id, claim.id):
        return Verified(TokenStatus.REVOKED, claim)
    return verified


def decide_request(svc: Services, site: Site, token: str | None, signals: Signals) -> Decision:
    """The decision for this token and these signals, computed afresh."""
    return decide(svc.config, site, verify(svc, site, token), signals)


def visitor_headers(site: Site) -> list[tuple[str, str]]:
    """For an answer about one visitor: never cached, and CORS for the site's own origins."""
    return [("Vary", VISITOR_VARY), ("Cache-Control", "private, no-store"), *cors_headers(site.origins)]


def decision_body(svc: Services, site: Site, token: str | None, signals: Signals) -> bytes:
    """The serialized decision document for this visitor, from the cache when still true."""
    cache: DecisionCache = current_app.extensions[EXTENSION]
    key: CacheKey = (site.id, token, signals)
    now = int(time.time())
    hit = cache.get(key, now)
    if hit is not None and not (hit[1] and svc.revocations.revoked(site.id, hit[1])):
        return hit[0]
    verified = verify(svc, site, token)
    body = serialize(decide(svc.config, site, verified, signals).to_json())
    if verified.status is not TokenStatus.EXPIRED:
        consent_id = verified.claim.id if verified.status is TokenStatus.VALID and verified.claim else None
        cache.put(key, body, _deadline(verified, svc.signer.max_age), consent_id)
    return body


def serialize(document: dict[str, Any]) -> bytes:
    """What ``jsonify`` sends, as bytes."""
    return dump_bytes(document)


def _deadline(verified: Verified, max_age: int) -> int | None:
    """The last second the token verifies: after it, the status turns to ``expired``.

    Missing and invalid tokens stay what they are, so their answers never go stale. (Expired
    ones are not cached at all: a token stamped a second in the future by another instance's
    clock reads as expired until that second has passed.)
    """
    claim = verified.claim
    if claim is None or claim.issued_at is None:
        return None
    return int(claim.issued_at.timestamp()) + max_age
