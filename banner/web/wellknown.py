"""``/.well-known/gpc.json``: the site's Global Privacy Control support resource (GPC spec)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from banner.web.context import services

bp = Blueprint("wellknown", __name__)


@bp.get("/.well-known/gpc.json")
def gpc() -> Response:
    policy = services().config.policy
    response = jsonify(gpc=policy.honor_gpc, lastUpdate=policy.version)
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["Access-Control-Allow-Origin"] = "*"  # public, no credentials
    return response
