"""The application the benchmark serves: the real app, plus one bare Flask JSON endpoint.

The baseline lives here rather than in the product so production has no extra route, yet it is
served by the very same app object: same gunicorn workers, same ``before_request`` hooks, error
handlers and extensions as the endpoints it is compared with.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

from banner.web import create_app

BASELINE_PATH = "/_bench/baseline"


def create_bench_app() -> Flask:
    app = create_app()

    @app.get(BASELINE_PATH)
    def baseline() -> Response:
        return jsonify(status="ok")

    return app
