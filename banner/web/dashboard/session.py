"""The dashboard's session cookie: HttpOnly, SameSite=Strict, and Secure outside development.

Flask decides ``Secure`` once per app; it follows :func:`banner.web.headers.secure_transport`
instead: over https always, and everywhere but in development and tests, so a TLS proxy that the
app cannot see (``proxy_hops = 0``) never leads to a cookie without ``Secure``.

Only the dashboard's pages and JSON have a session. Flask opens one for every request (reads and
verifies the cookie, and decides afterwards whether to write it back); the API a page calls on
every view has no use for it, so any request outside the dashboard's paths gets Flask's null
session instead, which costs nothing and is never saved.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, Request, has_request_context
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

from banner.web.headers import secure_transport

COOKIE_NAME = "dashboard_session"
#: Absolute: counted from sign-in (the server-side session ends then, see ``auth``).
LIFETIME = timedelta(hours=8)
#: The cookie's key holding the session's end; ``auth`` writes it.
EXPIRES = "expires"


class DashboardSessionInterface(SecureCookieSessionInterface):
    salt = "dashboard-session"

    def __init__(self, paths: tuple[str, ...]) -> None:
        self.paths = paths

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The dashboard's session; None (Flask's null session) on any other path."""
        if not request.path.startswith(self.paths):
            return None
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and secure_transport())

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        """The cookie ends with the server-side session, not 8 hours after the last page."""
        expires = session.get(EXPIRES)
        if session.permanent and isinstance(expires, float | int):
            return datetime.fromtimestamp(expires, UTC)
        return super().get_expiration_time(app, session)


def configure(app: Flask, paths: tuple[str, ...]) -> None:
    """The session for requests under ``paths`` (the dashboard's routes), none elsewhere."""
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=LIFETIME,
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.session_interface = DashboardSessionInterface(paths)
