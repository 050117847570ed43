"""Signing in and out, and the gate in front of every dashboard page and dashboard API.

A session lives in Redis (:mod:`banner.store.sessions`) for 8 hours from sign-in, whatever the
activity; signing out deletes it, and a new password hash for the user in the config ends it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from functools import cache
from typing import Any

from flask import Response, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as BaseResponse

from banner.core.config import DashboardUser
from banner.core.errors import RateLimited
from banner.store.sessions import SessionRegistry
from banner.web.context import services
from banner.web.dashboard import csrf
from banner.web.dashboard.blueprint import api_bp, bp
from banner.web.dashboard.redirects import dashboard_path
from banner.web.dashboard.session import EXPIRES, LIFETIME
from banner.web.errors import error_response
from banner.web.limits import limited

SESSIONS = "dashboard.sessions"
#: In the signed cookie: the id of the server-side session (its end is under ``session.EXPIRES``).
SESSION_ID = "sid"
PUBLIC_ENDPOINTS = frozenset({"dashboard.login"})
#: On top of what every response gets (``banner.web.headers``, which also gives the pages their CSP).
SECURITY_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "same-origin"}
#: The dashboard's JSON answers load nothing at all.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def current_user() -> DashboardUser | None:
    """The signed-in user, looked up once per request; a 503 when the session store is down.

    ``g`` holds None while the lookup runs, so the error page after a failed lookup renders
    signed out instead of failing again.
    """
    if "dashboard_user" not in g:
        g.dashboard_user = None
        g.dashboard_user = _signed_in_user()
    user: DashboardUser | None = g.dashboard_user
    return user


def _signed_in_user() -> DashboardUser | None:
    """The user of a live session, if still in the config with the password hash they signed in with."""
    session_id = session.get(SESSION_ID)
    found = sessions().find(session_id) if isinstance(session_id, str) else None
    if found is None:
        return None
    user = next((u for u in services().config.dashboard_users if u.name == found.user), None)
    return user if user is not None and hmac.compare_digest(credential(user), found.credential) else None


def credential(user: DashboardUser) -> str:
    """A fingerprint of the user's password hash: a new hash in the config ends their sessions."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def sessions() -> SessionRegistry:
    registry: SessionRegistry = current_app.extensions[SESSIONS]
    return registry


def authenticate(users: Sequence[DashboardUser], name: str, password: str) -> DashboardUser | None:
    """The user whose hash matches; an unknown name costs the same hash check as a wrong password."""
    user = next((u for u in users if u.name == name), None)
    matches = check_password_hash(user.password_hash if user else _decoy_hash(), password)
    return user if user is not None and matches else None


@cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy password, never valid")


@bp.before_request
def _gate() -> BaseResponse | None:
    if request.method == "POST":
        csrf.check()
    if request.endpoint in PUBLIC_ENDPOINTS or current_user() is not None:
        return None
    return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))


@api_bp.before_request
def _api_gate() -> Response | None:
    if current_user() is not None:
        return None
    return error_response(401, "unauthorized", "sign in to the dashboard first")


@bp.after_request
@api_bp.after_request
def _headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@api_bp.after_request
def _api_csp(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", API_CSP)
    return response


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    return {"csrf_token": csrf.csrf_token, "user": current_user(), "next_path": _next_path}


@bp.route("/login", methods=["GET", "POST"])
@limited("login")
def login() -> BaseResponse | str:
    if request.method == "GET":
        return redirect(_next_url()) if current_user() else render_template("dashboard/login.html")
    name = request.form.get("username", "").strip()[:100]
    password = request.form.get("password", "")[:1000]
    user = authenticate(services().config.dashboard_users, name, password)
    if user is None:
        return _refused("Wrong user name or password.", 401, name)
    _open_session(user)
    return redirect(_next_url())


@bp.post("/logout")
def logout() -> BaseResponse:
    """Ends the session server-side, so a copy of the cookie stops working too."""
    _close_session()
    session.clear()
    return redirect(url_for("dashboard.login", signed_out=1))


@bp.errorhandler(RateLimited)
def _too_many(e: RateLimited) -> Response:
    seconds = e.retry_after
    message = f"Too many sign-in attempts. Wait {seconds} second{'' if seconds == 1 else 's'}, then try again."
    return _refused(message, 429, request.form.get("username", "").strip()[:100], retry_after=seconds)


def _open_session(user: DashboardUser) -> None:
    """A new session (and id) at every sign-in; the one this browser had before is closed."""
    session_id, opened = sessions().open(user.name, credential(user), int(LIFETIME.total_seconds()))
    _close_session()
    session.clear()
    session.update({SESSION_ID: session_id, EXPIRES: opened.expires})
    session.permanent = True
    csrf.rotate()


def _close_session() -> None:
    session_id = session.get(SESSION_ID)
    if isinstance(session_id, str):
        sessions().close(session_id)


def _refused(message: str, status: int, name: str, retry_after: int | None = None) -> Response:
    response = current_app.make_response(
        (render_template("dashboard/login.html", error=message, username=name), status)
    )
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _next_path() -> str | None:
    """The ``next`` parameter if it is a page of this dashboard (see :mod:`.redirects`)."""
    return dashboard_path(request.values.get("next", ""), url_for("dashboard.overview").rstrip("/"))


def _next_url() -> str:
    return _next_path() or url_for("dashboard.overview")
