"""CORS: only a site's configured origins, echoed exactly, never ``*``."""

from __future__ import annotations

from flask import Flask, Response, request

from banner.core.config import Config, Site
from banner.core.errors import OriginNotAllowed
from banner.web.context import services

ALLOWED_HEADERS = "Content-Type, X-Consent-Token"
ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS"
PREFLIGHT_MAX_AGE = "86400"


def check_origin(site: Site) -> None:
    """A browser request from an origin the site did not list is refused (403).

    Requests without ``Origin`` (servers, tag managers server-side, curl) are not CORS requests.
    """
    origin = request.headers.get("Origin")
    if origin is not None and origin not in site.origins:
        raise OriginNotAllowed(f"origin not allowed for site {site.id!r}")


def cors_headers(allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    """The request's origin echoed, with credentials, when it is one of ``allowed``; nothing otherwise."""
    origin = request.headers.get("Origin")
    if origin and origin in allowed:
        return [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    return []


def add_cors_headers(response: Response, allowed: tuple[str, ...]) -> Response:
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Origin" if vary else "Origin"
    response.headers.extend(cors_headers(allowed))
    return response


def init_app(app: Flask) -> None:
    @app.before_request
    def _answer_preflight() -> Response | None:
        """CORS preflights of the API get their answer before Flask's automatic OPTIONS."""
        if request.method == "OPTIONS" and request.path.startswith("/api/v1/"):
            return preflight(services().config, request.args.get("site"))
        return None


def preflight(config: Config, site_id: str | None) -> Response:
    """Answer an ``OPTIONS`` preflight: the named site's origins, or any site's when unnamed."""
    origin = request.headers.get("Origin", "")
    named = config.sites.get(site_id) if site_id else None
    sites = [named] if named else list(config.sites.values())
    if not any(origin in s.origins for s in sites):
        raise OriginNotAllowed("origin not allowed")
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return add_cors_headers(response, (origin,))
