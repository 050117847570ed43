"""The dashboard's session cookie: HttpOnly, SameSite=Strict, Secure whenever served over https.

Flask decides ``Secure`` once per app; the dashboard may be reached over http in development and
https in production from the same app, so the flag follows the request instead. Behind a TLS
proxy, ``request.is_secure`` needs werkzeug's ``ProxyFix``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

COOKIE_NAME = "dashboard_session"
LIFETIME = timedelta(hours=8)


class DashboardSessionInterface(SecureCookieSessionInterface):
    salt = "dashboard-session"

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def configure(app: Flask) -> None:
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=LIFETIME,
    )
    app.session_interface = DashboardSessionInterface()
