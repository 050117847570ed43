"""Per-client rate limits (Flask-Limiter), shared across workers through Redis in batches.

The client is a keyed hash of its address with a salt that changes every day, derived from the
secret key: limits work across workers and instances, and no address is ever written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Flask, request
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.wrappers import Response as BaseResponse

from banner.core.config import Config
from banner.store import ratelimit  # registers the batched+redis storage scheme
from banner.web.context import services
from banner.web.errors import http_error
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
        storage_options={"redis": redis},  # type: ignore[dict-item]  # passed through to the storage
        strategy="fixed-window",
        headers_enabled=False,  # Retry-After is added to 429s below; other answers stay lean
        default_limits=[],
    )
    # Only decorated views carry limits: the per-request middleware check would find nothing,
    # at a cost paid by every request of the app (the decision endpoint included).
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # absent when limits are disabled
        hooks.remove(limiter._check_request_limit)
    _answer_429(app, limiter)
    for endpoint, name, methods in _present(app, LIMITED):
        rule = getattr(config.limits, name)
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(rule, methods=list(methods))(view)  # type: ignore[assignment]
    app.extensions["rate_limits"] = limiter  # Flask-Limiter keeps only weak references when disabled
    if limiter.enabled:
        storage: ratelimit.BatchedRedisStorage = limiter.storage  # type: ignore[assignment]
        flusher.also.append(storage.sync)
    return limiter


def _answer_429(app: Flask, limiter: Limiter) -> None:
    @app.errorhandler(RateLimitExceeded)
    def _limited(e: RateLimitExceeded) -> BaseResponse:
        answer = http_error(e)
        response = answer if isinstance(answer, BaseResponse) else answer.get_response()
        current = limiter.current_limit
        retry_after = int(current.reset_at - time.time()) if current else 60
        response.headers["Retry-After"] = str(max(1, retry_after))
        return response


def _present(app: Flask, limited: Iterable[tuple[str, str, tuple[str, ...]]]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [item for item in limited if item[0] in app.view_functions]
