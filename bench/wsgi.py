"""The application the benchmark serves: the real app, plus two bare Flask JSON endpoints.

The baselines live here rather than in the product so production has no extra route, yet they are
served by the very same app object: same gunicorn workers, same ``before_request`` hooks, error
handlers and extensions as the endpoints they are compared with. ``/_bench/hset`` adds what a
consent write cannot do without: one command to Redis, through redis-py, on the app's own client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify

from banner.web import create_app
from banner.web.context import services

BASELINE_PATH = "/_bench/baseline"
HSET_PATH = "/_bench/hset"
HSET_KEY = "cs:bench:hset"


def create_bench_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = create_app(test_config)

    @app.get(BASELINE_PATH)
    def baseline() -> Response:
        return jsonify(status="ok")

    @app.get(HSET_PATH)
    def hset() -> Response:
        services().store.redis.hset(HSET_KEY, "hits", "1")
        return jsonify(status="ok")

    return app
