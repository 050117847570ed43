"""The marketing dashboard: sign-in, overview, DNT/GPC record, A/B variants, exports and their JSON API."""

from __future__ import annotations

from flask import Flask

from banner.store.sessions import SessionRegistry
from banner.web.context import EXTENSION
from banner.web.dashboard import api, auth, exports, pages, session, variants
from banner.web.dashboard.blueprint import api_bp, bp

__all__ = ["api", "auth", "exports", "init_app", "pages", "variants"]  # imported for their routes


def init_app(app: Flask) -> None:
    app.extensions[auth.SESSIONS] = SessionRegistry(app.extensions[EXTENSION].store.redis)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    session.configure(app, _paths(app, (bp.name, api_bp.name)))


def _paths(app: Flask, blueprints: tuple[str, ...]) -> tuple[str, ...]:
    """Where the blueprints' routes live: each rule up to its first variable part."""
    rules = (rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.partition(".")[0] in blueprints)
    return tuple(sorted({rule.partition("<")[0] for rule in rules}))
