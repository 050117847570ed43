"""``GET /banner.js``: the banner with one site's config, one language and one regime inlined.

Every (site, language, regime) bundle is minified, assembled and gzipped once, when the app
starts; a request only picks bytes. A bundle's own URL names its language, regime and version, so
caches keep it for a year; the URL in the page's tag redirects there (see :func:`banner_js`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.http import parse_accept_header

from banner.assets.bundle import ScriptBundle, build_bundle
from banner.assets.js import ScriptPart
from banner.core.client_config import BundleKey, pick_language
from banner.core.config import Site
from banner.core.errors import InvalidInput
from banner.core.regimes import Regime
from banner.web.context import services
from banner.web.inputs import site_from_args, visitor_signals

bp = Blueprint("script", __name__)

EXTENSION = "banner_scripts"
CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400"
#: A URL that names its version never changes meaning.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Per visitor (it follows their country and languages): kept by their browser only, briefly.
REDIRECT_CACHE_CONTROL = "private, max-age=300"
VARY = ("Accept-Encoding", "Accept-Language")
#: The banner's JavaScript files under the static folder, in order; they share one scope. The
#: first declares what the others use; the last starts the banner.
SCRIPT_PARTS = tuple(
    f"banner/{name}.js" for name in ("decision", "variant", "trust", "service", "vast", "ui", "embeds", "start")
)
STYLESHEET = "banner/banner.css"

Bundles = dict[BundleKey, ScriptBundle]


def init_app(app: Flask, clients: Mapping[BundleKey, dict[str, Any]]) -> None:
    """Build every bundle now: a broken banner source fails start-up, not a request."""
    app.extensions[EXTENSION] = build_bundles(clients, app.static_folder or "static")
    app.register_blueprint(bp)


def build_bundles(clients: Mapping[BundleKey, dict[str, Any]], static_folder: str) -> Bundles:
    """Every bundle, from the banner's sources in ``static_folder``; AssetError names a broken one."""
    parts = [_part(static_folder, name) for name in SCRIPT_PARTS]
    css = _read(os.path.join(static_folder, STYLESHEET))
    return {key: build_bundle(parts, css, client) for key, client in clients.items()}


@bp.get("/banner.js")
def banner_js() -> Response:
    """The bundle, or where it is: a redirect to the one URL of this visitor's bundle.

    When the answer would depend on request headers (the trusted country header picks the regime,
    ``Accept-Language`` the language), a shared cache that ignores ``Vary`` would hand one
    visitor's banner to another. So such a request is answered with a short, private redirect to
    a URL that names language, regime and version, and that URL's bundle is the same for everyone.
    """
    config = services().config
    site = site_from_args()
    if "regime" in request.args:
        return _bundle(site, _regime(request.args["regime"]), _language(site, request.args.get("lang"), ""))
    signals = visitor_signals(site)
    lang = _language(site, request.args.get("lang"), request.headers.get("Accept-Language", ""))
    regime = config.jurisdictions.regime_for(signals.region)
    if config.service.country_header or ("lang" not in request.args and len(site.languages) > 1):
        return _redirect(site, lang, regime, config.service.country_header)
    return _bundle(site, regime, lang)


def _bundle(site: Site, regime: Regime, lang: str) -> Response:
    bundle: ScriptBundle = current_app.extensions[EXTENSION][(site.id, lang, regime)]
    gzipped = _accepts_gzip(request.headers.get("Accept-Encoding", ""))
    etag = bundle.gzip_etag if gzipped else bundle.etag
    versioned = request.args.get("v") == bundle.version
    headers = _headers(etag, IMMUTABLE if versioned else CACHE_CONTROL)
    if "If-None-Match" in request.headers and request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    return Response(bundle.gzipped if gzipped else bundle.body, headers=headers, mimetype="text/javascript")


def _redirect(site: Site, lang: str, regime: Regime, country_header: str) -> Response:
    bundle: ScriptBundle = current_app.extensions[EXTENSION][(site.id, lang, regime)]
    query = urlencode({"site": site.id, "lang": lang, "regime": regime.value, "v": bundle.version})
    headers = {
        "Location": f"{request.path}?{query}",
        "Cache-Control": REDIRECT_CACHE_CONTROL,
        "Vary": _vary(country_header),
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    return Response(status=302, headers=headers)


def _regime(value: str) -> Regime:
    if value not in Regime.__members__.values():
        raise InvalidInput(f"'regime' must be one of {', '.join(Regime)}", "regime")
    return Regime(value)


@functools.lru_cache(maxsize=1024)
def _accepts_gzip(accept_encoding: str) -> bool:
    """Browsers send a handful of distinct headers: parse each once."""
    return parse_accept_header(accept_encoding)["gzip"] > 0


@functools.lru_cache(maxsize=4096)
def _language(site: Site, requested: str | None, accept_language: str) -> str:
    return pick_language(site, requested, accept_language)


def _headers(etag: str, cache_control: str) -> list[tuple[str, str]]:
    """Written out at once: this answer is on every first page view of every site."""
    return [
        ("ETag", f'"{etag}"'),
        ("Cache-Control", cache_control),
        ("Cross-Origin-Resource-Policy", "cross-origin"),
        ("Vary", "Accept-Encoding"),
    ]


@functools.cache
def _vary(country_header: str) -> str:
    """What a redirect depends on: the language negotiation and, when configured, the country header."""
    return ", ".join(h for h in (*VARY, country_header) if h)


def _part(folder: str, name: str) -> ScriptPart:
    path = os.path.join(folder, name)
    return ScriptPart(path, _read(path))


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()
