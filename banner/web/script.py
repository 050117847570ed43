"""``GET /banner.js``: the banner with one site's config, one language and one regime inlined.

Every (site, language, regime) bundle is minified, assembled and gzipped once, when the app
starts; a request only picks bytes. The regime comes from the trusted country header, so that
header joins ``Vary`` when configured. Caches may keep it a few minutes and revalidate with the ETag.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, current_app, request

from banner.core import counters
from banner.core.bundle import ScriptBundle, build_bundle
from banner.core.config import Config
from banner.core.consent import site_of
from banner.core.minify import minify_css, minify_js
from banner.core.presentation import client_config, pick_language
from banner.core.regimes import Regime
from banner.core.signals import Signals
from banner.store.consents import day_of
from banner.web.context import services
from banner.web.inputs import current_signals

bp = Blueprint("script", __name__)

EXTENSION = "banner_scripts"
CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400"
VARY = ("Accept-Encoding", "Accept-Language")

Bundles = dict[tuple[str, str, Regime], ScriptBundle]


def init_app(app: Flask) -> None:
    """Build every bundle now: a broken banner source fails start-up, not a request."""
    app.extensions[EXTENSION] = build_bundles(services_config(app), app.static_folder or "static")
    app.register_blueprint(bp)


def services_config(app: Flask) -> Config:
    with app.app_context():
        return services().config


def build_bundles(config: Config, static_folder: str) -> Bundles:
    script = minify_js(_read(static_folder, "banner.js"))
    css = minify_css(_read(static_folder, "banner.css"))
    return {
        (site.id, lang, regime): build_bundle(script, css, client_config(config, site, lang, regime))
        for site in config.sites.values()
        for lang in site.languages
        for regime in Regime
    }


@bp.get("/banner.js")
def banner_js() -> Response:
    config = services().config
    site = site_of(config, request.args.get("site"))
    signals = current_signals()
    _count_request(site.id, signals)
    lang = pick_language(site, request.args.get("lang"), request.headers.get("Accept-Language", ""))
    regime = config.jurisdictions.regime_for(signals.region)
    bundle: ScriptBundle = current_app.extensions[EXTENSION][(site.id, lang, regime)]
    gzipped = request.accept_encodings["gzip"] > 0
    etag = bundle.gzip_etag if gzipped else bundle.etag
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(bundle.gzipped if gzipped else bundle.body, mimetype="text/javascript")
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    for header in (*VARY, config.service.country_header):
        if header:
            response.vary.add(header)
    return response


def _count_request(site_id: str, signals: Signals) -> None:
    """Banner requests count towards the site's daily request and DNT/GPC totals."""
    tally = services().tally
    day = day_of(datetime.now(UTC))
    for field, n in counters.request_counts(signals).items():
        tally.add(site_id, day, field, n)


def _read(folder: str, name: str) -> str:
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return f.read()
