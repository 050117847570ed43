"""Per-client rate limits (Flask-Limiter), shared across workers through Redis in batches.

The client is a keyed hash of its address with a salt that changes every day, derived from the
secret key: limits work across workers and instances, and no address is ever written anywhere.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from banner.core.config import Config
from banner.store import ratelimit  # registers the batched+redis storage scheme
from banner.store.consents import today
from banner.web.context import services
from banner.web.flusher import Flusher

View = Callable[..., Any]

#: (endpoint, which limit, methods) - login belongs to the dashboard when it is installed.
LIMITED = (
    ("api.give_consent", "consent", ("POST",)),
    ("api.withdraw_consent", "consent", ("DELETE",)),
    ("api.event", "events", ("POST",)),
    ("dashboard.login", "login", ("POST",)),
)


def client_key() -> str:
    """HMAC of the client address under a daily salt: stable for a day, then unlinkable."""
    secret = services().config.service.secret_key
    salt = f"{secret}:{today()}".encode()
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(salt, address, hashlib.sha256).hexdigest()[:24]


def init_app(app: Flask, config: Config, redis: object, flusher: Flusher) -> Limiter:
    """Flask-Limiter holds the storage and the strategy; each limited view checks its own rule.

    No limit applies app-wide, so Flask-Limiter's per-request middleware is dropped (it would
    find nothing, at a cost paid by every request, the decision endpoint included), and the
    views check through :func:`guard`, a few microseconds against the local counters.
    """
    limiter = Limiter(
        key_func=client_key,
        app=app,
        storage_uri="batched+redis://",
        storage_options={"redis": redis},  # type: ignore[dict-item]  # passed through to the storage
        strategy="fixed-window",
        headers_enabled=False,
        default_limits=[],
    )
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # absent when limits are disabled
        hooks.remove(limiter._check_request_limit)
    app.extensions["rate_limits"] = limiter  # Flask-Limiter keeps only weak references itself
    if not limiter.enabled:
        return limiter
    for endpoint, name, methods in _present(app, LIMITED):
        rule = parse_many(getattr(config.limits, name))
        app.view_functions[endpoint] = guard(app.view_functions[endpoint], limiter, name, rule, methods)
    storage: ratelimit.BatchedRedisStorage = limiter.storage  # type: ignore[assignment]
    flusher.also.append(storage.sync)
    return limiter


def guard(view: View, limiter: Limiter, scope: str, rule: list[RateLimitItem], methods: tuple[str, ...]) -> View:
    """``view``, refused with 429 and ``Retry-After`` once this client is over ``rule``."""

    @functools.wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        if request.method in methods:
            key, strategy = client_key(), limiter.limiter
            for item in rule:
                if not strategy.hit(item, scope, key):
                    reset = strategy.get_window_stats(item, scope, key).reset_time
                    retry_after = max(1, math.ceil(reset - time.time()))
                    raise TooManyRequests(f"rate limit exceeded: {item}", retry_after=retry_after)
        return view(*args, **kwargs)

    return limited


def _present(app: Flask, limited: Iterable[tuple[str, str, tuple[str, ...]]]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [item for item in limited if item[0] in app.view_functions]
