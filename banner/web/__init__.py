"""The Flask application factory."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from banner import demo
from banner.core.client_config import client_configs
from banner.core.config import Config
from banner.core.config_checks import lookalike_variables, refuse_demo_users
from banner.core.config_parse import load_config
from banner.core.devices import resolver
from banner.core.tokens import TokenSigner
from banner.core.variants import ShownKey, banner_versions
from banner.proof import Proofs
from banner.store import ConsentStore, DurableStore, Flusher, Revocations, Spool, StoreUnavailable, Tally, connect
from banner.web import (
    api,
    archive_cli,
    cli,
    cors,
    dashboard,
    decisions,
    errors,
    gvl,
    headers,
    json_codec,
    limits,
    logs,
    openapi,
    ops,
    privacy_cli,
    schemas,
    script,
    vast,
    wellknown,
)
from banner.web.context import EXTENSION, Services

log = logging.getLogger(__name__)

#: Seconds between flushes of in-process counters to Redis (and refreshes of the revocation list).
FLUSH_INTERVAL = 2.0
#: Any request body (the API's own limit, 8 KiB, is checked where bodies are read).
MAX_CONTENT_LENGTH = 64 * 1024


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` may set ``ENVIRON`` (instead of ``os.environ``)."""
    app = Flask(__name__, static_folder=_static_folder(), static_url_path="/static")
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, FLUSH_INTERVAL=FLUSH_INTERVAL, SPOOL=True)
    if test_config:
        app.config.update(test_config)
    environ: Mapping[str, str] = app.config.get("ENVIRON", os.environ)
    config = gvl.init_app(app, _load(app, environ))
    app.secret_key = config.service.secret_key
    json_codec.init_app(app)

    resolver()  # compile the User-Agent patterns now, not during the first request
    signer = TokenSigner(config.service.signing_keys, config.policy.consent_max_age_seconds)
    clients = client_configs(config, signer.public_keys)
    svc = _services(app, config, signer, banner_versions(config, clients))
    app.extensions[EXTENSION] = svc
    app.before_request(svc.flusher.ensure_running)

    errors.init_app(app)
    decisions.init_app(app)
    cors.init_app(app)
    for blueprint in (api.bp, ops.bp, openapi.bp, vast.bp, wellknown.bp, schemas.bp):
        app.register_blueprint(blueprint)
    script.init_app(app, clients)
    demo.init_app(app)
    dashboard.init_app(app)
    cli.init_app(app)
    privacy_cli.init_app(app)
    archive_cli.init_app(app)
    headers.init_app(app)
    logs.init_app()
    limits.init_app(app, config, svc.store.redis, svc.flusher)
    if config.service.proxy_hops:
        hops = config.service.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app


def _services(app: Flask, config: Config, signer: TokenSigner, versions: dict[ShownKey, str]) -> Services:
    """Connect the store and its helpers; the app starts even while Redis is down (writes spool)."""
    redis = connect(config.service)
    policy = config.policy
    store = ConsentStore(redis, policy.retention_seconds, policy.consent_max_age_seconds)
    spool = Spool(os.path.join(config.service.data_dir, "spool")) if app.config["SPOOL"] else None
    tally = Tally()
    durable = DurableStore(store, spool, tally)
    revocations = Revocations(redis, config.sites, policy.consent_max_age_seconds)
    flusher = Flusher(tally, durable, app.config["FLUSH_INTERVAL"])
    flusher.also.append(revocations.sync)
    flusher.hourly.append(lambda: store.trim(config.sites))
    try:
        store.load_scripts()
        revocations.sync()
    except StoreUnavailable:
        log.warning("consent store unavailable at start-up; consent writes will be spooled")
    proofs = Proofs(store, Path(config.service.archive_dir), config.service.signing_keys, policy.hot_days)
    return Services(config, signer, store, durable, tally, revocations, flusher, versions, proofs)


def _load(app: Flask, environ: Mapping[str, str]) -> Config:
    """Production (neither debug nor testing) refuses to start without a secret key or with the demo user."""
    for warning in lookalike_variables(environ):
        log.warning(warning)
    path = app.config.get("BANNER_CONFIG") or environ.get("BANNER_CONFIG", "config.toml")
    relaxed = app.debug or app.testing
    config = load_config(path, environ, require_secret=not relaxed)
    if not relaxed:
        refuse_demo_users(config)
    if not config.service.secret_key:
        key = _development_key(config.service.data_dir)
        config = load_config(path, {**environ, "SECRET_KEY": key}, require_secret=True)
    return config


def _development_key(data_dir: str) -> str:
    """A random key kept under data_dir, so tokens survive restarts of the demo."""
    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    path = os.path.join(data_dir, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32))
    log.warning("no secret key configured: using the development key in %s", path)
    with open(path) as f:
        return f.read().strip()


def _static_folder() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "static")
