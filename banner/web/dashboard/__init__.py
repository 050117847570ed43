"""The marketing dashboard: sign-in, overview, DNT/GPC record, exports and their JSON API."""

from __future__ import annotations

from flask import Flask

from banner.store.sessions import SessionRegistry
from banner.web.context import EXTENSION
from banner.web.dashboard import api, auth, exports, pages, session
from banner.web.dashboard.blueprint import api_bp, bp
from banner.web.dashboard.throttle import LoginThrottle

__all__ = ["api", "exports", "init_app", "pages"]


def init_app(app: Flask) -> None:
    session.configure(app)
    app.extensions[auth.THROTTLE] = LoginThrottle()
    app.extensions[auth.SESSIONS] = SessionRegistry(app.extensions[EXTENSION].redis)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
