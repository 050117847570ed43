"""The dashboard's session cookie: HttpOnly, SameSite=Strict, Secure whenever served over https.

Flask decides ``Secure`` once per app; the dashboard may be reached over http in development and
https in production from the same app, so the flag follows the request instead. Behind a TLS
proxy, ``request.is_secure`` needs werkzeug's ``ProxyFix``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

COOKIE_NAME = "dashboard_session"
#: Absolute: counted from sign-in (the server-side session ends then, see ``auth``).
LIFETIME = timedelta(hours=8)
#: The cookie's key holding the session's end; ``auth`` writes it.
EXPIRES = "expires"


class DashboardSessionInterface(SecureCookieSessionInterface):
    salt = "dashboard-session"

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """The cookie ends with the server-side session, not 8 hours after the last page."""
        expires = session.get(EXPIRES)
        if session.permanent and isinstance(expires, float | int):
            return datetime.fromtimestamp(expires, UTC)
        return super().get_expiration_time(app, session)


def configure(app: Flask) -> None:
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=LIFETIME,
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.session_interface = DashboardSessionInterface()
