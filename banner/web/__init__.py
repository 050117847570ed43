"""The Flask application factory."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask
from redis.exceptions import RedisError
from werkzeug.middleware.proxy_fix import ProxyFix

from banner.core.config import Config
from banner.core.config_checks import lookalike_variables, refuse_demo_users
from banner.core.config_parse import load_config
from banner.core.presentation import banner_versions, client_configs
from banner.core.tokens import TokenSigner
from banner.store import ConsentStore, Tally, connect
from banner.store.durable import DurableStore
from banner.store.spool import Spool
from banner.web import (
    api,
    cli,
    cors,
    dashboard,
    decisions,
    demo,
    errors,
    headers,
    inputs,
    openapi,
    ops,
    privacy_cli,
    ratelimits,
    schemas,
    script,
    vast,
    wellknown,
)
from banner.web.context import EXTENSION, Services
from banner.web.flusher import Flusher

log = logging.getLogger(__name__)

#: Seconds between flushes of in-process counters to Redis.
FLUSH_INTERVAL = 2.0


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` may set ``ENVIRON`` (instead of ``os.environ``)."""
    app = Flask(__name__, static_folder=_static_folder(), static_url_path="/static")
    app.config.update(MAX_CONTENT_LENGTH=inputs.MAX_BODY, FLUSH_INTERVAL=FLUSH_INTERVAL, SPOOL=True)
    if test_config:
        app.config.update(test_config)
    environ: Mapping[str, str] = app.config.get("ENVIRON", os.environ)
    config = _load(app, environ)
    app.secret_key = config.service.secret_key
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]

    redis = connect(config.service)
    store = ConsentStore(redis, config.policy.retention_seconds)
    spool = Spool(os.path.join(config.service.data_dir, "spool")) if app.config["SPOOL"] else None
    durable = DurableStore(store, spool)
    _load_scripts(store)
    tally = Tally()
    flusher = Flusher(tally, durable, app.config["FLUSH_INTERVAL"])
    signer = TokenSigner(config.service.signing_keys, config.policy.consent_max_age_seconds)
    clients = client_configs(config)
    versions = banner_versions(clients)
    app.extensions[EXTENSION] = Services(config, signer, store, tally, redis, durable, versions, flusher)
    app.before_request(flusher.ensure_running)

    errors.init_app(app)
    decisions.init_app(app)
    cors.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(vast.bp)
    app.register_blueprint(wellknown.bp)
    app.register_blueprint(schemas.bp)
    script.init_app(app, clients)
    demo.init_app(app)
    dashboard.init_app(app)
    cli.init_app(app)
    privacy_cli.init_app(app)
    headers.init_app(app)
    ratelimits.init_app(app, config, redis, flusher)
    if config.service.proxy_hops:
        hops = config.service.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app


def _load_scripts(store: ConsentStore) -> None:
    """Start even when Redis is down: writes spool until it is back."""
    try:
        store.load_scripts()
    except RedisError:
        log.warning("consent store unavailable at start-up; consent writes will be spooled")


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
    os.makedirs(data_dir, exist_ok=True)
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
