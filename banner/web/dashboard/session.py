"""The dashboard's session cookie: HttpOnly, SameSite=Strict, and Secure outside development.

Flask decides ``Secure`` once per app; it follows :func:`banner.web.headers.secure_transport`
instead: over https always, and everywhere but in development and tests, so a TLS proxy that the
app cannot see (``proxy_hops = 0``) never leads to a cookie without ``Secure``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, has_request_context
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from banner.web.headers import secure_transport

COOKIE_NAME = "dashboard_session"
#: Absolute: counted from sign-in (the server-side session ends then, see ``auth``).
LIFETIME = timedelta(hours=8)
#: The cookie's key holding the session's end; ``auth`` writes it.
EXPIRES = "expires"


class DashboardSessionInterface(SecureCookieSessionInterface):
    salt = "dashboard-session"

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and secure_transport())

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
