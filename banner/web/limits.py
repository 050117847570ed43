"""Per-client rate limits: one guard per limited endpoint, one mechanism behind all of them.

Each limited view is decorated with :func:`limited` naming its scope (``consent``, ``events``,
``login``, with the rules of ``[limits]`` in the config). The ``limits`` library's fixed-window
strategy counts hits in :class:`~banner.store.ratelimit.SharedCounts`, which keeps a client's
first hits in process and counts a busy client exactly in Redis, so a limit holds across workers
and instances to within a few hits (the scope's allowance times the other processes), and a
sign-in attempt is always counted exactly.

The client is a keyed hash of its address with a salt that changes every day, derived from the
secret key: stable for a day, then unlinkable, and no address is ever written anywhere.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter

from banner.core.clock import today_key
from banner.core.config import Config
from banner.core.errors import RateLimited
from banner.store import Flusher
from banner.store.ratelimit import SharedCounts

EXTENSION = "consent.limits"
#: Hits a process may take per window before it asks Redis (see SharedCounts). Sign-ins: none.
ALLOWANCE = {"consent": 2, "events": 30, "login": 0}
UNCOUNTED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Scope:
    rules: list[RateLimitItem]
    limiter: FixedWindowRateLimiter


class Limits:
    """The rules and counts of every scope, for one app."""

    def __init__(self, config: Config, redis: Any) -> None:
        self.secret = config.service.secret_key.encode()
        self.scopes: dict[str, Scope] = {}
        for name, allowance in ALLOWANCE.items():
            storage = SharedCounts("shared+redis://", redis=redis, allowance=allowance)
            self.scopes[name] = Scope(parse_many(getattr(config.limits, name)), FixedWindowRateLimiter(storage))

    def check(self, scope: str, client: str) -> None:
        """Count one hit of ``client`` in ``scope``; :class:`RateLimited` once it is over a rule."""
        limits = self.scopes[scope]
        for rule in limits.rules:
            if not limits.limiter.hit(rule, scope, client):
                reset = limits.limiter.get_window_stats(rule, scope, client).reset_time
                now = limits.limiter.storage.clock()  # type: ignore[attr-defined]
                raise RateLimited(f"rate limit exceeded: {rule}", retry_after=max(1, math.ceil(reset - now)))

    def sync(self) -> None:
        for storage in self.storages():
            storage.sync()

    def storages(self) -> list[SharedCounts]:
        return [scope.limiter.storage for scope in self.scopes.values()]  # type: ignore[misc]

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one Limits per app, kept for its life
    def client_key(self, day: str, address: str) -> str:
        """HMAC of the client address under a daily salt."""
        return hmac.new(self.secret + b":" + day.encode(), address.encode(), hashlib.sha256).hexdigest()[:24]


def init_app(app: Flask, config: Config, redis: Any, flusher: Flusher) -> None:
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    limits = app.extensions[EXTENSION] = Limits(config, redis)
    flusher.also.append(limits.sync)


def limited(scope: str) -> Callable[[View], View]:
    """Guard a view: each request that changes something counts as one hit of this client in ``scope``."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            limits: Limits | None = current_app.extensions.get(EXTENSION)
            if limits is not None and request.method not in UNCOUNTED_METHODS:
                limits.check(scope, limits.client_key(today_key(), request.remote_addr or "unknown"))
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
