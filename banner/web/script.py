"""``GET /banner.js``: the banner with one site's config, one language and one regime inlined.

Every (site, language, regime) bundle is minified, assembled and gzipped once, when the app
starts; a request only picks bytes. The regime comes from the trusted country header, so that
header joins ``Vary`` when configured. Caches may keep it a few minutes and revalidate with the ETag.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.http import parse_accept_header

from banner.assets.bundle import ScriptBundle, build_bundle
from banner.assets.js import ScriptPart
from banner.core.client_config import Variant, pick_language
from banner.core.config import Site
from banner.web.context import services
from banner.web.inputs import site_from_args, visitor_signals

bp = Blueprint("script", __name__)

EXTENSION = "banner_scripts"
CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400"
VARY = ("Accept-Encoding", "Accept-Language")
#: The banner's JavaScript files under the static folder, in order; they share one scope. The
#: first declares what the others use; the last starts the banner.
SCRIPT_PARTS = tuple(f"banner/{name}.js" for name in ("decision", "trust", "service", "vast", "ui", "embeds", "start"))
STYLESHEET = "banner/banner.css"

Bundles = dict[Variant, ScriptBundle]


def init_app(app: Flask, clients: Mapping[Variant, dict[str, Any]]) -> None:
    """Build every bundle now: a broken banner source fails start-up, not a request."""
    app.extensions[EXTENSION] = build_bundles(clients, app.static_folder or "static")
    app.register_blueprint(bp)


def build_bundles(clients: Mapping[Variant, dict[str, Any]], static_folder: str) -> Bundles:
    """Every bundle, from the banner's sources in ``static_folder``; AssetError names a broken one."""
    parts = [_part(static_folder, name) for name in SCRIPT_PARTS]
    css = _read(os.path.join(static_folder, STYLESHEET))
    return {variant: build_bundle(parts, css, client) for variant, client in clients.items()}


@bp.get("/banner.js")
def banner_js() -> Response:
    config = services().config
    site = site_from_args()
    signals = visitor_signals(site)
    lang = _language(site, request.args.get("lang"), request.headers.get("Accept-Language", ""))
    regime = config.jurisdictions.regime_for(signals.region)
    bundle: ScriptBundle = current_app.extensions[EXTENSION][(site.id, lang, regime)]
    gzipped = _accepts_gzip(request.headers.get("Accept-Encoding", ""))
    etag = bundle.gzip_etag if gzipped else bundle.etag
    headers = _headers(etag, config.service.country_header)
    if "If-None-Match" in request.headers and request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    return Response(bundle.gzipped if gzipped else bundle.body, headers=headers, mimetype="text/javascript")


@functools.lru_cache(maxsize=1024)
def _accepts_gzip(accept_encoding: str) -> bool:
    """Browsers send a handful of distinct headers: parse each once."""
    return parse_accept_header(accept_encoding)["gzip"] > 0


@functools.lru_cache(maxsize=4096)
def _language(site: Site, requested: str | None, accept_language: str) -> str:
    return pick_language(site, requested, accept_language)


def _headers(etag: str, country_header: str) -> list[tuple[str, str]]:
    """Written out at once: this answer is on every first page view of every site."""
    return [
        ("ETag", f'"{etag}"'),
        ("Cache-Control", CACHE_CONTROL),
        ("Cross-Origin-Resource-Policy", "cross-origin"),
        ("Vary", _vary(country_header)),
    ]


@functools.cache
def _vary(country_header: str) -> str:
    """The regime follows the trusted country header, so it joins ``Vary`` when configured."""
    return ", ".join(h for h in (*VARY, country_header) if h)


def _part(folder: str, name: str) -> ScriptPart:
    path = os.path.join(folder, name)
    return ScriptPart(path, _read(path))


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()
