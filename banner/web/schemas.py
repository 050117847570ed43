"""``GET /config.schema.json``: the JSON Schema of config.toml, for TOML editors."""

from __future__ import annotations

import functools
import json

from flask import Blueprint, Response

from banner.core.config_schema import json_schema

bp = Blueprint("schemas", __name__)


@functools.cache
def _body() -> str:
    return json.dumps(json_schema(), indent=2)


@bp.get("/config.schema.json")
def config_schema() -> Response:
    response = Response(_body(), mimetype="application/schema+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
