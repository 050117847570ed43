"""Dashboard sessions kept server-side, so signing out (or a new password) really ends them.

The browser's signed cookie only names a session; the session itself lives here, under a hash of
its id (a copy of Redis holds no usable session). Its lifetime is absolute: set once at sign-in,
never extended by activity. The key's TTL only clears what expired; :meth:`SessionRegistry.find`
decides expiry by its own clock, which tests can set.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from banner.store import keys
from banner.store.errors import guarded

#: Longest session id accepted from a cookie (the ids made here are 43 characters).
MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class DashboardSession:
    """Who signed in, a fingerprint of the password hash they signed in with, and the end (epoch s)."""

    user: str
    credential: str
    expires: float


class SessionRegistry:
    """Opens, finds and closes dashboard sessions."""

    def __init__(self, redis: Any, clock: Callable[[], float] = time.time) -> None:
        self.redis = redis
        self.clock = clock

    @guarded
    def open(self, user: str, credential: str, lifetime_seconds: int) -> tuple[str, DashboardSession]:
        """A new session of ``lifetime_seconds`` from now, and the id for the cookie."""
        session_id = secrets.token_urlsafe(32)
        session = DashboardSession(user, credential, self.clock() + lifetime_seconds)
        self.redis.set(_key(session_id), json.dumps(asdict(session)), ex=lifetime_seconds)
        return session_id, session

    @guarded
    def find(self, session_id: str) -> DashboardSession | None:
        """The live session of that id: None when unknown, closed, expired or unreadable."""
        if not session_id or len(session_id) > MAX_ID_LENGTH:
            return None
        raw = self.redis.get(_key(session_id))
        session = _parse(raw) if raw else None
        return session if session is not None and self.clock() < session.expires else None

    @guarded
    def close(self, session_id: str) -> None:
        if session_id and len(session_id) <= MAX_ID_LENGTH:
            self.redis.delete(_key(session_id))


def _key(session_id: str) -> str:
    return keys.dashboard_session(hashlib.sha256(session_id.encode()).hexdigest())


def _parse(raw: str) -> DashboardSession | None:
    try:
        data = json.loads(raw)
        return DashboardSession(str(data["user"]), str(data["credential"]), float(data["expires"]))
    except (ValueError, TypeError, KeyError):
        return None
