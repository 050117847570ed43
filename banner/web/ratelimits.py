"""Per-client rate limits (Flask-Limiter), shared across workers through Redis in batches.

The client is a keyed hash of its address with a salt that changes every day, derived from the
secret key: limits work across workers and instances, and no address is ever written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Flask, request
from flask_limiter import Limiter

from banner.core.config import Config
from banner.store import ratelimit  # registers the batched+redis storage scheme
from banner.web.context import services
from banner.web.flusher import Flusher

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
    salt = f"{secret}:{datetime.now(UTC):%Y%m%d}".encode()
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(salt, address, hashlib.sha256).hexdigest()[:24]


def init_app(app: Flask, config: Config, redis: object, flusher: Flusher) -> Limiter:
    limiter = Limiter(
        key_func=client_key,
        app=app,
        storage_uri="batched+redis://",
        storage_options={"redis": redis},
        strategy="fixed-window",
        headers_enabled=True,
        default_limits=[],
    )
    for endpoint, name, methods in _present(app, LIMITED):
        rule = getattr(config.limits, name)
        app.view_functions[endpoint] = limiter.limit(rule, methods=list(methods))(app.view_functions[endpoint])
    app.extensions["rate_limits"] = limiter  # Flask-Limiter keeps only weak references when disabled
    if limiter.enabled:
        storage: ratelimit.BatchedRedisStorage = limiter.storage  # type: ignore[assignment]
        flusher.also.append(storage.sync)
    return limiter


def _present(app: Flask, limited: Iterable[tuple[str, str, tuple[str, ...]]]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [item for item in limited if item[0] in app.view_functions]
